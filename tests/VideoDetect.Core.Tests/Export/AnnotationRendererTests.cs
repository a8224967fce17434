using OpenCvSharp;
using VideoDetect.Export;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Export;

public class AnnotationRendererTests
{
    private static readonly Rect Box = new(120, 110, 80, 60);

    private static Detection Person(Rect r, float confidence = 0.87f) =>
        new() { Label = "person", ClassId = 0, Confidence = confidence, X = r.X, Y = r.Y, Width = r.Width, Height = r.Height };

    private static Mat Source()
    {
        var frame = new Mat(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
        SyntheticVideo.Draw(frame, 7);
        return frame;
    }

    /// <summary>Pixels of <paramref name="a"/> and <paramref name="b"/> that differ, inside <paramref name="region"/>.</summary>
    private static int Changed(Mat a, Mat b, Rect region)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a[region], b[region], diff);
        using var gray = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
        return Cv2.CountNonZero(gray);
    }

    [Fact]
    public void Draws_the_box_and_label_and_leaves_pixels_far_away_untouched()
    {
        using var source = Source();
        using var frame = source.Clone();
        var renderer = new AnnotationRenderer(frame.Cols, frame.Rows);
        renderer.Draw(frame, new[] { Person(Box) });

        // The box's edges are drawn in the class colour.
        var colour = AnnotationRenderer.ColourOf(0);
        var left = frame.At<Vec3b>(Box.Y + Box.Height / 2, Box.X);
        Assert.Equal(((byte)colour.Val0, (byte)colour.Val1, (byte)colour.Val2), (left.Item0, left.Item1, left.Item2));
        Assert.True(Changed(source, frame, new Rect(Box.X, Box.Y + 10, Box.Width, Box.Height - 10)) > 2 * (Box.Height - 10));
        // The label sits on a filled background just above the box.
        Assert.True(Changed(source, frame, new Rect(Box.X, Box.Y - 12, 40, 10)) > 300);
        // The inside of the box (beyond the line) and everything away from box and label are unchanged.
        Assert.Equal(0, Changed(source, frame, new Rect(Box.X + 4, Box.Y + 4, Box.Width - 8, Box.Height - 8)));
        Assert.Equal(0, Changed(source, frame, new Rect(0, 180, 320, 60)));
        Assert.Equal(0, Changed(source, frame, new Rect(230, 30, 90, 200)));
    }

    [Fact]
    public void Nothing_to_draw_leaves_the_frame_as_it_was()
    {
        using var source = Source();
        using var frame = source.Clone();
        new AnnotationRenderer(frame.Cols, frame.Rows).Draw(frame, Array.Empty<Detection>());
        Assert.Equal(0, Changed(source, frame, new Rect(0, 0, frame.Cols, frame.Rows)));
    }

    [Fact]
    public void Blur_smooths_inside_the_box_only_and_draws_no_box()
    {
        using var source = Source();
        // Fine detail inside the box: a checkerboard of 2x2 cells.
        for (int y = Box.Y; y < Box.Bottom; y++)
            for (int x = Box.X; x < Box.Right; x++)
                source.Set(y, x, ((x / 2 + y / 2) & 1) == 0 ? new Vec3b(0, 0, 0) : new Vec3b(255, 255, 255));
        using var frame = source.Clone();
        new AnnotationRenderer(frame.Cols, frame.Rows, blur: true).Draw(frame, new[] { Person(Box) });

        Cv2.MeanStdDev(source[Box], out _, out var before);
        Cv2.MeanStdDev(frame[Box], out _, out var after);
        Assert.True(before.Val0 > 100, $"checkerboard stddev {before.Val0}");
        Assert.True(after.Val0 < 0.2 * before.Val0, $"blurred stddev {after.Val0} vs {before.Val0}");
        // Outside the box, not one pixel changed (no box line, no label).
        using var outside = source.Clone();
        using var blurredOutside = frame.Clone();
        outside[Box].SetTo(Scalar.All(0));
        blurredOutside[Box].SetTo(Scalar.All(0));
        Assert.Equal(0, Changed(outside, blurredOutside, new Rect(0, 0, frame.Cols, frame.Rows)));
    }

    [Fact]
    public void Boxes_partly_off_the_frame_are_clipped_and_labels_stay_inside()
    {
        using var source = Source();
        using var frame = source.Clone();
        var renderer = new AnnotationRenderer(frame.Cols, frame.Rows);
        renderer.Draw(frame, new[]
        {
            Person(new Rect(-30, -20, 60, 50)),                                          // clipped to 0..30 x 0..30
            Person(new Rect(300, 220, 80, 80)),                                          // clipped to 300..320 x 220..240
            new Detection { Label = "x", X = 400, Y = 400, Width = 10, Height = 10 },   // wholly outside: skipped
        });
        var colour = AnnotationRenderer.ColourOf(0);
        var expected = ((byte)Math.Round(colour.Val0), (byte)Math.Round(colour.Val1), (byte)Math.Round(colour.Val2));
        // The clipped boxes keep the edges that are on the frame: the top-left box's right and bottom
        // edges, the bottom-right box's left and top edges.
        var right = frame.At<Vec3b>(20, 29);
        var bottom = frame.At<Vec3b>(29, 15);
        var left = frame.At<Vec3b>(232, 300);
        Assert.Equal(expected, (right.Item0, right.Item1, right.Item2));
        Assert.Equal(expected, (bottom.Item0, bottom.Item1, bottom.Item2));
        Assert.Equal(expected, (left.Item0, left.Item1, left.Item2));
        // The labels stay inside the frame: a box at the top edge gets its label inside the frame (below
        // its top), so something beyond the box line changed inside the top-left box.
        Assert.True(Changed(source, frame, new Rect(2, 2, 26, 10)) > 50);
        // Far from both boxes nothing changed: the outside detection drew nothing.
        Assert.Equal(0, Changed(source, frame, new Rect(80, 60, 160, 120)));
    }

    [Fact]
    public void Colours_are_stable_per_class_and_differ_between_classes()
    {
        // Stable: a class keeps its colour across renderers and frames (what a later frame draws matches).
        using var a = Source();
        using var b = Source();
        new AnnotationRenderer(a.Cols, a.Rows).Draw(a, new[] { new Detection { Label = "c3", ClassId = 3, Confidence = 0.9f, X = 120, Y = 110, Width = 80, Height = 60 } });
        new AnnotationRenderer(b.Cols, b.Rows).Draw(b, new[] { new Detection { Label = "c3", ClassId = 3, Confidence = 0.5f, X = 20, Y = 130, Width = 50, Height = 50 } });
        var ca = a.At<Vec3b>(140, 120);
        var cb = b.At<Vec3b>(150, 20);
        var c3 = AnnotationRenderer.ColourOf(3);
        Assert.Equal(((byte)Math.Round(c3.Val0), (byte)Math.Round(c3.Val1), (byte)Math.Round(c3.Val2)), (ca.Item0, ca.Item1, ca.Item2));
        Assert.Equal((ca.Item0, ca.Item1, ca.Item2), (cb.Item0, cb.Item1, cb.Item2));
        var colours = Enumerable.Range(0, 10).Select(AnnotationRenderer.ColourOf).ToList();
        Assert.Equal(10, colours.Distinct().Count());
    }

    [Fact]
    public void Line_width_and_font_grow_with_the_frame()
    {
        var small = new AnnotationRenderer(320, 240);
        var hd = new AnnotationRenderer(1920, 1080);
        Assert.Equal(1, small.Thickness);
        Assert.True(hd.Thickness >= 3);
        Assert.True(hd.FontScale > 3 * small.FontScale);
    }
}
