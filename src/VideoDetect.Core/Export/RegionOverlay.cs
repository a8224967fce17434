using System.Globalization;
using OpenCvSharp;
using VideoDetect.Events;
using VideoDetect.Inference;

namespace VideoDetect.Export;

/// <summary>
/// Draws the named regions and lines of ConvertTo-DetectionEvent's -Region/-Line onto frames, and
/// keeps live in/out counts per line. The counts come from an <see cref="EventFolder"/> built from the
/// same <see cref="EventOptions"/> (its crossing events, counted at the frame they complete), so at the
/// end of a source each line's counts are the number of crossing events ConvertTo-DetectionEvent gives
/// for the same frames and options — one rule for crossings, never a second one here.
/// <para>Regions are outlined with their name at their first point; a line is drawn with its name and
/// its counts ("Gate in 2 out 1") at its first point and a tick on its "In" side (the right-hand side
/// looking from the first point to the second). Sizes scale with the frame as
/// <see cref="AnnotationRenderer"/>'s do. One overlay per source and thread; it holds no native memory.</para>
/// </summary>
public sealed class RegionOverlay
{
    /// <summary>The colour (BGR) regions are outlined in.</summary>
    public static readonly Scalar RegionColour = new(255, 255, 0);
    /// <summary>The colour (BGR) lines are drawn in.</summary>
    public static readonly Scalar LineColour = new(0, 255, 255);

    private const HersheyFonts Font = HersheyFonts.HersheySimplex;
    private readonly EventOptions _options;
    private readonly EventFolder? _folder;
    private readonly Dictionary<string, (int In, int Out)> _counts = new(StringComparer.Ordinal);
    private readonly int _thickness;
    private readonly double _fontScale;

    /// <param name="options">The regions and lines, and the crossing rule (CrossingFrames, IncludeStationary, classes, confidence) of ConvertTo-DetectionEvent.</param>
    /// <param name="count">Count crossings live (Export-AnnotatedVideo); false draws the shapes alone (snapshots).</param>
    public RegionOverlay(EventOptions options, int width, int height, bool count = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Frame size {width}x{height} must be positive.");
        _options = options;
        // Only crossings are counted: the folder needs no regions (they would make presence events, unused here).
        if (count && options.Lines.Count > 0) _folder = new EventFolder(options with { Regions = Array.Empty<Region>() });
        foreach (var line in options.Lines) _counts[line.Name] = (0, 0);
        int shorter = Math.Min(width, height);
        _thickness = Math.Max(1, (int)Math.Round(shorter / 300.0));
        _fontScale = Math.Max(0.35, shorter / 1000.0);
    }

    /// <summary>Whether there is anything to draw.</summary>
    public bool IsEmpty => _options.Regions.Count == 0 && _options.Lines.Count == 0;

    /// <summary>Crossings counted so far, per line name (In, Out).</summary>
    public IReadOnlyDictionary<string, (int In, int Out)> Counts => _counts;

    /// <summary>The counts text drawn beside a line: "Gate in 2 out 1".</summary>
    public string CountText(string line)
    {
        var (i, o) = _counts.TryGetValue(line, out var c) ? c : (0, 0);
        return string.Create(CultureInfo.InvariantCulture, $"{line} in {i} out {o}");
    }

    /// <summary>
    /// Takes one source frame's detections (each frame once, in frame order, as ConvertTo-DetectionEvent
    /// would): crossings completed at this frame are added to the counts.
    /// </summary>
    public void Observe(FrameDetections frame)
    {
        if (_folder is null) return;
        foreach (var e in _folder.Add(frame)) Tally(e);
    }

    /// <summary>Closes the source (no crossing completes at the end of the stream: lines count at the frame they complete).</summary>
    public void Complete()
    {
        if (_folder is null) return;
        foreach (var e in _folder.Complete()) Tally(e);
    }

    private void Tally(DetectionEvent e)
    {
        if (e.Kind != DetectionEvent.Crossing || e.Line is null) return;
        var (i, o) = _counts[e.Line];
        _counts[e.Line] = e.Direction == "In" ? (i + 1, o) : (i, o + 1);
    }

    /// <summary>Draws every region and line, with each line's counts (8-bit BGR, owned by the caller).</summary>
    public void Draw(Mat frame)
    {
        foreach (var r in _options.Regions) DrawRegion(frame, r);
        foreach (var l in _options.Lines) DrawLine(frame, l, _folder is null ? l.Name : CountText(l.Name));
    }

    /// <summary>Draws only the region and line named (an event's): a snapshot shows where its event happened.</summary>
    public void DrawOnly(Mat frame, string? region, string? line)
    {
        foreach (var r in _options.Regions.Where(r => string.Equals(r.Name, region, StringComparison.Ordinal))) DrawRegion(frame, r);
        foreach (var l in _options.Lines.Where(l => string.Equals(l.Name, line, StringComparison.Ordinal))) DrawLine(frame, l, l.Name);
    }

    private void DrawRegion(Mat frame, Region region)
    {
        var points = region.Polygon.Select(ToPoint).ToArray();
        Cv2.Polylines(frame, new[] { points }, true, RegionColour, _thickness, LineTypes.Link8);
        DrawText(frame, region.Name, points[0], RegionColour);
    }

    private void DrawLine(Mat frame, CrossingLine line, string text)
    {
        Point a = ToPoint(line.A), b = ToPoint(line.B);
        Cv2.Line(frame, a, b, LineColour, _thickness + 1, LineTypes.Link8);
        // A tick from the middle towards the "In" side: the right-hand normal of A→B on screen (y down) is (-dy, dx).
        double dx = line.B.X - line.A.X, dy = line.B.Y - line.A.Y, length = Math.Sqrt(dx * dx + dy * dy);
        double tick = Math.Max(6, 12 * _fontScale);
        var middle = new Point((a.X + b.X) / 2, (a.Y + b.Y) / 2);
        var inward = new Point(middle.X + (int)Math.Round(-dy / length * tick), middle.Y + (int)Math.Round(dx / length * tick));
        Cv2.ArrowedLine(frame, middle, inward, LineColour, _thickness, LineTypes.Link8, 0, 0.4);
        DrawText(frame, text, a, LineColour);
    }

    /// <summary>Text on a dark background at <paramref name="at"/>, kept inside the frame.</summary>
    private void DrawText(Mat frame, string text, Point at, Scalar colour)
    {
        int textThickness = Math.Max(1, _thickness / 2);
        var size = Cv2.GetTextSize(text, Font, _fontScale, textThickness, out int baseline);
        int pad = Math.Max(2, _thickness);
        int w = Math.Min(size.Width + 2 * pad, frame.Cols), h = Math.Min(size.Height + baseline + 2 * pad, frame.Rows);
        var place = new Rect(Math.Clamp(at.X, 0, frame.Cols - w), Math.Clamp(at.Y - h, 0, frame.Rows - h), w, h);
        Cv2.Rectangle(frame, place, Scalar.Black, -1);
        Cv2.PutText(frame, text, new Point(place.X + pad, place.Y + pad + size.Height), Font, _fontScale, colour, textThickness, LineTypes.AntiAlias);
    }

    private static Point ToPoint((double X, double Y) p) => new((int)Math.Round(p.X), (int)Math.Round(p.Y));
}
