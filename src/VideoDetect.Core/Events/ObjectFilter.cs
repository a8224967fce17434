using VideoDetect.Inference;
using VideoDetect.Tracking;

namespace VideoDetect.Events;

/// <summary>
/// The object filters and the stationary mark, around any tracker (Add-DetectionTrack's one call, the
/// same for frames fresh from Invoke-FrameDetection and frames read back by Import-FrameDetection).
/// Per frame, in this order:
/// <list type="number">
/// <item>Before the tracker, boxes are dropped that are smaller or larger than <see cref="ObjectFilterOptions.MinArea"/>/<see cref="ObjectFilterOptions.MaxArea"/>,
/// narrower or wider than <see cref="ObjectFilterOptions.MinRatio"/>/<see cref="ObjectFilterOptions.MaxRatio"/>, or whose bottom-centre is in an
/// <see cref="ObjectFilterOptions.IgnoreRegions"/> polygon (Frigate's object filters and masks: such boxes are no object, so they take no track); of
/// boxes one class group claims twice, the lower score is dropped (<see cref="ClassGroups"/>).</item>
/// <item>The tracker runs on what is left, a class group as one class.</item>
/// <item>After it, each tracked detection takes its track's label (the one most of its detections had,
/// with hysteresis: <see cref="LabelTally"/>); a track whose median
/// score has not yet reached <see cref="ObjectFilterOptions.ObjectThreshold"/> loses its TrackId (it
/// is not yet an object, like a tentative track); tracked detections are marked
/// <see cref="Detection.Stationary"/> (<see cref="StationaryMarker"/>).</item>
/// </list>
/// Events and line counts then use confirmed, unfiltered, moving tracks (<see cref="EventFolder"/>).
/// State is per source (a new Path starts again) and bounded by what is in view. Not thread-safe.
/// </summary>
public sealed class ObjectFilter
{
    private readonly ObjectFilterOptions _options;
    private readonly ClassGroups _groups;
    private readonly StationaryMarker _stationary;
    private readonly Dictionary<int, TrackState> _tracks = new();
    private string? _path;
    private int _calls;

    private sealed class TrackState
    {
        public readonly LabelTally Labels = new();
        public readonly Queue<float> Scores = new();
        public bool IsObject;
        public TimeSpan Seen;
    }

    public ObjectFilter(ObjectFilterOptions? options = null)
    {
        _options = options ?? new ObjectFilterOptions();
        _options.Validate();
        _groups = new ClassGroups(_options.ClassGroups, _options.GroupIou);
        _stationary = new StationaryMarker(_options.StationaryAfter, _groups);
    }

    /// <summary>Per-source state held now (for tests of flat memory).</summary>
    public int Held => _tracks.Count + _stationary.Held;

    /// <summary>
    /// Filters <paramref name="frame"/>, tracks what is left with <paramref name="track"/> (e.g.
    /// <see cref="TrackAssigner.Process"/>, which must return one detection per detection given, in
    /// order), and returns the tracked frame with labels settled, not-yet-objects untracked and
    /// stationary tracks marked. The frame given is not changed; exceptions of <paramref name="track"/>
    /// pass through with this filter's state unchanged.
    /// </summary>
    public FrameDetections Process(FrameDetections frame, Func<FrameDetections, FrameDetections> track)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(track);
        var kept = Keep(frame);
        var forTracker = new Detection[kept.Count];
        for (int i = 0; i < kept.Count; i++)
            forTracker[i] = _groups.GroupOf(kept[i].Label) is { } g ? kept[i] with { ClassId = ClassGroups.TrackingClass(g) } : kept[i];
        var tracked = track(frame with { Detections = forTracker });
        if (tracked.Detections.Length != kept.Count)
            throw new InvalidOperationException($"The tracker returned {tracked.Detections.Length} detections for {kept.Count}.");
        if (!string.Equals(frame.Path, _path, StringComparison.Ordinal))
        {
            _path = frame.Path;
            _tracks.Clear();
            _stationary.Reset();
        }
        var output = new Detection[kept.Count];
        for (int i = 0; i < kept.Count; i++)
            output[i] = Settle(tracked.Detections[i] with { Label = kept[i].Label, ClassId = kept[i].ClassId }, frame.Timestamp);
        _stationary.Mark(frame.FrameIndex, frame.Timestamp, output);
        Forget(frame.Timestamp);
        return tracked with { Detections = output };
    }

    /// <summary>
    /// What passes on for a frame that cannot be tracked (a frame of a source arriving out of order:
    /// <see cref="TrackAssigner.Process"/> refuses it with FrameOutOfOrderException): the box filters, the
    /// ignore regions and the group duplicates apply to it exactly as to a tracked frame, its detections
    /// carry no TrackId and no stationary mark, and no track state changes (the next in-order frame
    /// continues as if it had not come). The frame given is not changed.
    /// </summary>
    public FrameDetections Untracked(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var kept = Keep(frame);
        var output = new Detection[kept.Count];
        for (int i = 0; i < kept.Count; i++) output[i] = kept[i] with { TrackId = null, Stationary = false, StationarySince = null };
        return frame with { Detections = output };
    }

    /// <summary>The detections that pass the box filters and the ignore regions, group duplicates removed.</summary>
    private List<Detection> Keep(FrameDetections frame)
    {
        double frameArea = (double)frame.SourceWidth * frame.SourceHeight;
        var kept = new List<Detection>(frame.Detections.Length);
        foreach (var d in frame.Detections)
            if (d is not null && Passes(d, frameArea)) kept.Add(d);
        _groups.RemoveDuplicates(kept);
        return kept;
    }

    private bool Passes(Detection d, double frameArea)
    {
        double area = d.Width * d.Height;
        if (_options.MinArea.For(d.Label) is { } min && area < Area(min, frameArea)) return false;
        if (_options.MaxArea.For(d.Label) is { } max && area > Area(max, frameArea, double.PositiveInfinity)) return false;
        double ratio = d.Height > 0 ? d.Width / d.Height : double.PositiveInfinity;
        if (_options.MinRatio.For(d.Label) is { } minR && ratio < minR) return false;
        if (_options.MaxRatio.For(d.Label) is { } maxR && ratio > maxR) return false;
        if (_options.IgnoreRegions.Count > 0)
        {
            var (x, y) = Points.Anchor(d);
            foreach (var r in _options.IgnoreRegions)
                if (r.Contains(x, y)) return false;
        }
        return true;
    }

    /// <summary>An area setting in pixels²: below 1 it is a fraction of the frame (as Frigate); a fraction of an unknown frame size filters nothing.</summary>
    private static double Area(double setting, double frameArea, double unknown = 0) =>
        setting >= 1 ? setting : frameArea > 0 ? setting * frameArea : unknown;

    /// <summary>The track's label so far, and its TrackId only once it is an object.</summary>
    private Detection Settle(Detection d, TimeSpan time)
    {
        if (d.TrackId is not { } id) return d;
        if (!_tracks.TryGetValue(id, out var t)) _tracks[id] = t = new TrackState();
        t.Seen = time;
        var (label, classId) = t.Labels.Add(d.Label, d.ClassId);
        d = d with { Label = label, ClassId = classId };
        if (!t.IsObject)
        {
            t.Scores.Enqueue(d.Confidence);
            if (t.Scores.Count > _options.ObjectThresholdFrames) t.Scores.Dequeue();
            t.IsObject = _options.ObjectThreshold.For(label) is not { } threshold || Median(t.Scores) >= threshold;
            if (t.IsObject) t.Scores.Clear();
        }
        return t.IsObject ? d : d with { TrackId = null };
    }

    /// <summary>
    /// Forgets tracks not seen for a minute (no tracker keeps a lost track that long by default; one
    /// that comes back after starts its label and score count again): memory is what is in view.
    /// </summary>
    private void Forget(TimeSpan now)
    {
        if (++_calls % 256 != 0) return;
        foreach (var id in _tracks.Where(kv => now - kv.Value.Seen > TimeSpan.FromMinutes(1)).Select(kv => kv.Key).ToList()) _tracks.Remove(id);
    }

    private static double Median(IEnumerable<float> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? 0 : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2.0;
    }
}
