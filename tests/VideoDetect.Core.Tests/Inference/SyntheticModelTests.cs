using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>
/// YOLOv5 and YOLOv8 layouts, proven with small generated graphs whose outputs are known (no
/// permissively licensed weights exist here): recognition, metadata names and the coordinate mapping.
/// </summary>
public class SyntheticModelTests
{
    private static readonly Dictionary<string, string> Names = new() { ["names"] = "{0: 'cat', 1: 'dog', 2: \"owner's hat\"}", ["stride"] = "32", ["task"] = "detect" };

    // The 320x240 synthetic video letterboxed (centred) into 64x64: scale 0.2, 8 rows of padding at the top.
    // A box centred at (32, 32), 20 x 10 model pixels, is x 22..42, y 27..37 there: in the source
    // (22 / 0.2, (27 - 8) / 0.2) .. (42 / 0.2, (37 - 8) / 0.2) = (110, 95) .. (210, 145).
    private static void AssertMapped(DetectionModel model, string family)
    {
        Assert.Equal(family, model.Family);
        Assert.Equal(new[] { "cat", "dog", "owner's hat" }, model.Labels);
        Assert.True(model.DynamicBatch, model.BatchNote);
        using var dir = new TempDir();
        string video = dir.File("synthetic.avi");
        SyntheticVideo.Write(video, 3, "MJPG");
        var frames = FamilyTests.DetectFrames(model, video, 0, 3, 0.3f);
        Assert.Equal(3, frames.Length);
        foreach (var f in frames)
        {
            var d = Assert.Single(f.Detections);
            Assert.Equal("dog", d.Label);
            Assert.Equal(1, d.ClassId);
            Assert.Equal(110, d.X, 1);
            Assert.Equal(95, d.Y, 1);
            Assert.Equal(100, d.Width, 1);
            Assert.Equal(50, d.Height, 1);
        }
    }

    [Fact]
    public void A_YOLOv5_export_is_recognised_named_from_metadata_and_mapped_back()
    {
        using var dir = new TempDir();
        string path = dir.File("v5.onnx");
        SyntheticModels.WriteYoloV5(path, 64, 3, 1, 32, 32, 20, 10, Names);
        var model = ModelCache.Load(path, new ModelOptions { Provider = ExecutionProvider.Cpu });
        AssertMapped(model, "YOLOv5");
        Assert.Equal(0.72f, FamilyTests.DetectFrames(model, WriteVideo(dir), 0, 1, 0.3f)[0].Detections[0].Confidence, 4);
    }

    [Fact]
    public void A_YOLOv8_export_is_recognised_named_from_metadata_and_mapped_back()
    {
        using var dir = new TempDir();
        string path = dir.File("v8.onnx");
        SyntheticModels.WriteYoloV8(path, 64, 3, 1, 32, 32, 20, 10, Names);
        var model = ModelCache.Load(path, new ModelOptions { Provider = ExecutionProvider.Cpu });
        AssertMapped(model, "YOLOv8");
        Assert.Equal(VideoDetect.Batching.ResizeMode.Letterbox, model.Preprocessing.Resize);
        Assert.Equal(VideoDetect.Batching.ChannelOrder.RGB, model.Preprocessing.ChannelOrder);
    }

    [Fact]
    public void Labels_given_win_over_metadata_and_80_classes_without_names_are_COCO()
    {
        using var dir = new TempDir();
        string named = dir.File("named.onnx"), bare = dir.File("bare.onnx");
        SyntheticModels.WriteYoloV8(named, 64, 3, 1, 32, 32, 20, 10, Names);
        SyntheticModels.WriteYoloV8(bare, 96, 80, 0, 32, 32, 20, 10, new Dictionary<string, string>());
        var renamed = ModelCache.Load(named, new ModelOptions { Provider = ExecutionProvider.Cpu, Labels = new[] { "x", "y", "z" } });
        Assert.Equal(new[] { "x", "y", "z" }, renamed.Labels);
        var coco = ModelCache.Load(bare, new ModelOptions { Provider = ExecutionProvider.Cpu });
        Assert.Equal("YOLOv8", coco.Family);
        Assert.Equal("person", coco.Labels[0]);
        Assert.Equal(80, coco.Labels.Count);
    }

    [Fact]
    public void An_unknown_layout_lists_inputs_and_outputs_and_says_which_family_to_try()
    {
        using var dir = new TempDir();
        string path = dir.File("odd.onnx");
        SyntheticModels.WriteConstantDetector(path, 64, new long[] { 1, 5, 5 }, new float[25], new Dictionary<string, string>());
        var e = Assert.Throws<ModelException>(() => ModelCache.Load(path, new ModelOptions { Provider = ExecutionProvider.Cpu }));
        Assert.Equal("ModelNotRecognised", e.ErrorId);
        Assert.Contains("input images [1,3,64,64]", e.Message);
        Assert.Contains("output0 [1,5,5]", e.Message);
        Assert.Contains("try -Family YOLOv5, YOLOv8 or YOLOX", e.Message);
    }

    private static string WriteVideo(TempDir dir)
    {
        string video = dir.File("one.avi");
        SyntheticVideo.Write(video, 1, "MJPG");
        return video;
    }
}
