using System.Globalization;
using System.Xml.Linq;
using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>
/// The page's drawings as inline SVG elements (XElement: every text escaped on writing): the
/// timeline (a lane per label/track, a <c>rect.bar</c> per event), the count-per-interval chart (a
/// bar per label per interval) and the regions/lines overlay of a representative frame (in source
/// pixels). Inline SVG, not rendered images: no native drawing library, text stays text, and the
/// bars are DOM elements a test can find.
/// </summary>
public static class ReviewSvg
{
    public const int Width = 960;
    private const int LaneHeight = 18, LabelWidth = 150, AxisHeight = 22, ChartHeight = 140;
    private static readonly string[] Palette = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f" };

    /// <summary>The colour of a label: its place in the report's sorted labels, round the palette.</summary>
    public static string ColourOf(IReadOnlyList<string> labels, string label)
    {
        int i = 0;
        for (; i < labels.Count; i++) if (labels[i] == label) break;
        return Palette[i % Palette.Length];
    }

    /// <summary>The timeline: lanes top to bottom, the axis (time of day or offset) under them.</summary>
    public static XElement Timeline(ReviewTimeline timeline, IReadOnlyList<string> labels)
    {
        int height = Math.Max(1, timeline.Lanes.Count) * LaneHeight + AxisHeight;
        double plot = Width - LabelWidth - 10;
        double X(double seconds) => LabelWidth + seconds / timeline.Length * plot;
        var svg = Svg(Width, height, "timeline");
        var lane = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < timeline.Lanes.Count; i++)
        {
            lane[timeline.Lanes[i]] = i;
            if (i % 2 == 1) svg.Add(Rect(LabelWidth, i * LaneHeight, plot, LaneHeight, "#f3f3f3", "lane"));
            svg.Add(Text(4, i * LaneHeight + 13, timeline.Lanes[i], "start"));
        }
        Axis(svg, timeline.Lanes.Count * LaneHeight, timeline.Length, X, timeline.Format);
        foreach (var bar in timeline.Bars)
        {
            int i = lane[bar.Lane];
            double x = X(bar.Start), w = Math.Max(3, X(bar.End) - x);
            var rect = Rect(x, i * LaneHeight + 3, w, LaneHeight - 6, ColourOf(labels, bar.Label), "bar");
            rect.Add(new XAttribute("data-lane", bar.Lane), new XElement("title", ReviewPage.Clean($"{bar.Event.Describe()} · {timeline.Format(bar.Start)}–{timeline.Format(bar.End)}")));
            svg.Add(rect);
        }
        return svg;
    }

    /// <summary>The count-per-interval chart: per interval, a bar per label (its height the distinct tracks), and a legend.</summary>
    public static XElement Counts(ReviewTimeline timeline, IReadOnlyList<IntervalCount> counts, IReadOnlyList<string> labels)
    {
        var svg = Svg(Width, ChartHeight + AxisHeight + 18, "counts");
        var chartLabels = counts.Select(c => c.Label).Distinct().ToList();
        long first = counts.Min(c => c.Interval), last = counts.Max(c => c.Interval);
        int max = Math.Max(1, counts.Max(c => c.Tracks));
        double plot = Width - LabelWidth - 10, slot = plot / (last - first + 1), bar = Math.Max(1, slot * 0.8 / chartLabels.Count);
        double top = 18;
        svg.Add(Text(LabelWidth - 6, top + 10, max.ToString(CultureInfo.InvariantCulture), "end"), Text(LabelWidth - 6, top + ChartHeight, "0", "end"),
            Line(LabelWidth, top + ChartHeight, Width - 10, top + ChartHeight, "#999"));
        for (int l = 0; l < chartLabels.Count; l++)
        {
            string colour = ColourOf(labels, chartLabels[l]);
            svg.Add(Rect(LabelWidth + l * 110, 2, 10, 10, colour, "key"), Text(LabelWidth + l * 110 + 14, 11, chartLabels[l], "start"));
            foreach (var c in counts.Where(c => c.Label == chartLabels[l] && c.Tracks > 0))
            {
                double h = c.Tracks / (double)max * ChartHeight;
                var rect = Rect(LabelWidth + (c.Interval - first) * slot + slot * 0.1 + l * bar, top + ChartHeight - h, bar, h, colour, "count");
                rect.Add(new XElement("title", ReviewPage.Clean($"{c.Label}: {c.Tracks} at {timeline.Format(c.Start)}")));
                svg.Add(rect);
            }
        }
        double firstStart = counts.Min(c => c.Start), lastEnd = counts.Max(c => c.End);
        Axis(svg, (int)(top + ChartHeight), lastEnd - firstStart, s => LabelWidth + s / (lastEnd - firstStart) * plot, s => timeline.Format(firstStart + s));
        return svg;
    }

    /// <summary>Regions (polygons) and lines (with an arrow to their "In" side) over a frame of <paramref name="width"/> × <paramref name="height"/> source pixels.</summary>
    public static XElement Overlay(int width, int height, IReadOnlyList<Region> regions, IReadOnlyList<CrossingLine> lines)
    {
        var svg = new XElement("svg", new XAttribute("class", "overlay"), new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XAttribute("preserveAspectRatio", "none"), new XAttribute("role", "img"));
        double stroke = Math.Max(2, width / 320.0), font = Math.Max(12, width / 40.0);
        foreach (var r in regions)
        {
            string points = string.Join(' ', r.Polygon.Select(p => F(p.X) + "," + F(p.Y)));
            svg.Add(new XElement("polygon", new XAttribute("class", "region"), new XAttribute("points", points), new XAttribute("fill", "#ffd70040"),
                new XAttribute("stroke", "#ffd700"), new XAttribute("stroke-width", F(stroke)), new XElement("title", ReviewPage.Clean(r.Name))));
            svg.Add(Label(r.Polygon[0].X, r.Polygon[0].Y - 4, r.Name, "#ffd700", font));
        }
        foreach (var l in lines)
        {
            svg.Add(new XElement("line", new XAttribute("class", "line"), new XAttribute("x1", F(l.A.X)), new XAttribute("y1", F(l.A.Y)),
                new XAttribute("x2", F(l.B.X)), new XAttribute("y2", F(l.B.Y)), new XAttribute("stroke", "#00e5ff"), new XAttribute("stroke-width", F(stroke * 1.5)),
                new XElement("title", ReviewPage.Clean(l.Name))));
            // The "In" side is on the right looking from A to B (screen coordinates, y down): normal (-dy, dx).
            double mx = (l.A.X + l.B.X) / 2, my = (l.A.Y + l.B.Y) / 2, dx = l.B.X - l.A.X, dy = l.B.Y - l.A.Y, n = Math.Max(1e-9, Math.Sqrt(dx * dx + dy * dy));
            double ax = mx - dy / n * font * 2, ay = my + dx / n * font * 2;
            svg.Add(new XElement("line", new XAttribute("x1", F(mx)), new XAttribute("y1", F(my)), new XAttribute("x2", F(ax)), new XAttribute("y2", F(ay)),
                new XAttribute("stroke", "#00e5ff"), new XAttribute("stroke-width", F(stroke)), new XAttribute("stroke-dasharray", F(stroke * 2))));
            svg.Add(Label(ax, ay, "In", "#00e5ff", font * 0.8), Label(l.A.X, l.A.Y - 4, l.Name, "#00e5ff", font));
        }
        return svg;
    }

    private static void Axis(XElement svg, int y, double length, Func<double, double> x, Func<double, string> format)
    {
        svg.Add(Line(LabelWidth, y, Width - 10, y, "#999"));
        double step = ReviewTimeline.TickStep(length);
        for (double t = 0; t <= length + 1e-9; t += step)
        {
            svg.Add(Line(x(t), y, x(t), y + 4, "#999"));
            if (x(t) <= Width - 26) svg.Add(Text(x(t), y + 16, format(t), "middle")); // a label centred further right would be cut at the edge
        }
    }

    private static XElement Svg(int width, int height, string role) => new("svg", new XAttribute("class", role), new XAttribute("width", width),
        new XAttribute("height", height), new XAttribute("viewBox", $"0 0 {width} {height}"), new XAttribute("role", "img"));

    private static XElement Rect(double x, double y, double w, double h, string fill, string cls) => new("rect", new XAttribute("class", cls),
        new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("width", F(w)), new XAttribute("height", F(h)), new XAttribute("fill", fill));

    private static XElement Line(double x1, double y1, double x2, double y2, string stroke) => new("line", new XAttribute("x1", F(x1)),
        new XAttribute("y1", F(y1)), new XAttribute("x2", F(x2)), new XAttribute("y2", F(y2)), new XAttribute("stroke", stroke));

    private static XElement Text(double x, double y, string text, string anchor) => new("text", new XAttribute("x", F(x)), new XAttribute("y", F(y)),
        new XAttribute("text-anchor", anchor), new XAttribute("font-size", "11"), ReviewPage.Clean(text));

    private static XElement Label(double x, double y, string text, string fill, double size) => new("text", new XAttribute("x", F(x)), new XAttribute("y", F(y)),
        new XAttribute("fill", fill), new XAttribute("font-size", F(size)), new XAttribute("stroke", "#000"), new XAttribute("stroke-width", F(size / 10)),
        new XAttribute("paint-order", "stroke"), ReviewPage.Clean(text));

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
