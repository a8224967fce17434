using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using VideoDetect.Events;
using VideoDetect.Results;

namespace VideoDetect.Review;

/// <summary>
/// The review page as an XElement tree written as HTML5-compatible XHTML: the writer escapes every
/// text and attribute (a file named <c>cam&lt;img src=x onerror=…&gt;.mp4</c> is shown, never
/// parsed), and no markup is made from strings. Marked for tests and scripts: <c>data-video</c> per
/// video, inside it <c>data-role="timeline"</c>, <c>"counts"</c>, <c>"frame"</c>, <c>"events"</c>;
/// thumbnails are <c>img.snapshot</c>. No script, no external resource.
/// </summary>
public static class ReviewPage
{
    // HTML elements that must not be written self-closed (<div/> opens a div in HTML): given empty content.
    private static readonly HashSet<string> Void = new(StringComparer.Ordinal) { "img", "meta", "br", "col", "input", "link", "hr", "source" };

    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
        table { border-collapse: collapse; margin: .5em 0; }
        th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: middle; font-size: 13px; }
        section.video { border-top: 2px solid #444; margin-top: 2em; }
        .path, .note { color: #666; font-size: 12px; }
        .frame-box { position: relative; display: inline-block; }
        .frame-box img { display: block; max-width: 640px; }
        .frame-box svg { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
        img.snapshot { max-width: 160px; max-height: 120px; display: block; }
        svg text { font-family: system-ui, sans-serif; }
        """;

    /// <summary>The whole page; <paramref name="reportFolder"/>: where it will be (clip links are made relative to it).</summary>
    public static XElement Html(ReviewModel model, ReviewImages images, ReviewOptions options, string reportFolder) =>
        E("html", new XAttribute("lang", "en"),
            E("head", E("meta", new XAttribute("charset", "utf-8")), E("title", Clean(options.Title)), E("style", Style)),
            E("body", E("h1", Clean(options.Title)), Summary(model, images, options),
                model.Videos.Select(v => Video(v, model.Labels, images, options, reportFolder))));

    /// <summary>Writes <paramref name="html"/> with the HTML5 doctype, UTF-8 without a byte-order mark.</summary>
    public static void Write(XElement html, Stream stream)
    {
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false), Indent = false };
        using var writer = XmlWriter.Create(stream, settings);
        writer.WriteRaw("<!DOCTYPE html>\n"); // a constant: the HTML5 doctype, which WriteDocType writes with a stray space
        html.WriteTo(writer);
    }

    /// <summary>Text as XML can carry it: characters XML forbids (controls in a file name) become U+FFFD. Escaping is the writer's.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { sb.Append(c).Append(text[++i]); continue; }
            sb.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
        }
        return sb.ToString();
    }

    private static XElement Summary(ReviewModel model, ReviewImages images, ReviewOptions options)
    {
        int events = model.Videos.Sum(v => v.Events.Count);
        var section = E("section", new XAttribute("data-role", "summary"), E("h2", "Summary"),
            E("p", $"{model.Videos.Count} videos, {events} events."));
        if (model.Store.Count > 0)
        {
            section.Add(E("table", new XAttribute("data-role", "states"),
                E("tr", model.StateCounts().Select(s => E("th", s.State.ToString()))),
                E("tr", model.StateCounts().Select(s => E("td", new XAttribute("data-state", s.State.ToString()), s.Count.ToString(CultureInfo.InvariantCulture))))));
            var notDone = model.Store.Where(e => e.State != StoreState.Done).ToList();
            if (notDone.Count > 0)
                section.Add(E("table", new XAttribute("data-role", "store"), E("tr", E("th", "Video"), E("th", "State"), E("th", "Reason")),
                    notDone.Select(e => E("tr", E("td", Clean(e.Source)), E("td", e.State.ToString()), E("td", Clean(Reason(e)))))));
        }
        else section.Add(E("p", new XAttribute("class", "note"), options.Store is { } store
            ? Clean($"The result store '{store}' holds no videos.") : "No result store was given (-Store): the run's states are not shown."));
        if (images.Problems.Count > 0)
            section.Add(E("ul", new XAttribute("data-role", "problems"), images.Problems.Select(p => E("li", Clean(p.Message)))));
        return section;
    }

    // The store's reason, or for an Incomplete video the outputs that are not done.
    private static string Reason(StoreEntry e) => e.Reason ?? string.Join("; ",
        e.Outputs.Where(o => o.State != OutputState.Done).Select(o => $"{o.Kind}: {o.State}"));

    private static XElement Video(ReviewVideo video, IReadOnlyList<string> labels, ReviewImages images, ReviewOptions options, string reportFolder)
    {
        var section = E("section", new XAttribute("class", "video"), new XAttribute("data-video", Clean(video.Name)),
            E("h2", Clean(video.Name)),
            E("p", new XAttribute("class", "path"), Clean(video.Source ?? video.Store?.Source),
                video.Store is { } s ? $" · {s.State}{(s.Reason is { } r ? " · " + Clean(r) : "")}" : "",
                video.Timeline.TimeOfDay ? $" · recording start {video.Timeline.Origin!.Value.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}" : " · times are offsets into the file"),
            E("h3", "Timeline"),
            E("div", new XAttribute("data-role", "timeline"), video.Events.Count == 0 ? E("p", new XAttribute("class", "note"), "No events.") : ReviewSvg.Timeline(video.Timeline, labels)));
        if (video.Counts.Count > 0)
            section.Add(E("h3", $"Objects per {Span(options.Interval)}"), E("div", new XAttribute("data-role", "counts"), ReviewSvg.Counts(video.Timeline, video.Counts, labels)));
        if (images.Frame(video.Name) is { } frame)
            section.Add(E("h3", "Regions and lines"), E("div", new XAttribute("data-role", "frame"), E("div", new XAttribute("class", "frame-box"),
                E("img", new XAttribute("class", "frame"), new XAttribute("src", frame.File), new XAttribute("alt", Clean("A frame of " + video.Name))),
                ReviewSvg.Overlay(frame.SourceWidth, frame.SourceHeight, options.Regions, options.Lines))));
        if (video.Events.Count > 0) section.Add(E("h3", "Events"), Table(video, images, reportFolder));
        return section;
    }

    private static XElement Table(ReviewVideo video, ReviewImages images, string reportFolder)
    {
        var inv = CultureInfo.InvariantCulture;
        var t = video.Timeline;
        var bars = t.Bars.ToDictionary(b => b.Event); // events compare by reference
        var head = E("tr", new[] { "Snapshot", "Label", "Track", "Kind", "Where", "Start", "End", "Duration", "Confidence", "Clip" }.Select(h => E("th", h)));
        return E("table", new XAttribute("data-role", "events"), head, video.Events.Select(e =>
        {
            var bar = bars[e];
            object snapshot = images.Thumbnail(e.SnapshotPath) is { } thumb
                ? E("img", new XAttribute("class", "snapshot"), new XAttribute("src", thumb), new XAttribute("loading", "lazy"), new XAttribute("alt", Clean(e.Describe())))
                : "";
            object clip = e.ClipPath is { } c ? E("a", new XAttribute("href", Link(reportFolder, c)), new XAttribute("class", "clip"), "clip") : "";
            if (snapshot is XElement img && e.ClipPath is { } c2) snapshot = E("a", new XAttribute("href", Link(reportFolder, c2)), img);
            string where = e.Kind == DetectionEvent.Crossing ? $"{e.Direction} {e.Line}" : e.Region ?? "";
            return E("tr", new XAttribute("data-event", e.Describe() is var d ? Clean(d) : ""),
                E("td", snapshot), E("td", Clean(e.Label)), E("td", e.TrackId?.ToString(inv) ?? ""), E("td", e.Kind), E("td", Clean(where)),
                E("td", t.Format(bar.Start)), E("td", t.Format(bar.End)), E("td", e.Duration.TotalSeconds.ToString("0.0", inv) + " s"),
                E("td", e.MaxConfidence.ToString("0.00", inv)), E("td", clip));
        }));
    }

    /// <summary>A relative link from the report folder to <paramref name="path"/>, each segment percent-encoded (a name cannot end the URL or start a scheme).</summary>
    public static string Link(string reportFolder, string path)
    {
        string relative = Path.GetRelativePath(reportFolder, Path.GetFullPath(path));
        if (Path.IsPathRooted(relative)) return new Uri(relative).AbsoluteUri; // another drive: a file URL
        return string.Join('/', relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
    }

    private static string Span(TimeSpan interval) => interval.TotalHours >= 1 && interval.TotalHours % 1 == 0 ? $"{interval.TotalHours:0} h"
        : interval.TotalMinutes >= 1 && interval.TotalMinutes % 1 == 0 ? $"{interval.TotalMinutes:0} min" : $"{interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    // An element; a non-void element with no content gets empty text so it is written <x></x>, never <x/>.
    private static XElement E(string name, params object?[] content)
    {
        var e = new XElement(name, content);
        if (!Void.Contains(name) && e.IsEmpty) e.Add("");
        return e;
    }
}
