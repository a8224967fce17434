using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>
/// The appearance descriptor: its encoding and distance, the colour histogram on painted frames
/// (whatever the batch's layout and normalisation), and the ReID path with a synthetic network whose
/// output a test can predict. The real-video checks are in <see cref="AppearanceVideoTests"/>.
/// </summary>
public class AppearanceTests
{
    [Fact]
    public void A_descriptor_round_trips_quantised_and_the_distance_is_cosine()
    {
        var histogram = Enumerable.Range(0, 64).Select(i => (float)((i * 7) % 11)).ToArray();
        string encoded = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, histogram)!;
        Assert.Equal(88, encoded.Length); // kind byte + 64 bins, base64
        var (kind, vector) = AppearanceDescriptor.Decode(encoded)!.Value;
        Assert.Equal(AppearanceKind.ColourHistogram, kind);
        double norm = Math.Sqrt(histogram.Sum(v => (double)v * v));
        for (int i = 0; i < 64; i++) Assert.InRange(vector[i] - histogram[i] / norm, -0.01, 0.01);
        Assert.InRange(AppearanceDescriptor.Distance(encoded, encoded)!.Value, 0, 1e-6);

        var embedding = new float[] { 0.3f, -0.9f, 0.1f, 0 };
        var (ekind, e) = AppearanceDescriptor.Decode(AppearanceDescriptor.Encode(AppearanceKind.Embedding, embedding))!.Value;
        Assert.Equal(AppearanceKind.Embedding, ekind);
        double en = Math.Sqrt(embedding.Sum(v => (double)v * v));
        for (int i = 0; i < 4; i++) Assert.InRange(e[i] - embedding[i] / en, -0.01, 0.01);
        // Opposite embeddings are 2 apart; orthogonal histograms 1.
        string a = AppearanceDescriptor.Encode(AppearanceKind.Embedding, new float[] { 1, 0 })!, b = AppearanceDescriptor.Encode(AppearanceKind.Embedding, new float[] { -1, 0 })!;
        Assert.InRange(AppearanceDescriptor.Distance(a, b)!.Value, 1.999, 2);
        string h1 = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, new float[] { 1, 0 })!, h2 = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, new float[] { 0, 1 })!;
        Assert.Equal(1, AppearanceDescriptor.Distance(h1, h2)!.Value, 6);
    }

    [Fact]
    public void Missing_damaged_or_mismatched_descriptors_have_no_distance()
    {
        string h = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, new float[] { 1, 2 })!;
        string e = AppearanceDescriptor.Encode(AppearanceKind.Embedding, new float[] { 1, 2 })!;
        string longer = AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, new float[] { 1, 2, 3 })!;
        Assert.Null(AppearanceDescriptor.Distance(h, null));
        Assert.Null(AppearanceDescriptor.Distance("", h));
        Assert.Null(AppearanceDescriptor.Distance("not base64!", h));
        Assert.Null(AppearanceDescriptor.Distance(Convert.ToBase64String(new byte[] { 9, 1, 2 }), h)); // unknown kind
        Assert.Null(AppearanceDescriptor.Distance(Convert.ToBase64String(new byte[] { 1, 0, 0 }), h)); // all zero
        Assert.Null(AppearanceDescriptor.Distance(h, e));
        Assert.Null(AppearanceDescriptor.Distance(h, longer));
        Assert.Null(AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, new float[] { 0, 0 }));
        Assert.NotNull(AppearanceDescriptor.Distance(h, h)); // the control
    }

    /// <summary>A 640×480 street-grey frame with people painted as two-colour boxes (BGR top, BGR bottom) at the given places.</summary>
    internal static Mat Paint(params (Rect Box, Scalar Top, Scalar Bottom)[] people)
    {
        var frame = new Mat(480, 640, MatType.CV_8UC3, new Scalar(118, 122, 125));
        using var noise = new Mat(480, 640, MatType.CV_8UC3);
        Cv2.Randn(noise, new Scalar(0, 0, 0), new Scalar(6, 6, 6));
        Cv2.Add(frame, noise, frame);
        foreach (var (box, top, bottom) in people)
        {
            int half = box.Height / 2;
            frame.Rectangle(new Rect(box.X, box.Y, box.Width, half), top, -1);
            frame.Rectangle(new Rect(box.X, box.Y + half, box.Width, box.Height - half), bottom, -1);
            frame.Circle(box.X + box.Width / 2, box.Y - box.Width / 3, box.Width / 3, new Scalar(90, 120, 170), -1); // a head above the box
        }
        return frame;
    }

    /// <summary>A batch of <paramref name="frames"/> prepared with <paramref name="pre"/>, as the batcher prepares it.</summary>
    internal static FrameBatch Batch(PreprocessOptions pre, params Mat[] frames)
    {
        var processor = new FramePreprocessor(pre);
        var tensor = new float[frames.Length * pre.FrameLength];
        var refs = new List<FrameRef>();
        for (int i = 0; i < frames.Length; i++)
        {
            var t = processor.Process(frames[i], tensor.AsSpan(i * pre.FrameLength, pre.FrameLength));
            refs.Add(new FrameRef { Path = "painted", FrameIndex = i, SourceWidth = frames[i].Cols, SourceHeight = frames[i].Rows, Transform = t });
        }
        return new FrameBatch("painted", 0, refs, pre, tensor, new TensorPool());
    }

    private static Scalar Brighter(Scalar s) => new(Math.Min(255, s.Val0 * 1.12), Math.Min(255, s.Val1 * 1.12), Math.Min(255, s.Val2 * 1.12));

    private static Detection Box(Rect r, int frame = 0) => new() { Path = "painted", FrameIndex = frame, Label = "person", X = r.X, Y = r.Y, Width = r.Width, Height = r.Height, Confidence = 0.9f };

    private static readonly Scalar Red = new(40, 40, 190), Blue = new(170, 70, 30), Black = new(25, 25, 25), White = new(225, 225, 225), Green = new(60, 150, 50), Grey = new(100, 100, 100);

    [Fact]
    public void The_histogram_tells_clothes_apart_and_keeps_one_person_close_across_frames_light_and_box_jitter()
    {
        // Frame 0: five people; frame 1: the same five elsewhere, 12 % brighter, boxes a little loose or tight.
        var kinds = new[] { (Red, Blue), (Blue, Red), (White, Black), (Black, White), (Green, Grey) };
        var first = kinds.Select((k, i) => (new Rect(20 + 120 * i, 120, 60, 150), k.Item1, k.Item2)).ToArray();
        var second = kinds.Select((k, i) => (new Rect(60 + 110 * ((i + 2) % 5), 260, 56, 140), Brighter(k.Item1), Brighter(k.Item2))).ToArray();
        using var f0 = Paint(first);
        using var f1 = Paint(second);
        using var batch = Batch(new PreprocessOptions { Width = 416, Height = 416 }, f0, f1);
        var results = new[]
        {
            new FrameDetections { Path = "painted", FrameIndex = 0, Detections = first.Select(p => Box(p.Item1)).ToArray() },
            // Detector boxes are never exact: 4 px of street on one side, 3 px cut on the other.
            new FrameDetections { Path = "painted", FrameIndex = 1, Detections = second.Select(p => Box(new Rect(p.Item1.X - 4, p.Item1.Y + 3, p.Item1.Width + 4, p.Item1.Height - 3), 1)).ToArray() },
        };
        Appearance.Describe(batch, results);
        var d = new double[5, 5];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
                d[i, j] = AppearanceDescriptor.Distance(results[0].Detections[i].Appearance, results[1].Detections[j].Appearance)!.Value;
        for (int i = 0; i < 5; i++)
        {
            double other = Enumerable.Range(0, 5).Where(j => j != i).Min(j => d[i, j]);
            Assert.True(d[i, i] * 3 < other, $"person {i}: same {d[i, i]:F3}, nearest other {other:F3}");
        }
    }

    [Fact]
    public void The_descriptor_is_the_same_whatever_the_batch_layout_normalisation_and_resize()
    {
        var people = new[] { (new Rect(100, 100, 70, 180), Red, Green), (new Rect(400, 150, 50, 120), White, Blue) };
        using var frame = Paint(people);
        var layouts = new[]
        {
            new PreprocessOptions { Width = 416, Height = 416 },
            new PreprocessOptions { Width = 320, Height = 320, Layout = TensorLayout.NHWC, ChannelOrder = ChannelOrder.BGR, Mean = new[] { 103.53f, 116.28f, 123.675f }, Std = new[] { 57.375f, 57.12f, 58.395f }, Scale = 1 },
            new PreprocessOptions { Width = 640, Height = 384, Resize = ResizeMode.Stretch, Mean = new[] { 127.5f, 127.5f, 127.5f }, Std = new[] { 127.5f, 127.5f, 127.5f }, Scale = 1 },
        };
        var described = layouts.Select(pre =>
        {
            using var batch = Batch(pre, frame);
            var r = new[] { new FrameDetections { Path = "painted", Detections = people.Select(p => Box(p.Item1)).ToArray() } };
            Appearance.Describe(batch, r);
            return r[0].Detections.Select(x => x.Appearance!).ToArray();
        }).ToList();
        foreach (var other in described.Skip(1))
            for (int k = 0; k < 2; k++)
                Assert.InRange(AppearanceDescriptor.Distance(described[0][k], other[k])!.Value, 0, 0.03);
        Assert.InRange(AppearanceDescriptor.Distance(described[0][0], described[0][1])!.Value, 0.3, 1); // the control: two people differ
    }

    [Fact]
    public void A_box_too_small_or_in_the_padding_has_no_descriptor()
    {
        using var frame = Paint();
        using var batch = Batch(new PreprocessOptions { Width = 64, Height = 64 }, frame);
        var r = new[] { new FrameDetections { Detections = new[] { Box(new Rect(10, 10, 4, 6)), Box(new Rect(100, 100, 200, 200)) } } };
        Appearance.Describe(batch, r);
        Assert.Null(r[0].Detections[0].Appearance);
        Assert.NotNull(r[0].Detections[1].Appearance);
    }

    [Fact]
    public void A_ReID_network_gives_each_box_its_L2_normalised_embedding_and_its_session_is_cached()
    {
        using var dir = new TempDir();
        string path = dir.File("reid.onnx");
        VideoDetect.Tests.SyntheticModels.WriteMeanColourReid(path, 64, 32);
        var model = AppearanceModel.Load(path);
        Assert.Same(model, AppearanceModel.Load(path));
        Assert.Equal((64, 32, 0), (model.Height, model.Width, model.FixedBatch));

        // Uniform patches larger than their boxes, so each crop is one colour: the mean the network gives is predictable.
        var colours = new[] { new Scalar(30, 60, 200), new Scalar(200, 120, 20), new Scalar(90, 90, 90) };
        using var frame = new Mat(480, 640, MatType.CV_8UC3, new Scalar(0, 0, 0));
        var boxes = colours.Select((c, i) => new Rect(40 + 200 * i, 100, 80, 200)).ToArray();
        for (int i = 0; i < 3; i++) frame.Rectangle(new Rect(boxes[i].X - 12, boxes[i].Y - 12, boxes[i].Width + 24, boxes[i].Height + 24), colours[i], -1);
        using var batch = Batch(new PreprocessOptions { Width = 416, Height = 416 }, frame);
        var r = new[] { new FrameDetections { Detections = boxes.Select(b => Box(b)).ToArray() } };
        Appearance.Describe(batch, r, model);

        float[] mean = { 0.485f, 0.456f, 0.406f }, std = { 0.229f, 0.224f, 0.225f };
        for (int i = 0; i < 3; i++)
        {
            var c = colours[i];
            var rgb = new[] { c.Val2, c.Val1, c.Val0 };
            var expected = Enumerable.Range(0, 3).Select(k => (rgb[k] / 255 - mean[k]) / std[k]).ToArray();
            double norm = Math.Sqrt(expected.Sum(v => v * v));
            var (kind, got) = AppearanceDescriptor.Decode(r[0].Detections[i].Appearance)!.Value;
            Assert.Equal(AppearanceKind.Embedding, kind);
            Assert.Equal(3, got.Length);
            for (int k = 0; k < 3; k++) Assert.InRange(got[k] - expected[k] / norm, -0.02, 0.02);
        }
    }

    [Fact]
    public void A_model_that_is_not_a_ReID_network_is_refused_naming_the_shapes_it_needs()
    {
        using var dir = new TempDir();
        string path = dir.File("detector.onnx");
        VideoDetect.Tests.SyntheticModels.WriteGatedDetector(path, new long[] { 3, 32, 32 }, new[] { 0f },
            new[] { new VideoDetect.Tests.SyntheticOutput("boxes", new long[] { 1, 4 }, new float[] { 1, 2, 3, 4 }) });
        var e = Assert.Throws<ModelException>(() => AppearanceModel.Load(path));
        Assert.Equal(ErrorIds.ModelNotRecognised, e.ErrorId);
        Assert.Contains("[N, 3, H, W]", e.Message);
        Assert.Equal(ErrorIds.ModelNotFound, Assert.Throws<ModelException>(() => AppearanceModel.Load(dir.File("none.onnx"))).ErrorId);
    }
}
