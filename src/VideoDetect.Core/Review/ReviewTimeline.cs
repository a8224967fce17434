using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>One event on a video's timeline: its lane (a track, or a label for per-label events) and its span in seconds from the axis origin.</summary>
public sealed record TimelineBar(string Lane, string Label, DetectionEvent Event, double Start, double End);

/// <summary>
/// The timeline of one video: lanes per label/track and a bar per event, on one axis in seconds.
/// The axis is the video's time of day when every event has <see cref="DetectionEvent.StartedAt"/>
/// and <see cref="DetectionEvent.EndedAt"/> (<see cref="Origin"/>: the recording start, so 0 is the
/// first frame); otherwise file offsets (<see cref="Origin"/> null).
/// </summary>
public sealed record ReviewTimeline(DateTimeOffset? Origin, double Length, IReadOnlyList<string> Lanes, IReadOnlyList<TimelineBar> Bars)
{
    /// <summary>True when the axis is the time of day.</summary>
    public bool TimeOfDay => Origin.HasValue;

    /// <summary>The timeline of one video's events (any order). An empty list gives no lanes and a one-second axis.</summary>
    public static ReviewTimeline Of(IReadOnlyList<DetectionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        bool timeOfDay = events.Count > 0 && events.All(e => e.StartedAt.HasValue && e.EndedAt.HasValue);
        // The recording start: the time of day of offset 0, from the earliest event (all events of a video share it).
        DateTimeOffset? origin = timeOfDay ? events.Min(e => e.StartedAt!.Value - e.StartTime) : null;
        var bars = events
            .Select(e =>
            {
                double start = origin is { } o ? (e.StartedAt!.Value - o).TotalSeconds : e.StartTime.TotalSeconds;
                double end = origin is { } o2 ? (e.EndedAt!.Value - o2).TotalSeconds : e.EndTime.TotalSeconds;
                return new TimelineBar(LaneOf(e), e.Label, e, start, Math.Max(start, end));
            })
            .OrderBy(b => b.Start).ThenBy(b => b.Lane, StringComparer.Ordinal)
            .ToList();
        var lanes = events
            .Select(e => (e.Label, Track: e.TrackId ?? -1, Lane: LaneOf(e)))
            .Distinct()
            .OrderBy(l => l.Label, StringComparer.Ordinal).ThenBy(l => l.Track)
            .Select(l => l.Lane).Distinct().ToList();
        double length = bars.Count == 0 ? 1 : Math.Max(1, bars.Max(b => b.End));
        return new ReviewTimeline(origin, length, lanes, bars);
    }

    /// <summary>"person #3" for a track, "person" for a per-label event.</summary>
    public static string LaneOf(DetectionEvent e) => e.TrackId is { } id ? $"{e.Label} #{id}" : e.Label;

    /// <summary>The tick step in seconds for about <paramref name="ticks"/> ticks over <paramref name="length"/> seconds (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h).</summary>
    public static double TickStep(double length, int ticks = 8)
    {
        double[] steps = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200 };
        foreach (double s in steps) if (length / s <= ticks) return s;
        return 86400;
    }

    /// <summary>A position on the axis as text: the time of day ("21:04:05") or the file offset ("00:01:30").</summary>
    public string Format(double seconds)
    {
        var at = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return Origin is { } o ? (o + at).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
            : at.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);
    }
}
