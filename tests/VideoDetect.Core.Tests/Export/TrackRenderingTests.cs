using OpenCvSharp;
using VideoDetect.Export;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Export;

/// <summary>Export-AnnotatedVideo's track rendering: colour and label by track, the -Trail polyline.</summary>
public class TrackRenderingTests
{
    private static Detection Tracked(int id, double x, double y, long frame) =>
        new() { Label = "person", ClassId = 0, Confidence = 0.83f, X = x, Y = y, Width = 20, Height = 40, TrackId = id, FrameIndex = frame };

    private static Vec3b At(Mat m, int x, int y) => m.At<Vec3b>(y, x);

    private static (byte, byte, byte) Bgr(Scalar s) => ((byte)Math.Round(s.Val0), (byte)Math.Round(s.Val1), (byte)Math.Round(s.Val2));

    /// <summary>Within a few levels of the colour (the trail is anti-aliased).</summary>
    private static void Near((byte, byte, byte) expected, Vec3b actual) =>
        Assert.True(Math.Abs(expected.Item1 - actual.Item0) + Math.Abs(expected.Item2 - actual.Item1) + Math.Abs(expected.Item3 - actual.Item2) <= 12, $"{expected} vs {actual}");

    [Fact]
    public void Tracked_boxes_take_their_track_colour_and_two_tracks_of_one_class_differ()
    {
        using var frame = new Mat(240, 320, MatType.CV_8UC3, Scalar.All(0));
        new AnnotationRenderer(320, 240).Draw(frame, new[] { Tracked(12, 40, 100, 0), Tracked(13, 200, 100, 0) });
        var a = At(frame, 40, 120);
        var b = At(frame, 200, 120);
        Assert.Equal(Bgr(AnnotationRenderer.ColourOfTrack(12)), (a.Item0, a.Item1, a.Item2));
        Assert.Equal(Bgr(AnnotationRenderer.ColourOfTrack(13)), (b.Item0, b.Item1, b.Item2));
        Assert.NotEqual(Bgr(AnnotationRenderer.ColourOfTrack(12)), Bgr(AnnotationRenderer.ColourOfTrack(13)));
    }

    [Fact]
    public void The_trail_joins_the_last_n_centres_and_a_held_frame_adds_no_point()
    {
        var renderer = new AnnotationRenderer(320, 240, trail: 3);
        Mat? frame = null;
        // The track walks right 30 px a frame along y = 120 (centre at y = 100 + 40 / 2).
        for (int f = 0; f < 6; f++)
        {
            frame?.Dispose();
            frame = new Mat(240, 320, MatType.CV_8UC3, Scalar.All(0));
            var d = Tracked(5, 10 + 30 * f, 100, f);
            renderer.Draw(frame, new[] { d });
            if (f == 5) renderer.Draw(frame, new[] { d });   // a held frame: drawn again, same frame index
        }
        using var last = frame!;
        var colour = Bgr(AnnotationRenderer.ColourOfTrack(5));
        // Centres of frames 3, 4, 5 are x = 110, 140, 170: the line between 110 and 140 is drawn…
        Near(colour, At(last, 125, 120));
        // …and nothing left of frame 3's centre (frames 0–2 fell out of the trail), outside the boxes.
        for (int x = 30; x < 95; x++) Assert.Equal(0, At(last, x, 120).Item0 + At(last, x, 120).Item1 + At(last, x, 120).Item2);
        var none = new AnnotationRenderer(320, 240);
        using var plain = new Mat(240, 320, MatType.CV_8UC3, Scalar.All(0));
        for (int f = 0; f < 3; f++) none.Draw(plain, new[] { Tracked(5, 10 + 30 * f, 100, f) });
        Assert.Equal(0, At(plain, 55, 120).Item0 + At(plain, 55, 120).Item1 + At(plain, 55, 120).Item2);   // between old centres: no trail
    }
}
