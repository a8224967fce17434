using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// Look-ahead linking for recorded footage, a stage after any <see cref="ITracker"/> (Add-DetectionTrack
/// -LinkWindow): tracked frames are held for <see cref="TrackLinkOptions.Window"/>, and when a frame
/// leaves the buffer, each track that starts in it may take the id of a track that was lost shortly
/// before — retroactively, for all of its frames, since none has been emitted yet.
/// <para>
/// A new track N (an id first seen in the frame leaving) takes the id of a lost track L of the same
/// class when L was last seen before N's first frame, at most a window earlier, and not since (the
/// tracker never found it again up to the newest frame held); N's first box is within the gate of
/// where L was heading (L's last centre moved on by its velocity over about its last second, the error
/// in box heights at most <see cref="TrackLinkOptions.Gate"/> plus <see cref="TrackLinkOptions.GateGrowth"/>
/// per second of gap), of similar height, and — where both have descriptors — their smoothed looks are
/// within <see cref="TrackLinkOptions.MaxAppearanceDistance"/>; without descriptors the gate is
/// narrower (<see cref="TrackLinkOptions.MotionOnlyGateFactor"/>). Of several lost tracks, the lowest
/// cost (gate error and look distance, each relative to its limit) wins.
/// </para>
/// <para>
/// Output: every frame given, once, in the order given, as it was or as a copy with linked ids (the
/// frames given are never changed); the lag is the window. Memory is flat: the frames of one window
/// (pixel-free), the tracks seen within two windows, and one map entry per link. A lost id that the
/// tracker finds again after its track was continued by a link gets a new id (from 1,000,000,000), so
/// one id never names two boxes of a frame. Frames of another source (Path) first empty the buffer.
/// Window zero: frames pass straight through. Not thread-safe.
/// </para>
/// </summary>
public sealed class TrackLinker
{
    /// <summary>The first id given to a lost track found again after its id was continued by a link.</summary>
    public const int FreshIdBase = 1_000_000_000;

    private readonly TrackLinkOptions _options;
    private readonly Queue<FrameDetections> _buffer = new();
    private readonly Dictionary<int, LinkedTrack> _tracks = new();      // by output id
    private readonly Dictionary<int, int> _links = new();                // tracker id -> output id, where they differ
    private readonly Dictionary<int, int> _current = new();              // output id -> the tracker id now carrying it
    private readonly HashSet<int> _superseded = new();                   // tracker ids whose output id a link continued
    private readonly HashSet<int> _decided = new();                      // output ids whose start has left the buffer
    private string? _path;
    private int _nextFresh = FreshIdBase;

    public TrackLinker(TrackLinkOptions? options = null)
    {
        _options = options ?? new TrackLinkOptions();
        _options.Validate();
    }

    /// <summary>
    /// The most frames held: a frame window's frames plus the newest; for a time window, its frames at
    /// 240 frames per second (a bound even where timestamps do not advance, e.g. frames imported without them).
    /// </summary>
    public int MaxBuffered => _options.Window.Time is { } w ? (int)Math.Min(int.MaxValue - 1, Math.Ceiling(w.TotalSeconds * MaxFps)) + 1 : (int)Math.Min(int.MaxValue - 1, _options.Window.Frames ?? 0) + 1;

    private const double MaxFps = 240;

    /// <summary>Frames held now (at most a window's worth).</summary>
    public int Buffered => _buffer.Count;

    /// <summary>Takes the next tracked frame; returns the frames that leave the buffer (none while it fills).</summary>
    public IReadOnlyList<FrameDetections> Push(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_options.Window.IsZero) return new[] { frame };
        var output = new List<FrameDetections>();
        if (!string.Equals(frame.Path, _path, StringComparison.Ordinal))
        {
            Drain(output);
            Clear();
            _path = frame.Path;
        }
        else if (FrameDetections.FollowsGap(frame))
        {
            // A live stream's gap: nothing is linked across it (fresh ids go on counting).
            Drain(output);
            var fresh = _nextFresh;
            Clear();
            _nextFresh = fresh;
        }
        Ingest(frame);
        _buffer.Enqueue(frame);
        while (_buffer.Count > 0 && (Exceeds(_buffer.Peek(), frame) || _buffer.Count > MaxBuffered)) output.Add(Emit(_buffer.Dequeue()));
        return output;
    }

    /// <summary>The end of the input: returns every frame still held, and forgets the source.</summary>
    public IReadOnlyList<FrameDetections> Complete()
    {
        var output = new List<FrameDetections>();
        Drain(output);
        Clear();
        _path = null;
        return output;
    }

    private void Drain(List<FrameDetections> output)
    {
        while (_buffer.Count > 0) output.Add(Emit(_buffer.Dequeue()));
    }

    private void Clear()
    {
        _tracks.Clear();
        _links.Clear();
        _current.Clear();
        _superseded.Clear();
        _decided.Clear();
        _nextFresh = FreshIdBase;
    }

    // Older than the window before `newer`: by time when the window is a time, else by frame index.
    private bool Exceeds(long frame, TimeSpan time, FrameDetections newer) => _options.Window.Time is { } w
        ? newer.Timestamp - time > w
        : newer.FrameIndex - frame > (_options.Window.Frames ?? 0);

    private bool Exceeds(FrameDetections older, FrameDetections newer) => Exceeds(older.FrameIndex, older.Timestamp, newer);

    // The output id of a tracker id now (a superseded one is given a fresh id here, at its first sighting after the link).
    private int Resolve(int raw)
    {
        if (_links.TryGetValue(raw, out int id)) return id;
        if (!_superseded.Remove(raw)) return raw;
        id = _nextFresh++;
        _links[raw] = id;
        return id;
    }

    private void Ingest(FrameDetections frame)
    {
        var dets = frame.Detections;
        for (int i = 0; i < dets.Length; i++)
        {
            if (dets[i].TrackId is not int raw) continue;
            int id = Resolve(raw);
            var box = Box.Of(dets[i]);
            var look = dets[i].Appearance is null || Gates.Crowded(dets, i) ? null : AppearanceDescriptor.Decode(dets[i].Appearance);
            if (!_tracks.TryGetValue(id, out var t))
            {
                _tracks[id] = t = new LinkedTrack(id, dets[i].ClassId, frame.FrameIndex, frame.Timestamp, box);
                _current[id] = raw;
            }
            t.Observe(frame.FrameIndex, frame.Timestamp, box, look);
        }
    }

    private FrameDetections Emit(FrameDetections frame)
    {
        foreach (var d in frame.Detections)
        {
            if (d.TrackId is not int raw || _links.ContainsKey(raw)) continue;
            if (_tracks.TryGetValue(raw, out var t) && t.FirstFrame == frame.FrameIndex && _decided.Add(raw)) TryLink(t);
        }
        // Tracks last seen more than a window before this frame can no longer be continued by a track starting here or later.
        foreach (var id in _tracks.Where(kv => Exceeds(kv.Value.LastFrame, kv.Value.LastTime, frame)).Select(kv => kv.Key).ToList())
        {
            _tracks.Remove(id);
            _current.Remove(id);
            _decided.Remove(id);
        }
        Detection[]? copies = null;
        for (int i = 0; i < frame.Detections.Length; i++)
        {
            var d = frame.Detections[i];
            if (d.TrackId is not int raw || !_links.TryGetValue(raw, out int id) || id == raw) continue;
            copies ??= (Detection[])frame.Detections.Clone();
            copies[i] = d with { TrackId = id };
        }
        return copies is null ? frame : frame with { Detections = copies };
    }

    // Links the new track to the best lost track, if any passes the gates.
    private void TryLink(LinkedTrack fresh)
    {
        LinkedTrack? best = null;
        double bestCost = double.PositiveInfinity;
        foreach (var lost in _tracks.Values)
        {
            if (lost == fresh || lost.ClassId != fresh.ClassId || lost.LastFrame >= fresh.FirstFrame) continue;
            if (_options.Window.Time is { } w ? fresh.FirstTime - lost.LastTime > w : fresh.FirstFrame - lost.LastFrame > (_options.Window.Frames ?? 0)) continue;
            double cost = Cost(lost, fresh);
            if (cost < bestCost) (best, bestCost) = (lost, cost);
        }
        if (best is null) return;
        int raw = _current[fresh.Id];
        _tracks.Remove(fresh.Id);
        _current.Remove(fresh.Id);
        _links[raw] = best.Id;
        _superseded.Add(_current[best.Id]);
        _current[best.Id] = raw;
        best.Continue(fresh);
    }

    private double Cost(LinkedTrack lost, LinkedTrack fresh)
    {
        double ratio = fresh.FirstBox.Height / Math.Max(lost.LastBox.Height, 1e-6);
        if (ratio > Gates.MaxHeightRatio || ratio < 1 / Gates.MaxHeightRatio) return double.PositiveInfinity;
        long gap = fresh.FirstFrame - lost.LastFrame;
        double seconds = Math.Max(0, (fresh.FirstTime - lost.LastTime).TotalSeconds);
        var (vx, vy) = lost.Velocity;
        var from = lost.LastBox;
        var to = fresh.FirstBox;
        double ex = to.X + to.Width / 2 - (from.X + from.Width / 2 + vx * gap);
        double ey = to.Y + to.Height / 2 - (from.Y + from.Height / 2 + vy * gap);
        double error = Math.Sqrt(ex * ex + ey * ey) / Math.Max(Math.Max(from.Height, to.Height), 1e-6);
        double gate = _options.Gate + _options.GateGrowth * seconds;
        double? look = lost.Look is { } a && fresh.Look is { } b && a.Kind == b.Kind ? AppearanceDescriptor.Distance(a.Vector, b.Vector) : null;
        if (look is not { } l) gate *= _options.MotionOnlyGateFactor;
        else if (l > _options.MaxAppearanceDistance) return double.PositiveInfinity;
        if (error > gate) return double.PositiveInfinity;
        return error / Math.Max(gate, 1e-9) + (look is { } m ? m / Math.Max(_options.MaxAppearanceDistance, 1e-9) : 1);
    }
}
