using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Inference.Families;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Inference;

public class YoloxTests
{
    private static string Model => Path.Combine(Fixtures.SharedDirectory ?? "", "models", "yolox_nano.onnx");

    private static List<FrameDetections> Detect(DetectionModel model, string video, long start, long end, int batchSize)
    {
        var probed = VideoProbe.Probe(video);
        var clips = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(end - start), Start = VideoPosition.FromFrames(start), End = VideoPosition.FromFrames(end) });
        var result = new List<FrameDetections>();
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = batchSize, Preprocess = model.Preprocessing });
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        while (batcher.Read() is { } e)
        {
            var ready = Assert.IsType<BatchReady>(e);
            result.AddRange(Detector.Run(model, ready.Batch, new DetectionOptions { Confidence = 0.4f }));
            ready.Batch.Dispose();
        }
        return result;
    }

    [ModelsFact]
    public void Finds_the_pedestrians_of_vtest_frame_0()
    {
        var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu });
        Assert.Equal("YOLOX", model.Family);
        Assert.Equal((416, 416), (model.InputWidth, model.InputHeight));
        Assert.Equal("person", model.Labels[0]);
        var frames = Detect(model, Fixtures.Video("vtest.avi"), 0, 1, 1);
        var frame = Assert.Single(frames);
        Assert.Equal((0L, 768, 576), (frame.FrameIndex, frame.SourceWidth, frame.SourceHeight));
        var persons = frame.Detections.Where(x => x.Label == "person").ToList();
        // Checked by eye on a rendering of frame 0: three walkers and one person far up-left.
        foreach (var (cx, cy) in new[] { (663.0, 281.0), (268.0, 264.0), (517.0, 195.0), (39.0, 126.0) })
        {
            Assert.Contains(persons, p => Math.Abs(p.X + p.Width / 2 - cx) < 10 && Math.Abs(p.Y + p.Height / 2 - cy) < 10 && p.Confidence > 0.4f);
        }
        Assert.Contains(frame.Detections, x => x.Label is "truck" or "car" && x.X > 640 && x.Y < 110); // the parked van
        Assert.All(frame.Detections, x => Assert.True(x.X >= 0 && x.Y >= 0 && x.X + x.Width <= 768 && x.Y + x.Height <= 576));
        Assert.All(frame.Detections, x => Assert.Equal(Fixtures.Video("vtest.avi"), x.Path));
    }

    [ModelsFact]
    public void Every_frame_gets_its_detections_in_order_and_the_session_is_cached()
    {
        var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu });
        Assert.Same(model, ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu }));
        var frames = Detect(model, Fixtures.Video("vtest.avi"), 100, 120, 8);
        Assert.Equal(Enumerable.Range(100, 20).Select(i => (long)i), frames.Select(f => f.FrameIndex));
        Assert.All(frames, f => Assert.Contains(f.Detections, d => d.Label == "person"));
        Assert.All(frames, f => Assert.Equal(TimeSpan.FromMilliseconds(100 * f.FrameIndex), f.Timestamp));
    }

    [ModelsFact]
    public void The_fixed_batch_is_rewritten_verified_and_batched_runs_equal_per_frame_runs()
    {
        var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu });
        Assert.True(model.DynamicBatch, model.BatchNote);
        Assert.Contains("verified", model.BatchNote);
        Assert.Equal(0, model.FixedBatch);
        Assert.Equal(0, model.RunChunk); // whole batches, on the CPU too: measured faster there (bench `chunk`)
        var probed = VideoProbe.Probe(Fixtures.Video("vtest.avi"));
        var clip = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(6), Start = VideoPosition.FromFrames(300), End = VideoPosition.FromFrames(306) }).Single();
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = 6, Preprocess = model.Preprocessing });
        batcher.Add(clip);
        batcher.Complete();
        using var batch = Assert.IsType<BatchReady>(batcher.Read()).Batch;
        var whole = Detector.Run(model, batch, new DetectionOptions(), framesPerRun: 0);
        var single = Detector.Run(model, batch, new DetectionOptions(), framesPerRun: 1);
        Assert.Equal(6, whole.Length);
        for (int f = 0; f < 6; f++)
        {
            Assert.Equal(single[f].Detections.Length, whole[f].Detections.Length);
            for (int d = 0; d < whole[f].Detections.Length; d++)
            {
                Assert.Equal(single[f].Detections[d].Label, whole[f].Detections[d].Label);
                Assert.Equal(single[f].Detections[d].Confidence, whole[f].Detections[d].Confidence, 4);
                Assert.Equal(single[f].Detections[d].X, whole[f].Detections[d].X, 2);
                Assert.Equal(single[f].Detections[d].Y, whole[f].Detections[d].Y, 2);
            }
        }
    }

    [ModelsFactWithoutCuda]
    public void Auto_falls_back_to_the_CPU_with_the_reason_and_Cuda_fails_clearly_without_CUDA()
    {
        var auto = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Auto });
        Assert.Equal(ExecutionProvider.Cpu, auto.Provider);
        Assert.Contains("CUDA", auto.FallbackReason);
        var e = Assert.Throws<ModelException>(() => ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cuda }));
        Assert.Equal("ProviderUnavailable", e.ErrorId);
    }

    [Fact]
    public void Family_maps_a_hand_made_row_to_a_box()
    {
        // A 32x32 input: strides 8, 16, 32 give 16 + 4 + 1 = 21 rows of 5 + 2 classes.
        var sig = new ModelSignature("images", new[] { 1, 3, 32, 32 }, new[] { ("output", (IReadOnlyList<int>)new[] { 1, 21, 7 }) }, new Dictionary<string, string>());
        var family = new YoloxFamily();
        Assert.True(family.Recognises(sig));
        var data = new float[21 * 7];
        // Rows 0..15 are stride 8 (4x4), 16..19 stride 16 (2x2, row-major), 20 stride 32: row 17 is grid x=1, y=0 at stride 16.
        int r = 17 * 7;
        data[r + 0] = 0.5f; data[r + 1] = 0.25f; data[r + 2] = MathF.Log(2); data[r + 3] = 0; data[r + 4] = 0.9f; data[r + 5] = 0.1f; data[r + 6] = 0.8f;
        var found = new List<RawDetection>();
        family.Parse(new FrameOutputs(new[] { data }), sig, 0.3f, found);
        var d = Assert.Single(found);
        // centre ((0.5 + 1) * 16, (0.25 + 0) * 16) = (24, 4); size (2 * 16, 1 * 16) = (32, 16)
        Assert.Equal(1, d.ClassId);
        Assert.Equal(0.72f, d.Score, 5);
        Assert.Equal((8f, -4f, 40f, 12f), (d.X1, d.Y1, d.X2, d.Y2));
    }

    [Fact]
    public void Missing_and_non_onnx_models_fail_clearly()
    {
        using var dir = new TempDir();
        Assert.Equal("ModelNotFound", Assert.Throws<ModelException>(() => ModelCache.Load(dir.File("none.onnx"))).ErrorId);
        File.WriteAllText(dir.File("text.onnx"), "not a model");
        Assert.Equal("ModelUnreadable", Assert.Throws<ModelException>(() => ModelCache.Load(dir.File("text.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu })).ErrorId);
    }

    [Fact]
    public void BlazeFace_family_places_an_anchor_box_in_input_pixels()
    {
        IReadOnlyList<int> S(params int[] d) => d;
        var sig = new ModelSignature("input:0", new[] { 1, 128, 128, 3 },
            new[] { ("s1", S(1, 512, 1)), ("s2", S(1, 384, 1)), ("b1", S(1, 512, 16)), ("b2", S(1, 384, 16)) }, new Dictionary<string, string>());
        var family = new BlazeFaceFamily();
        Assert.True(family.Recognises(sig));
        Assert.False(new YoloxFamily().Recognises(sig));
        Assert.Equal(TensorLayout.NHWC, family.Preprocessing(sig).Layout);
        var s1 = new float[512]; var s2 = Enumerable.Repeat(-10f, 384).ToArray(); var b1 = new float[512 * 16]; var b2 = new float[384 * 16];
        Array.Fill(s1, -10f);
        // Anchor 35 of layer 1: cell 17 = (x 1, y 1) of the 16x16 grid, centre (1.5, 1.5) / 16 × 128 = (12, 12).
        s1[35] = 2f;
        b1[35 * 16 + 0] = 4; b1[35 * 16 + 1] = -2; b1[35 * 16 + 2] = 20; b1[35 * 16 + 3] = 10;
        var found = new List<RawDetection>();
        family.Parse(new FrameOutputs(new[] { s1, s2, b1, b2 }), sig, 0.5f, found);
        var d = Assert.Single(found);
        Assert.Equal(1 / (1 + MathF.Exp(-2f)), d.Score, 6);
        Assert.Equal((6f, 5f, 26f, 15f), (d.X1, d.Y1, d.X2, d.Y2));
    }
}
