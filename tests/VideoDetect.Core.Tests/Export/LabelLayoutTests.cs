using OpenCvSharp;
using VideoDetect.Export;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Export;

public class LabelLayoutTests
{
    private static bool Overlap(Rect a, Rect b) => a.X < b.Right && b.X < a.Right && a.Y < b.Bottom && b.Y < a.Bottom;

    private static void AssertDisjointAndInside(Size frame, Rect[] labels)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.True(labels[i].X >= 0 && labels[i].Y >= 0 && labels[i].Right <= frame.Width && labels[i].Bottom <= frame.Height, $"label {i} {labels[i]} leaves the {frame.Width}x{frame.Height} frame");
            for (int j = 0; j < i; j++) Assert.False(Overlap(labels[i], labels[j]), $"label {i} {labels[i]} covers label {j} {labels[j]}");
        }
    }

    [Fact]
    public void ALabelGoesAboveItsBoxWhenThatIsFree()
    {
        var labels = LabelLayout.Place(new Size(640, 480), new[] { new Rect(100, 100, 50, 120) }, new[] { new Size(60, 16) });
        Assert.Equal(new Rect(100, 84, 60, 16), labels[0]);
    }

    [Fact]
    public void ALabelWhosePlaceIsTakenMovesBelowItsBox()
    {
        // Two pedestrians side by side, the second a little lower: its label above would cover the first's.
        var labels = LabelLayout.Place(new Size(640, 480), new[] { new Rect(100, 100, 50, 120), new Rect(120, 104, 50, 120) }, new[] { new Size(60, 16), new Size(60, 16) });
        Assert.Equal(new Rect(100, 84, 60, 16), labels[0]);
        Assert.Equal(new Rect(120, 224, 60, 16), labels[1]);
    }

    [Fact]
    public void AtTheFrameEdgesLabelsGoInsideTheBoxAndStayInTheFrame()
    {
        var frame = new Size(320, 240);
        // A box touching the top: no room above, so inside its top edge; one at the right edge: moved left.
        var labels = LabelLayout.Place(frame, new[] { new Rect(10, 0, 80, 240), new Rect(300, 50, 20, 40) }, new[] { new Size(70, 14), new Size(70, 14) });
        Assert.Equal(new Rect(10, 0, 70, 14), labels[0]);
        Assert.Equal(new Rect(250, 36, 70, 14), labels[1]);
        AssertDisjointAndInside(frame, labels);
        // A label wider than the frame is cut to it.
        Assert.Equal(new Rect(0, 0, 320, 14), LabelLayout.Place(frame, new[] { new Rect(0, 0, 10, 10) }, new[] { new Size(500, 14) })[0]);
    }

    [Fact]
    public void ACrowdStacksItsLabelsWithoutOverlap()
    {
        // Eight pedestrians in a row, each 6 px right of the last, as on vtest.avi's crossing.
        var frame = new Size(768, 576);
        var boxes = Enumerable.Range(0, 8).Select(i => new Rect(300 + 6 * i, 200 + 2 * i, 40, 110)).ToArray();
        var labels = LabelLayout.Place(frame, boxes, boxes.Select(_ => new Size(90, 18)).ToArray());
        AssertDisjointAndInside(frame, labels);
        // Stacked close to their boxes: none further than eight label heights away.
        for (int i = 0; i < boxes.Length; i++) Assert.InRange(labels[i].Y, boxes[i].Y - 8 * 18, boxes[i].Bottom + 8 * 18);
    }

    [Fact]
    public void MoreLabelsThanRoomOverlapRatherThanLeaveTheFrame()
    {
        var frame = new Size(100, 40);
        var boxes = Enumerable.Range(0, 6).Select(_ => new Rect(10, 10, 30, 20)).ToArray();
        var labels = LabelLayout.Place(frame, boxes, boxes.Select(_ => new Size(60, 15)).ToArray());
        Assert.All(labels, l => Assert.True(l.X >= 0 && l.Y >= 0 && l.Right <= 100 && l.Bottom <= 40));
    }

    // ---- on rendered pixels ----

    private static Detection Person(int track, double x, double y, double w = 40, double h = 110) =>
        new() { Label = "person", ClassId = 0, Confidence = 0.87f, TrackId = track, X = x, Y = y, Width = w, Height = h, FrameIndex = 0 };

    /// <summary>Share of the pixels inside <paramref name="r"/> that have exactly the colour <paramref name="c"/>.</summary>
    private static double ShareOf(Mat frame, Rect r, Scalar c)
    {
        using var mask = new Mat();
        var bgr = new Scalar(Math.Round(c.Val0), Math.Round(c.Val1), Math.Round(c.Val2));
        Cv2.InRange(frame[r], bgr, bgr, mask);
        return Cv2.CountNonZero(mask) / (double)(r.Width * r.Height);
    }

    [Theory]
    [InlineData(320, 240)]
    [InlineData(768, 576)]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public void RenderedLabelsOfNeighboursAreEachVisibleInTheirOwnColourWithText(int width, int height)
    {
        double s = height / 576.0;
        // Six pedestrians close together (as on vtest.avi), one at the top edge and one at the right edge.
        var people = new List<Detection>();
        for (int i = 0; i < 4; i++) people.Add(Person(i + 1, (300 + 8 * i) * s, (200 + 3 * i) * s, 40 * s, 110 * s));
        people.Add(Person(5, 100 * s, 0, 40 * s, 110 * s));
        people.Add(Person(6, width - 20 * s, 300 * s, 40 * s, 110 * s));
        var renderer = new AnnotationRenderer(width, height);
        using var frame = new Mat(height, width, MatType.CV_8UC3, new Scalar(40, 40, 40));
        renderer.Draw(frame, people);
        var places = renderer.LabelPlaces(people);
        AssertDisjointAndInside(new Size(width, height), places);
        for (int i = 0; i < people.Count; i++)
        {
            // The label's own fill covers most of its place (no other label drawn over it), and the
            // rest is its text (antialiased, so not one colour).
            Assert.InRange(ShareOf(frame, places[i], AnnotationRenderer.ColourOfTrack(people[i].TrackId!.Value)), 0.5, 0.97);
        }
    }

    [Fact]
    public void LabelsScaleWithTheFrameAndStayLegibleAt320x240()
    {
        var heights = new List<int>();
        foreach (var (w, h) in new[] { (320, 240), (640, 480), (1280, 720), (1920, 1080), (3840, 2160) })
        {
            var renderer = new AnnotationRenderer(w, h);
            using var frame = new Mat(h, w, MatType.CV_8UC3, Scalar.All(40));
            var d = Person(1, w / 3.0, h / 3.0, w / 10.0, h / 4.0);
            renderer.Draw(frame, new[] { d });
            // The label's height as drawn: the rows above the box holding its fill colour.
            using var mask = new Mat();
            var c = AnnotationRenderer.ColourOfTrack(1);
            var bgr = new Scalar(Math.Round(c.Val0), Math.Round(c.Val1), Math.Round(c.Val2));
            Cv2.InRange(frame[new Rect(0, 0, w, (int)(h / 3.0))], bgr, bgr, mask);
            var rows = Enumerable.Range(0, mask.Rows).Where(y => Cv2.CountNonZero(mask.Row(y)) > 0).ToList();
            int labelHeight = rows.Count;
            heights.Add(labelHeight);
            // Readable on the smallest frame (>= 12 px), never more than 7 % of the frame's height.
            Assert.InRange(labelHeight, 12, 0.07 * h);
        }
        // Grows with the frame: 4K's label at least 3.5x the 320x240 one.
        for (int i = 1; i < heights.Count; i++) Assert.True(heights[i] > heights[i - 1], string.Join(", ", heights));
        Assert.True(heights[^1] >= 3.5 * heights[0], string.Join(", ", heights));
    }
}
