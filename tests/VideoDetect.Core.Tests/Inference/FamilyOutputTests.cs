using VideoDetect.Inference;
using VideoDetect.Inference.Families;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>Each family's output parsing on hand-made tensors whose boxes are worked out by hand.</summary>
public class FamilyOutputTests
{
    private static readonly Dictionary<string, string> NoMetadata = new();

    private static ModelSignature Signature(int[] input, params (string Name, int[] Shape)[] outputs) =>
        new("input", input, outputs.Select(o => (o.Name, (IReadOnlyList<int>)o.Shape)).ToList(), NoMetadata);

    private static List<RawDetection> Parse(IModelFamily family, ModelSignature s, float minScore, params float[][] outputs)
    {
        Assert.True(family.Recognises(s), $"{family.Family} should recognise {s}");
        var into = new List<RawDetection>();
        family.Parse(new FrameOutputs(outputs), s, minScore, into);
        return into;
    }

    private static void Box(RawDetection d, float x1, float y1, float x2, float y2)
    {
        Assert.Equal(x1, d.X1, 3);
        Assert.Equal(y1, d.Y1, 3);
        Assert.Equal(x2, d.X2, 3);
        Assert.Equal(y2, d.Y2, 3);
    }

    [Fact]
    public void NanoDet_picks_tensors_by_shape_and_decodes_the_distribution_bins()
    {
        // A 32x32 input: strides 8, 16, 32 give 16, 4 and 1 cells; 3 classes, 8 bins a side. Box tensors first
        // here (the fixture lists class tensors first): the order must not matter.
        var s = Signature(new[] { 1, 3, 32, 32 }, ("r8", new[] { 1, 16, 32 }), ("r16", new[] { 1, 4, 32 }), ("r32", new[] { 1, 1, 32 }),
            ("c8", new[] { 1, 16, 3 }), ("c16", new[] { 1, 4, 3 }), ("c32", new[] { 1, 1, 3 }));
        var r8 = new float[16 * 32];
        var c8 = new float[16 * 3];
        // Cell 5 of stride 8 = column 1, row 1: point (8 + 3.5, 8 + 3.5). Class 2 at 0.7.
        c8[5 * 3 + 2] = 0.7f;
        // Sides as one-hot-ish bins: left all in bin 2 (distance 2 strides), top bin 1, right bin 3, bottom an even split of 0 and 2 (1).
        float big = 50;
        r8[5 * 32 + 0 * 8 + 2] = big;
        r8[5 * 32 + 1 * 8 + 1] = big;
        r8[5 * 32 + 2 * 8 + 3] = big;
        r8[5 * 32 + 3 * 8 + 0] = big;
        r8[5 * 32 + 3 * 8 + 2] = big;
        var d = Assert.Single(Parse(new NanoDetFamily(), s, 0.5f, r8, new float[4 * 32], new float[32], c8, new float[4 * 3], new float[3]));
        Assert.Equal(2, d.ClassId);
        Assert.Equal(0.7f, d.Score, 5);
        Box(d, 11.5f - 16, 11.5f - 8, 11.5f + 24, 11.5f + 8);
        Assert.Equal(3, new NanoDetFamily().ClassCount(s));
    }

    [Fact]
    public void FastestDet_reads_the_channels_first_grid()
    {
        // A 64x64 input: a 4x4 grid of stride 16; 2 classes.
        var s = Signature(new[] { 1, 3, 64, 64 }, ("758", new[] { 1, 7, 4, 4 }));
        var map = new float[7 * 16];
        int cell = 2 * 4 + 1; // row 2, column 1
        map[cell] = 0.81f;                 // objectness
        map[16 + cell] = 0;                // tanh(0) = 0: centre at the cell's corner
        map[2 * 16 + cell] = MathF.Atanh(0.5f);
        map[3 * 16 + cell] = 0;            // sigmoid(0) = 0.5 of the width
        map[4 * 16 + cell] = MathF.Log(0.25f / 0.75f); // sigmoid = 0.25
        map[6 * 16 + cell] = 0.9f;         // class 1
        map[5 * 16 + cell] = 0.1f;
        var d = Assert.Single(Parse(new FastestDetFamily(), s, 0.5f, map));
        Assert.Equal(1, d.ClassId);
        Assert.Equal(MathF.Pow(0.81f, 0.6f) * MathF.Pow(0.9f, 0.4f), d.Score, 5);
        float cx = 1f / 4 * 64, cy = 2.5f / 4 * 64, w = 32, h = 16;
        Box(d, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    [Fact]
    public void SSD_scales_normalised_corners_and_skips_the_background_column()
    {
        var s = Signature(new[] { 1, 3, 240, 320 }, ("scores", new[] { 1, 3, 2 }), ("boxes", new[] { 1, 3, 4 }));
        var scores = new float[] { 0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f };
        var boxes = new float[] { 0, 0, 1, 1, 0.25f, 0.5f, 0.5f, 1f, 0, 0, 0.1f, 0.1f };
        var d = Assert.Single(Parse(new SsdFamily(), s, 0.5f, scores, boxes));
        Assert.Equal(0, d.ClassId);
        Assert.Equal(0.8f, d.Score, 5);
        Box(d, 80, 120, 160, 240);
        Assert.Equal(new[] { "face" }, new SsdFamily().DefaultLabels(s));
        // Boxes first, and a 3-class model of another size: no face labels.
        var other = Signature(new[] { 1, 3, 300, 300 }, ("boxes", new[] { 1, 3, 4 }), ("scores", new[] { 1, 3, 4 }));
        Assert.True(new SsdFamily().Recognises(other));
        Assert.Equal(3, new SsdFamily().ClassCount(other));
        Assert.Null(new SsdFamily().DefaultLabels(other));
    }

    [Fact]
    public void YOLOv5_rows_are_centre_boxes_scored_by_objectness_times_class()
    {
        // 32x32: 21 cells × 3 anchors = 63 rows of 5 + 2.
        var s = Signature(new[] { 1, 3, 32, 32 }, ("output0", new[] { 1, 63, 7 }));
        var rows = new float[63 * 7];
        new float[] { 16, 12, 10, 6, 0.9f, 0.2f, 0.7f }.CopyTo(rows, 10 * 7);
        new float[] { 5, 5, 2, 2, 0.3f, 0.9f, 0.1f }.CopyTo(rows, 11 * 7);
        var d = Assert.Single(Parse(new YoloV5Family(), s, 0.4f, rows));
        Assert.Equal(1, d.ClassId);
        Assert.Equal(0.63f, d.Score, 5);
        Box(d, 11, 9, 21, 15);
        Assert.False(new YoloxFamily().Recognises(s));
        Assert.False(new YoloV8Family().Recognises(s));
    }

    [Fact]
    public void YOLOv8_columns_are_candidates_without_objectness()
    {
        // 32x32: 21 candidates, 4 + 3 channels.
        var s = Signature(new[] { 1, 3, 32, 32 }, ("output0", new[] { 1, 7, 21 }));
        var data = new float[7 * 21];
        int i = 4;
        data[i] = 16; data[21 + i] = 12; data[42 + i] = 10; data[63 + i] = 6;
        data[(4 + 2) * 21 + i] = 0.55f;
        data[(4 + 0) * 21 + 9] = 0.2f;
        var d = Assert.Single(Parse(new YoloV8Family(), s, 0.3f, data));
        Assert.Equal(2, d.ClassId);
        Assert.Equal(0.55f, d.Score, 5);
        Box(d, 11, 9, 21, 15);
        Assert.False(new YoloxFamily().Recognises(s));
        Assert.False(new YoloV5Family().Recognises(s));
        Assert.Equal(3, new YoloV8Family().ClassCount(s));
    }

    [Fact]
    public void Dynamic_Ultralytics_exports_are_recognised_by_their_names_and_sized_by_imgsz()
    {
        var metadata = new Dictionary<string, string> { ["names"] = "{0: 'a', 1: 'b'}", ["imgsz"] = "[384, 640]", ["stride"] = "32" };
        var v8 = new ModelSignature("images", new[] { -1, 3, -1, -1 }, new List<(string, IReadOnlyList<int>)> { ("output0", new[] { -1, 6, -1 }) }, metadata);
        Assert.True(new YoloV8Family().Recognises(v8));
        Assert.False(new YoloV5Family().Recognises(v8));
        var p = new YoloV8Family().Preprocessing(v8);
        Assert.Equal((640, 384), (p.Width, p.Height));
        var v5 = new ModelSignature("images", new[] { -1, 3, -1, -1 }, new List<(string, IReadOnlyList<int>)> { ("output0", new[] { -1, -1, 7 }) }, metadata);
        Assert.True(new YoloV5Family().Recognises(v5));
        Assert.False(new YoloV8Family().Recognises(v5));
    }

    [Theory]
    [InlineData("{0: 'person', 1: 'bicycle', 2: \"it's\"}", "person|bicycle|it's")]
    [InlineData("{\"0\": \"a\", \"1\": \"b\"}", "a|b")]
    [InlineData("[\"x\", \"y\", \"z\"]", "x|y|z")]
    [InlineData("{0: 'a', 2: 'c'}", null)]
    [InlineData("nonsense", null)]
    public void Metadata_names_are_read_from_a_Python_dict_or_JSON(string text, string? expected)
    {
        var names = ModelMetadata.Names(new Dictionary<string, string> { ["names"] = text });
        Assert.Equal(expected, names is null ? null : string.Join("|", names));
    }
}
