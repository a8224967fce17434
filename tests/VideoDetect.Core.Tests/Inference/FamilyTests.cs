using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>The real fixture models, recognised from their outputs alone and run on real frames.</summary>
public class FamilyTests
{
    private static string Model(string name) => Path.Combine(Fixtures.SharedDirectory ?? "", "models", name);

    internal static FrameDetections[] DetectFrames(DetectionModel model, string video, long start, long end, float confidence)
    {
        var probed = VideoProbe.Probe(video);
        var clip = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(end - start), Start = VideoPosition.FromFrames(start), End = VideoPosition.FromFrames(end) }).Single();
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = (int)(end - start), Preprocess = model.Preprocessing });
        batcher.Add(clip);
        batcher.Complete();
        using var batch = Assert.IsType<BatchReady>(batcher.Read()).Batch;
        return Detector.Run(model, batch, new DetectionOptions { Confidence = confidence });
    }

    [ModelsTheory]
    [InlineData("yolox_nano.onnx", "YOLOX", 416, 416, 80, "person", ResizeMode.LetterboxTopLeft, ChannelOrder.BGR)]
    [InlineData("nanodet_m_416.onnx", "NanoDet", 416, 416, 80, "person", ResizeMode.Letterbox, ChannelOrder.BGR)]
    [InlineData("FastestDet.onnx", "FastestDet", 352, 352, 80, "person", ResizeMode.Stretch, ChannelOrder.BGR)]
    [InlineData("version-RFB-320.onnx", "SSD", 320, 240, 1, "face", ResizeMode.Stretch, ChannelOrder.RGB)]
    public void Every_fixture_is_recognised_without_a_family(string file, string family, int width, int height, int classes, string first, ResizeMode resize, ChannelOrder order)
    {
        var model = ModelCache.Load(Model(file), new ModelOptions { Provider = ExecutionProvider.Cpu });
        Assert.Equal(family, model.Family);
        Assert.Equal((width, height), (model.InputWidth, model.InputHeight));
        Assert.Equal(classes, model.Labels.Count);
        Assert.Equal(first, model.Labels[0]);
        Assert.Equal(resize, model.Preprocessing.Resize);
        Assert.Equal(order, model.Preprocessing.ChannelOrder);
        // Every fixture's fixed batch of 1 is rewritten (Reshape targets; NanoDet's Resize sizes) and verified.
        Assert.True(model.DynamicBatch, model.BatchNote);
        Assert.Contains("verified", model.BatchNote);
    }

    [ModelsFact]
    public void NanoDet_preprocesses_with_its_mean_and_std_and_a_zero_pad()
    {
        var p = ModelCache.Load(Model("nanodet_m_416.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu }).Preprocessing;
        Assert.Equal(new[] { 103.53f, 116.28f, 123.675f }, p.Mean);
        Assert.Equal(new[] { 57.375f, 57.12f, 58.395f }, p.Std);
        Assert.Equal(0, p.PadValue);
        Assert.Equal(ResizeInterpolation.Area, p.Interpolation);
    }

    // The three walkers of vtest.avi frame 0, centres and heights read off the frame by eye.
    private static readonly (double X, double Y, double H)[] Walkers = { (663, 280, 83), (268, 264, 88), (515, 194, 79) };

    [ModelsTheory]
    [InlineData("nanodet_m_416.onnx")]
    [InlineData("FastestDet.onnx")]
    [InlineData("yolox_nano.onnx")]
    public void Each_COCO_model_finds_the_walkers_of_vtest_frame_0(string file)
    {
        var model = ModelCache.Load(Model(file), new ModelOptions { Provider = ExecutionProvider.Cpu });
        var frame = DetectFrames(model, Fixtures.Video("vtest.avi"), 0, 1, 0.4f).Single();
        var persons = frame.Detections.Where(d => d.Label == "person").ToList();
        foreach (var (x, y, h) in Walkers)
        {
            var hit = persons.FirstOrDefault(d => Math.Abs(d.X + d.Width / 2 - x) < 15 && Math.Abs(d.Y + d.Height / 2 - y) < 15);
            Assert.True(hit is not null, $"{file}: no person near ({x}, {y}); found {string.Join("; ", frame.Detections)}");
            Assert.InRange(hit!.Height, h * 0.8, h * 1.25);
        }
    }

    [ModelsFact]
    public void The_face_model_finds_the_boys_face_in_Megamind_frame_100()
    {
        var model = ModelCache.Load(Model("version-RFB-320.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu });
        var frame = DetectFrames(model, Fixtures.Video("Megamind.avi"), 100, 101, 0.7f).Single();
        // The boy's face spans about x 412..557, y 107..283 (checked by eye on the frame).
        var face = Assert.Single(frame.Detections, d => Math.Abs(d.X + d.Width / 2 - 485) < 20 && Math.Abs(d.Y + d.Height / 2 - 195) < 25);
        Assert.Equal("face", face.Label);
        Assert.InRange(face.Width, 115, 180);
        Assert.True(face.Confidence > 0.9f);
    }

    [ModelsFact]
    public void Family_overrides_recognition_and_accepts_aliases()
    {
        var model = ModelCache.Load(Model("version-RFB-320.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu, Family = "ultraface" });
        Assert.Equal("SSD", model.Family);
        var e = Assert.Throws<ModelException>(() => ModelCache.Load(Model("FastestDet.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu, Family = "NanoDet" }));
        Assert.Equal("ModelNotRecognised", e.ErrorId);
        Assert.Contains("does not have the NanoDet layout", e.Message);
    }
}
