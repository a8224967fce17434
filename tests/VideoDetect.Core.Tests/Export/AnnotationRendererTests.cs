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
        using var frame = Source();
        var renderer = new AnnotationRenderer(frame.Cols, frame.Rows);
        var ex = Record.Exception(() => renderer.Draw(frame, new[]
        {
            Person(new Rect(-30, -20, 60, 50)),
            Person(new Rect(300, 220, 80, 80)),
            new Detection { Label = "x", X = 400, Y = 400, Width = 10, Height = 10 },   // wholly outside: skipped
        }));
        Assert.Null(ex);
    }

    [Fact]
    public void Colours_are_stable_per_class_and_differ_between_classes()
    {
        Assert.Equal(AnnotationRenderer.ColourOf(3), AnnotationRenderer.ColourOf(3));
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
