using VideoDetect.Inference;
using VideoDetect.Tracking;

namespace VideoDetect.Review;

/// <summary>
/// Counts objects per source, label and interval from a stream of <see cref="FrameDetections"/>
/// (live, or read back by Import-FrameDetection): distinct tracks, the peak in one frame, and
/// object-seconds. Sources may interleave; each one's frames come in frame order.
/// <para>What counts is what ConvertTo-DetectionEvent makes events of: in a tracked frame
/// (<see cref="TrackAssigner.TrackedExtra"/>) only detections with a TrackId (tentative tracks are
/// left out) and, unless <see cref="CountOptions.IncludeStationary"/>, none marked
/// <see cref="Detection.Stationary"/>; in an untracked frame every detection (and no track count).
/// Detections below <see cref="CountOptions.MinConfidence"/> or of other labels are ignored.</para>
/// <para>Time: a frame covers the span from its timestamp to the source's next frame's (the last frame
/// the span before it). Its objects count in every interval that span overlaps: their tracks as seen
/// there, the frame's count of the label for the peak, and the overlap's seconds. Intervals are whole
/// multiples of <see cref="CountOptions.Interval"/> since midnight of the recording start's clock when
/// the frames carry one (<see cref="FrameDetections.RecordingStart"/>), else since the file's time 0.
/// Every interval from a source's first frame to its last gets a row per label (zeros included).</para>
/// Memory: per source and label, one small record per interval.
/// </summary>
public sealed class DetectionCounter
{
    private sealed class Bin
    {
        public readonly HashSet<int> Tracks = new();
        public int Peak;
        public long Ticks;
    }

    private sealed class Source
    {
        public required string Path;
        public DateTimeOffset? Start;
        public long Origin;                        // the wall clock (ticks) of the file's time 0, or 0
        public bool Tracked;
        public TimeSpan? Pending;                  // the frame waiting for its span's end
        public List<(string Label, int? Track)> PendingObjects = new();
        public TimeSpan LastSpan;
        public long FirstBin = long.MaxValue, LastBin = long.MinValue;
        public readonly Dictionary<string, string> Labels = new(StringComparer.OrdinalIgnoreCase); // as first spelled
        public readonly Dictionary<(string Label, long Bin), Bin> Bins = new();
    }

    private readonly CountOptions _options;
    private readonly long _interval;
    private readonly HashSet<string>? _labels;
    private readonly Dictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly List<Source> _order = new();

    public DetectionCounter(CountOptions? options = null)
    {
        _options = options ?? new CountOptions();
        _options.Validate();
        _interval = _options.Interval.Ticks;
        _labels = _options.Labels is { Count: > 0 } l ? new HashSet<string>(l, StringComparer.OrdinalIgnoreCase) : null;
    }

    /// <summary>Adds one frame; a frame of a source counts once the source's next frame (or the end) says how long it lasted.</summary>
    public void Add(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!_sources.TryGetValue(frame.Path, out var source))
        {
            source = new Source { Path = frame.Path, Start = frame.RecordingStart, Origin = frame.RecordingStart?.DateTime.Ticks ?? 0 };
            _sources[frame.Path] = source;
            _order.Add(source);
            if (_options.Labels is { } given) foreach (string label in given) source.Labels.TryAdd(label, label);
        }
        if (source.Pending is { } previous)
        {
            var span = frame.Timestamp - previous;
            if (span < TimeSpan.Zero) span = TimeSpan.Zero;
            Count(source, previous, span);
            source.LastSpan = span;
        }
        bool tracked = frame.Extras?.ContainsKey(TrackAssigner.TrackedExtra) == true;
        source.Tracked |= tracked;
        source.Pending = frame.Timestamp;
        source.PendingObjects.Clear();
        foreach (var d in frame.Detections)
        {
            if (d.Confidence < _options.MinConfidence || (_labels is not null && !_labels.Contains(d.Label))) continue;
            if (tracked && (d.TrackId is null || (d.Stationary && !_options.IncludeStationary))) continue;
            source.Labels.TryAdd(d.Label, d.Label);
            source.PendingObjects.Add((source.Labels[d.Label], tracked ? d.TrackId : null));
        }
    }

    /// <summary>The counts of every source (in the order they first came), label and interval.</summary>
    public IReadOnlyList<DetectionCount> Complete()
    {
        var rows = new List<DetectionCount>();
        foreach (var source in _order)
        {
            if (source.Pending is { } last) Count(source, last, source.LastSpan);
            source.Pending = null;
            var labels = _options.Labels is { Count: > 0 } given
                ? given.Select(l => source.Labels[l]).Distinct(StringComparer.OrdinalIgnoreCase)
                : source.Labels.Values.Order(StringComparer.Ordinal);
            foreach (string label in labels)
                for (long k = source.FirstBin; k <= source.LastBin; k++)
                    rows.Add(Row(source, label, k, source.Bins.GetValueOrDefault((label, k))));
        }
        _sources.Clear();
        _order.Clear();
        return rows;
    }

    /// <summary>The pending frame at <paramref name="at"/>, lasting <paramref name="span"/>, into the intervals it overlaps.</summary>
    private void Count(Source source, TimeSpan at, TimeSpan span)
    {
        long u0 = source.Origin + at.Ticks, u1 = u0 + span.Ticks;
        long first = FloorDiv(u0, _interval), last = span.Ticks == 0 ? first : FloorDiv(u1 - 1, _interval);
        source.FirstBin = Math.Min(source.FirstBin, first);
        source.LastBin = Math.Max(source.LastBin, last);
        if (source.PendingObjects.Count == 0) return;
        var perLabel = source.PendingObjects.GroupBy(o => o.Label, StringComparer.Ordinal).ToList();
        for (long k = first; k <= last; k++)
        {
            long overlap = Math.Min(u1, (k + 1) * _interval) - Math.Max(u0, k * _interval);
            foreach (var group in perLabel)
            {
                if (!source.Bins.TryGetValue((group.Key, k), out var bin)) source.Bins[(group.Key, k)] = bin = new Bin();
                int n = 0;
                foreach (var (_, track) in group)
                {
                    n++;
                    if (track is { } id) bin.Tracks.Add(id);
                }
                bin.Peak = Math.Max(bin.Peak, n);
                bin.Ticks += Math.Max(0, overlap) * n;
            }
        }
    }

    private DetectionCount Row(Source source, string label, long k, Bin? bin)
    {
        long wallStart = k * _interval;
        var start = TimeSpan.FromTicks(wallStart - source.Origin);
        var end = start + TimeSpan.FromTicks(_interval);
        return new DetectionCount
        {
            Path = source.Path, Label = label, Interval = _options.Interval,
            StartTime = start < TimeSpan.Zero ? TimeSpan.Zero : start, EndTime = end,
            StartedAt = source.Start is { } s ? new DateTimeOffset(wallStart, s.Offset) : null,
            EndedAt = source.Start is { } e ? new DateTimeOffset(wallStart + _interval, e.Offset) : null,
            Tracks = source.Tracked ? bin?.Tracks.Count ?? 0 : null,
            Peak = bin?.Peak ?? 0,
            ObjectSeconds = (bin?.Ticks ?? 0) / (double)TimeSpan.TicksPerSecond,
        };
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
