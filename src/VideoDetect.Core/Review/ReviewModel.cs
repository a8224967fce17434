using VideoDetect.Events;
using VideoDetect.Results;

namespace VideoDetect.Review;

/// <summary>One video of the review: its name, the source path, its state in the store (when one was given), its events and their timeline and counts.</summary>
public sealed record ReviewVideo(string Name, string? Source, StoreEntry? Store, IReadOnlyList<DetectionEvent> Events, ReviewTimeline Timeline, IReadOnlyList<IntervalCount> Counts);

/// <summary>
/// What the review page shows, without any markup: the store's entries (the run's summary) and one
/// <see cref="ReviewVideo"/> per video, matched by file name — every video with events, and every
/// video the store holds (those without events show an empty timeline).
/// </summary>
public sealed record ReviewModel(IReadOnlyList<StoreEntry> Store, IReadOnlyList<ReviewVideo> Videos, IReadOnlyList<string> Labels)
{
    /// <summary>The model of <paramref name="events"/> and <paramref name="store"/> (empty when no store was given).</summary>
    public static ReviewModel Of(IEnumerable<DetectionEvent> events, IEnumerable<StoreEntry> store, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(store);
        var entries = store.ToList();
        var byName = new SortedDictionary<string, (string? Source, List<DetectionEvent> Events, StoreEntry? Entry)>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            string name = NameOf(e.Path);
            if (!byName.TryGetValue(name, out var v)) byName[name] = v = (e.Path, new List<DetectionEvent>(), null);
            v.Events.Add(e);
        }
        foreach (var entry in entries)
        {
            string name = NameOf(entry.Source);
            byName[name] = byName.TryGetValue(name, out var v) ? v with { Entry = entry } : (null, new List<DetectionEvent>(), entry);
        }
        var videos = byName.Select(p =>
        {
            var ordered = p.Value.Events.OrderBy(e => e.StartFrame).ThenBy(e => e.Label, StringComparer.Ordinal).ThenBy(e => e.TrackId).ToList();
            var timeline = ReviewTimeline.Of(ordered);
            return new ReviewVideo(p.Key, p.Value.Source, p.Value.Entry, ordered, timeline, IntervalCounts.Of(timeline, interval));
        }).ToList();
        var labels = videos.SelectMany(v => v.Events).Select(e => e.Label).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToList();
        return new ReviewModel(entries, videos, labels);
    }

    /// <summary>The number of store entries in each state, every state listed (zero where none).</summary>
    public IReadOnlyList<(StoreState State, int Count)> StateCounts() =>
        Enum.GetValues<StoreState>().Select(s => (s, Store.Count(e => e.State == s))).ToList();

    /// <summary>A video's name: its file name (a path of either separator).</summary>
    public static string NameOf(string path) => path[(path.LastIndexOfAny(new[] { '/', '\\' }) + 1)..];
}
