using VideoDetect.Inference;
using VideoDetect.Tracking;

namespace VideoDetect.Events;

/// <summary>
/// Folds a stream of <see cref="FrameDetections"/> (one per frame, in frame order, sources one
/// after another) into <see cref="DetectionEvent"/>s, streaming: <see cref="Add"/> returns the events
/// that closed at that frame, <see cref="Complete"/> the ones still open at the end; a new Path
/// closes every open event of the previous source first. Memory is the open events and line states,
/// whatever the length of the stream.
/// <para>Grouping: a frame tracked by Add-DetectionTrack (<see cref="TrackAssigner.TrackedExtra"/>)
/// gives one event per track (detections without an id — tentative tracks — are left out); an
/// untracked frame one event per label while at least one such object is present. With regions,
/// per region (the anchor is the bottom-centre of the box). An event closes when its object has been
/// missing for longer than <see cref="EventOptions.MaxGap"/>; events shorter than
/// <see cref="EventOptions.MinDuration"/> are dropped.</para>
/// <para>Only real, moving objects count: detections without a TrackId in a tracked frame (tentative
/// tracks, tracks not yet past ObjectFilter's score rule) make no event and cross no line; boxes the
/// object filters dropped are gone before this. A track's event is <see cref="DetectionEvent.Stationary"/>
/// when its object was still from the event's start (<see cref="Detection.StationarySince"/> at or before
/// it) and is left out, as are its line crossings, unless <see cref="EventOptions.IncludeStationary"/>; a
/// stationary object that moves off ends its stationary event and begins a moving one.</para>
/// </summary>
public sealed class EventFolder
{
    private sealed class Open
    {
        public required DetectionEvent Event;
        public long SeenFrame = -1;
        public bool Announced; // its open copy was returned (EmitOpen)
    }

    private readonly EventOptions _options;
    private readonly HashSet<string>? _classes;
    private readonly Dictionary<(string? Region, int ClassId, string Label, int? Track), Open> _open = new();
    private readonly LineCounter _lines;
    private string? _path;
    private DateTimeOffset? _recordingStart; // the current source's (its frames carry it)

    public EventFolder(EventOptions? options = null)
    {
        _options = options ?? new EventOptions();
        _options.Validate();
        _classes = _options.Classes is { Count: > 0 } c ? new HashSet<string>(c, StringComparer.OrdinalIgnoreCase) : null;
        _lines = new LineCounter(_options);
    }

    /// <summary>Events open now (for tests of flat memory).</summary>
    public int OpenCount => _open.Count + _lines.OpenStates;

    /// <summary>True once lines were given and a frame with detections came untracked (lines count tracks only).</summary>
    public bool SawUntrackedWithLines { get; private set; }

    /// <summary>Adds one frame; returns the events that closed (ordered by start).</summary>
    public IReadOnlyList<DetectionEvent> Add(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var closed = new List<DetectionEvent>();
        if (!string.Equals(frame.Path, _path, StringComparison.Ordinal))
        {
            CloseAll(closed);
            Stamp(closed);
            _path = frame.Path;
        }
        int fromHere = closed.Count;
        _recordingStart = frame.RecordingStart;
        bool tracked = frame.Extras?.ContainsKey(TrackAssigner.TrackedExtra) == true;
        if (!tracked && _options.Lines.Count > 0 && frame.Detections.Length > 0) SawUntrackedWithLines = true;
        foreach (var d in frame.Detections)
        {
            if (d.Confidence < _options.MinConfidence || (_classes is not null && !_classes.Contains(d.Label))) continue;
            int? track = tracked ? d.TrackId : null;
            if (tracked && track is null) continue;
            if (_options.MakesPresence)
            {
                if (_options.Regions.Count == 0) See(Key(null, d, track), d, frame, closed);
                else
                {
                    var (x, y) = Points.Anchor(d);
                    foreach (var r in _options.Regions)
                        if (r.Contains(x, y)) See(Key(r.Name, d, track), d, frame, closed);
                }
            }
            if (track is { } id && _options.Lines.Count > 0 && (!d.Stationary || _options.IncludeStationary))
                _lines.Observe(d, id, frame.FrameIndex, frame.Timestamp, closed);
        }
        if (_options.EmitOpen) Announce(closed);
        foreach (var (key, open) in _open.Where(kv => kv.Value.SeenFrame != frame.FrameIndex).ToList())
        {
            if (!Expired(open.Event.EndFrame, open.Event.EndTime, frame)) continue;
            _open.Remove(key);
            Emit(open.Event, closed);
        }
        if (_options.Lines.Count > 0) _lines.Prune((f, t) => Expired(f, t, frame));
        Stamp(closed, fromHere);
        return Sorted(closed);
    }

    /// <summary>Closes every open event (the end of the stream).</summary>
    public IReadOnlyList<DetectionEvent> Complete()
    {
        var closed = new List<DetectionEvent>();
        CloseAll(closed);
        Stamp(closed);
        _path = null;
        _recordingStart = null;
        return Sorted(closed);
    }

    /// <summary>A tracked object's events are keyed by its track alone (its label may settle as it goes: ObjectFilter's label of a class group); others by label.</summary>
    private static (string?, int, string, int?) Key(string? region, Detection d, int? track) =>
        track is null ? (region, d.ClassId, d.Label, null) : (region, 0, "", track);

    private void See((string?, int, string, int?) key, Detection d, FrameDetections frame, List<DetectionEvent> closed)
    {
        if (_open.TryGetValue(key, out var open) && open.Event.Stationary && !d.Stationary && open.SeenFrame != frame.FrameIndex)
        {
            // A stationary object moves off: its stationary event ends here and a moving one begins.
            _open.Remove(key);
            Emit(open.Event, closed);
            open = null;
        }
        if (open is not null)
        {
            var e = open.Event;
            if (key.Item4 is not null) (e.Label, e.ClassId) = (d.Label, d.ClassId);
            // Still since the event began: the whole event is a stationary object's (the mark comes only after StationaryAfter).
            if (!e.Stationary && d.Stationary && d.StationarySince <= e.StartFrame) e.Stationary = true;
            if (open.SeenFrame != frame.FrameIndex)
            {
                e.FrameCount++;
                e.EndFrame = frame.FrameIndex;
                e.EndTime = frame.Timestamp;
                open.SeenFrame = frame.FrameIndex;
            }
            if (d.Confidence > e.MaxConfidence) SetPeak(e, d, frame.FrameIndex);
            return;
        }
        var ev = new DetectionEvent
        {
            Path = frame.Path, Label = d.Label, ClassId = d.ClassId, TrackId = key.Item4, Region = key.Item1,
            StartFrame = frame.FrameIndex, EndFrame = frame.FrameIndex, StartTime = frame.Timestamp, EndTime = frame.Timestamp, FrameCount = 1,
            Stationary = d.Stationary,
        };
        SetPeak(ev, d, frame.FrameIndex);
        _open[key] = new Open { Event = ev, SeenFrame = frame.FrameIndex };
    }

    private static void SetPeak(DetectionEvent e, Detection d, long frame)
    {
        e.MaxConfidence = d.Confidence;
        e.PeakFrame = frame;
        (e.X, e.Y, e.Width, e.Height) = (d.X, d.Y, d.Width, d.Height);
    }

    /// <summary>Whether something last seen at (frame, time) has been missing too long at <paramref name="now"/>.</summary>
    private bool Expired(long lastFrame, TimeSpan lastTime, FrameDetections now) => _options.MaxGap.Time is { } gap
        ? now.Timestamp - lastTime > gap
        : now.FrameIndex - lastFrame > (_options.MaxGap.Frames ?? 0);

    private void Emit(DetectionEvent e, List<DetectionEvent> closed)
    {
        if (Counts(e)) closed.Add(e);
    }

    /// <summary>Whether an event is long enough and (unless IncludeStationary) not a stationary object's: it will be emitted when it closes.</summary>
    private bool Counts(DetectionEvent e)
    {
        bool longEnough = _options.MinDuration.Time is { } min ? e.Duration >= min : e.EndFrame - e.StartFrame + 1 >= (_options.MinDuration.Frames ?? 0);
        return longEnough && (!e.Stationary || _options.IncludeStationary);
    }

    /// <summary>EmitOpen: a snapshot (IsOpen) of each open event that now counts and was not announced yet.</summary>
    private void Announce(List<DetectionEvent> output)
    {
        foreach (var open in _open.Values)
        {
            if (open.Announced || !Counts(open.Event)) continue;
            open.Announced = true;
            output.Add(open.Event with { IsOpen = true });
        }
    }

    /// <summary>Gives the events closed from <paramref name="from"/> on (all of the current source's) their time of day: the source's recording start plus their offsets.</summary>
    private void Stamp(List<DetectionEvent> closed, int from = 0)
    {
        if (_recordingStart is not { } start) return;
        for (int i = from; i < closed.Count; i++) (closed[i].StartedAt, closed[i].EndedAt) = (start + closed[i].StartTime, start + closed[i].EndTime);
    }

    private void CloseAll(List<DetectionEvent> closed)
    {
        foreach (var open in _open.Values) Emit(open.Event, closed);
        _open.Clear();
        _lines.Clear();
    }

    private static IReadOnlyList<DetectionEvent> Sorted(List<DetectionEvent> events)
    {
        if (events.Count > 1)
            events.Sort((a, b) => a.StartFrame != b.StartFrame ? a.StartFrame.CompareTo(b.StartFrame) : string.CompareOrdinal(a.Label, b.Label));
        return events;
    }
}
