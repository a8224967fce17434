using OpenCvSharp;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>
/// Exports with the post-processing inside (Detectron2, torchvision, YOLOv10 / nms=True, RT-DETR, NMS
/// graphs), proven with generated graphs of exactly their signatures whose outputs are known: recognition,
/// frame-by-frame runs with N varying per frame (down to 0), boxes and masks to exact source pixels, the
/// 1-based COCO-91 label set, and the model's NMS kept (ours skipped).
/// </summary>
public class EndToEndFamilyTests
{
    private static readonly Dictionary<string, string> Names = new() { ["names"] = "{0: 'cat', 1: 'dog', 2: 'hat'}" };

    private static DetectionModel Load(string path, string? family = null) =>
        ModelCache.Load(path, new ModelOptions { Provider = ExecutionProvider.Cpu, Family = family });

    /// <summary>320 × 240 frames: 0 and 2 grey 200, 1 black; gated graphs give their rows on the grey frames only.</summary>
    private static string BrightDarkBright(TempDir dir)
    {
        string path = dir.File("bright-dark.avi");
        using (var writer = new VideoWriter(path, VideoWriter.FourCC("MJPG"), 25, new Size(320, 240)))
            foreach (int grey in new[] { 200, 0, 200 })
            {
                using var frame = new Mat(240, 320, MatType.CV_8UC3, new Scalar(grey, grey, grey));
                writer.Write(frame);
            }
        return path;
    }

    private static void AssertBox(Detection d, double x, double y, double width, double height)
    {
        Assert.Equal(x, d.X, 3);
        Assert.Equal(y, d.Y, 3);
        Assert.Equal(width, d.Width, 3);
        Assert.Equal(height, d.Height, 3);
    }

    [Fact]
    public void A_Detectron2_Mask_RCNN_export_runs_frame_by_frame_keeps_its_own_NMS_and_gives_masks_in_source_pixels()
    {
        using var dir = new TempDir();
        string path = dir.File("d2.onnx");
        SyntheticModels.WriteDetectron2MaskRcnn(path, 64, 48, 100);
        var model = Load(path);
        Assert.Equal("Detectron2", model.Family);
        Assert.Equal((64, 48), (model.InputWidth, model.InputHeight));
        Assert.Equal(VideoDetect.Batching.ChannelOrder.BGR, model.Preprocessing.ChannelOrder);
        Assert.Equal(1f, model.Preprocessing.Scale);
        Assert.Equal(1, model.FixedBatch);
        Assert.Contains("frame by frame", model.BatchNote);
        Assert.Contains("NMS is skipped", model.BatchNote);
        Assert.Equal(CocoLabels.Names, model.Labels);

        // 320 x 240 into 64 x 48 at the top left: scale 0.2, no padding.
        var frames = FamilyTests.DetectFrames(model, BrightDarkBright(dir), 0, 3, 0.3f);
        Assert.Equal(new long[] { 0, 1, 2 }, frames.Select(f => f.FrameIndex));
        Assert.Empty(frames[1].Detections); // N = 0
        foreach (var f in new[] { frames[0], frames[2] })
        {
            Assert.Equal(2, f.Detections.Length); // IoU 0.9, same class: our NMS would have dropped one
            var (first, second) = (f.Detections[0], f.Detections[1]);
            Assert.Equal("person", first.Label);
            Assert.Equal(0.9f, first.Confidence, 5);
            AssertBox(first, 50, 25, 100, 100);
            AssertBox(second, 60, 30, 90, 95);
            // The full 28 x 28 mask pasted into the 20 x 20 box: outline pixel centres 10.5..29.5, 5.5..24.5.
            var outline = Assert.Single(MaskPolygon.Decode(first.Mask));
            Assert.Equal(new[] { (52.5, 27.5), (52.5, 122.5), (147.5, 122.5), (147.5, 27.5) }.OrderBy(p => p), outline.OrderBy(p => p));
            // The left-half mask over the 18 x 19 box (12..30, 6..25): columns 0..8 of the pasted mask.
            var half = Assert.Single(MaskPolygon.Decode(second.Mask));
            Assert.Equal(62.5, half.Min(p => p.X), 3);
            Assert.Equal(102.5, half.Max(p => p.X), 3);
            Assert.Equal(32.5, half.Min(p => p.Y), 3);
            Assert.Equal(122.5, half.Max(p => p.Y), 3);
        }
    }

    [Fact]
    public void A_torchvision_export_uses_the_1_based_COCO_91_labels_with_gaps_and_whole_image_masks()
    {
        using var dir = new TempDir();
        string path = dir.File("tv.onnx");
        SyntheticModels.WriteTorchvisionMaskRcnn(path, 64, 48, 0.4f);
        var model = Load(path);
        Assert.Equal("Torchvision", model.Family);
        Assert.Equal(VideoDetect.Batching.ChannelOrder.RGB, model.Preprocessing.ChannelOrder);
        Assert.Equal(91, model.Labels.Count);
        Assert.Equal("person", model.Labels[1]);
        Assert.Equal("N/A", model.Labels[12]);
        Assert.Equal("stop sign", model.Labels[13]);
        Assert.Equal("toothbrush", model.Labels[90]);

        var frames = FamilyTests.DetectFrames(model, BrightDarkBright(dir), 0, 3, 0.3f);
        Assert.Empty(frames[1].Detections);
        var d = frames[2].Detections;
        Assert.Equal(new[] { "person", "car", "toothbrush" }, d.Select(x => x.Label));
        Assert.Equal(new[] { 1, 3, 90 }, d.Select(x => x.ClassId));
        AssertBox(d[0], 50, 25, 100, 100);
        AssertBox(d[1], 200, 150, 100, 75);
        AssertBox(d[2], 0, 0, 40, 40);
        var outline = Assert.Single(MaskPolygon.Decode(d[0].Mask));
        Assert.Equal(new[] { (52.5, 27.5), (52.5, 122.5), (147.5, 122.5), (147.5, 27.5) }.OrderBy(p => p), outline.OrderBy(p => p));
    }

    [Fact]
    public void A_YOLOv10_export_keeps_overlapping_rows_and_an_empty_output_gives_no_detections()
    {
        using var dir = new TempDir();
        string path = dir.File("v10.onnx"), empty = dir.File("empty.onnx");
        SyntheticModels.WriteYoloV10(path, 64, Names);
        SyntheticModels.WriteConstantDetector(empty, 64, new long[] { 1, 300, 6 }, new float[1800], new Dictionary<string, string>());
        var model = Load(path);
        Assert.Equal("YOLOv10", model.Family);
        Assert.True(model.DynamicBatch, model.BatchNote); // a fixed-size output batches after the rewrite
        Assert.Contains("NMS is skipped", model.BatchNote);
        string video = dir.File("synthetic.avi");
        SyntheticVideo.Write(video, 2, "MJPG");
        foreach (var f in FamilyTests.DetectFrames(model, video, 0, 2, 0.3f))
        {
            Assert.Equal(2, f.Detections.Length);
            Assert.All(f.Detections, x => Assert.Equal("dog", x.Label));
            // Centred letterbox, scale 0.2, 8 rows of padding: (22, 27)-(42, 37) is (110, 95)-(210, 145).
            AssertBox(f.Detections[0], 110, 95, 100, 50);
            AssertBox(f.Detections[1], 115, 95, 95, 50);
        }
        var none = Load(empty);
        Assert.Equal("YOLOv10", none.Family);
        Assert.All(FamilyTests.DetectFrames(none, video, 0, 2, 0.3f), f => Assert.Empty(f.Detections));
    }

    [Fact]
    public void An_RT_DETR_export_maps_normalised_centre_boxes_through_the_stretch()
    {
        using var dir = new TempDir();
        string path = dir.File("rtdetr.onnx");
        SyntheticModels.WriteRtDetr(path, 64, 3, new Dictionary<string, string>(Names) { ["description"] = "Ultralytics rtdetr-l model trained on coco.yaml" });
        var model = Load(path);
        Assert.Equal("RT-DETR", model.Family);
        Assert.Equal(VideoDetect.Batching.ResizeMode.Stretch, model.Preprocessing.Resize);
        string video = dir.File("synthetic.avi");
        SyntheticVideo.Write(video, 1, "MJPG");
        var d = Assert.Single(FamilyTests.DetectFrames(model, video, 0, 1, 0.3f)[0].Detections);
        Assert.Equal("hat", d.Label);
        Assert.Equal(0.75f, d.Confidence, 5);
        // cx, cy, w, h = 32, 32, 16, 8 input pixels; x scale 0.2, y scale 64 / 240.
        AssertBox(d, 120, 105, 80, 30);
    }

    [Fact]
    public void A_graph_ending_in_NonMaxSuppression_reads_the_selected_indices_and_survives_frames_with_none()
    {
        using var dir = new TempDir();
        string path = dir.File("nms.onnx");
        SyntheticModels.WriteNmsGraph(path, 64, 0.6f);
        var model = Load(path);
        Assert.Equal("NMS", model.Family);
        Assert.Equal(1, model.FixedBatch);
        var frames = FamilyTests.DetectFrames(model, BrightDarkBright(dir), 0, 3, 0.3f);
        Assert.Empty(frames[1].Detections);
        var d = Assert.Single(frames[0].Detections);
        Assert.Equal("class1", d.Label);
        Assert.Equal(0.85f, d.Confidence, 5);
        AssertBox(d, 110, 95, 100, 50);
    }

    [Fact]
    public void Family_overrides_and_hints_name_the_new_families()
    {
        using var dir = new TempDir();
        string d2 = dir.File("d2.onnx"), odd = dir.File("odd.onnx");
        SyntheticModels.WriteDetectron2MaskRcnn(d2, 64, 48, 100);
        Assert.Equal("Detectron2", Load(d2, "MaskRCNN").Family);
        var wrong = Assert.Throws<ModelException>(() => Load(d2, "Torchvision"));
        Assert.Equal("ModelNotRecognised", wrong.ErrorId);
        // A single-image model with outputs no family knows.
        SyntheticModels.WriteGatedDetector(odd, new long[] { 3, 48, 64 }, new[] { 0f },
            new[] { new SyntheticOutput("odd", new long[] { 1, 7 }, new float[7]) });
        var e = Assert.Throws<ModelException>(() => Load(odd));
        Assert.Contains("try -Family Detectron2 or Torchvision", e.Message);
    }

    [Fact]
    public void Mask_text_round_trips_and_rejects_malformed_points()
    {
        var polygons = new[] { new[] { (1.24, 2.0), (3.0, 4.5) }, new[] { (10.0, 10.0) } };
        string? text = MaskPolygon.Encode(polygons);
        Assert.Equal("1.2,2 3,4.5;10,10", text); // one decimal, invariant culture
        Assert.Equal(new[] { new[] { (1.2, 2.0), (3.0, 4.5) }, new[] { (10.0, 10.0) } }, MaskPolygon.Decode(text));
        Assert.Empty(MaskPolygon.Decode(null));
        Assert.Throws<FormatException>(() => MaskPolygon.Decode("1;2"));
    }
}
