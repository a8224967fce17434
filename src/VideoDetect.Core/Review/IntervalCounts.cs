using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>How many objects of one label were present in one interval of a video: distinct tracks (a per-label event counts as one).</summary>
public sealed record IntervalCount(string Label, long Interval, double Start, double End, int Tracks);

/// <summary>
/// The count-per-interval chart's data, from a video's events alone: per label and interval, the
/// distinct tracks whose presence overlaps it. Intervals follow the clock when the timeline is in
/// time of day (a 1-minute interval starts on the minute), else the file offset from 0. Crossing
/// events are left out (the same track's presence is already counted).
/// </summary>
public static class IntervalCounts
{
    /// <summary>The counts of every label in every interval from the first event's to the last's (zero where none), by label then interval.</summary>
    public static IReadOnlyList<IntervalCount> Of(ReviewTimeline timeline, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "The interval must be positive.");
        double step = interval.TotalSeconds;
        // Shift so interval boundaries fall on the clock: axis second t is clock second t + align.
        double align = timeline.Origin is { } o ? Mod(o.TimeOfDay.TotalSeconds, step) : 0;
        var present = timeline.Bars.Where(b => b.Event.Kind == DetectionEvent.Presence).ToList();
        if (present.Count == 0) return Array.Empty<IntervalCount>();
        long first = Index(present.Min(b => b.Start), align, step);
        long last = Index(present.Max(b => b.End), align, step);
        var result = new List<IntervalCount>();
        foreach (var group in present.GroupBy(b => b.Label).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var seen = new Dictionary<long, HashSet<object>>();
            foreach (var bar in group)
            {
                object who = bar.Event.TrackId is { } id ? id : bar.Event; // a per-label event counts once
                for (long k = Index(bar.Start, align, step); k <= Index(bar.End, align, step); k++)
                {
                    if (!seen.TryGetValue(k, out var set)) seen[k] = set = new HashSet<object>();
                    set.Add(who);
                }
            }
            for (long k = first; k <= last; k++)
                result.Add(new IntervalCount(group.Key, k, k * step - align, (k + 1) * step - align, seen.TryGetValue(k, out var s) ? s.Count : 0));
        }
        return result;
    }

    private static long Index(double t, double align, double step) => (long)Math.Floor((t + align) / step);

    private static double Mod(double a, double m) => ((a % m) + m) % m;
}
