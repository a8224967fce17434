using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// What every tracker of the module shares (<see cref="ByteTracker"/>, <see cref="OcSortTracker"/>):
/// the <see cref="ITracker"/> contract's bookkeeping. Frames must come in increasing order; each
/// frame's detections are copied (the input is never written), split by class, and each class's
/// tracks are stepped apart (a person track never takes a car's box) in the order the classes first
/// appeared; a class with no track left is forgotten. Ids count from 1 per source. A subclass only
/// says how one class's tracks meet its detections (<see cref="StepClass"/>).
/// </summary>
/// <typeparam name="TTrack">The subclass's per-track state.</typeparam>
public abstract class PerClassTracker<TTrack> : ITracker
{
    private readonly Dictionary<int, List<TTrack>> _byClass = new();
    private int _nextId = 1;
    private long _lastFrame = -1;
    private bool _started;

    public abstract string Name { get; }

    /// <summary>Ids given so far.</summary>
    public int TrackCount => _nextId - 1;

    /// <summary>Live tracks (tentative, tracked, lost) of every class, in the subclass's own state.</summary>
    protected IEnumerable<TTrack> AllTracks => _byClass.Values.SelectMany(t => t);

    /// <summary>The id a track gets when it is confirmed.</summary>
    protected int NextId() => _nextId++;

    /// <summary>Forgets every track: the next frame is a new source's first, ids start at 1 again.</summary>
    public void Reset()
    {
        _byClass.Clear();
        _nextId = 1;
        _lastFrame = -1;
        _started = false;
    }

    /// <summary>
    /// Tracks the detections of one frame (which must come after the previous one) and returns them as
    /// copies with their TrackId set, in the order given; <paramref name="detections"/> are not changed.
    /// </summary>
    public Detection[] Step(long frame, TimeSpan time, IReadOnlyList<Detection> detections)
    {
        if (_started && frame <= _lastFrame) throw new ArgumentException($"Frame {frame} does not come after frame {_lastFrame}.", nameof(frame));
        // One copy per detection (a few dozen bytes each); the association writes TrackId into the copies.
        var copies = new Detection[detections.Count];
        for (int i = 0; i < copies.Length; i++) copies[i] = detections[i] with { TrackId = null };
        bool first = !_started;
        _started = true;
        _lastFrame = frame;
        BeginFrame(copies);
        foreach (var d in copies)
        {
            if (!_byClass.ContainsKey(d.ClassId)) _byClass[d.ClassId] = new List<TTrack>();
        }
        foreach (var (classId, tracks) in _byClass)
        {
            var dets = new List<Detection>();
            foreach (var d in copies) if (d.ClassId == classId) dets.Add(d);
            StepClass(tracks, classId, dets, frame, time, first);
        }
        foreach (var key in _byClass.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList()) _byClass.Remove(key);
        EndFrame();
        return copies;
    }

    /// <summary>
    /// A track matched to <paramref name="d"/> (already updated): a lost track is tracked again; a
    /// tentative one with <paramref name="minHits"/> matches is confirmed; a confirmed one gives
    /// <paramref name="d"/> its id.
    /// </summary>
    protected void Matched(Track track, Detection d, int minHits)
    {
        if (track.State == TrackState.Lost) track.State = TrackState.Tracked;
        if (track.State == TrackState.Tentative && track.Hits >= minHits) Confirm(track, d);
        else if (track.State == TrackState.Tracked) d.TrackId = track.Id;
    }

    /// <summary>Confirms a track: it gets the next id, and so does its detection.</summary>
    protected void Confirm(Track track, Detection d)
    {
        track.State = TrackState.Tracked;
        track.Id = NextId();
        d.TrackId = track.Id;
    }

    /// <summary>A lost track unseen for longer than <paramref name="buffer"/> (a time on the frames' timestamps, or frames).</summary>
    protected static bool Expired(Track track, long frame, TimeSpan time, VideoDetect.Video.VideoPosition buffer) => buffer.Time is { } limit
        ? time - track.LastTime > limit
        : frame - track.LastFrame > (buffer.Frames ?? 0);

    /// <summary>The high-score detections (at least TrackThreshold) and the low-score ones (above LowThreshold, below TrackThreshold).</summary>
    protected static (List<Detection> High, List<Detection> Low) Split(List<Detection> dets, TrackerOptions options) =>
        (dets.Where(d => d.Confidence >= options.TrackThreshold).ToList(),
         dets.Where(d => d.Confidence > options.LowThreshold && d.Confidence < options.TrackThreshold).ToList());

    /// <summary>An assignment's pairs, and the tracks and detections it left, each in their order.</summary>
    protected static (List<(T, Detection)> Matched, List<T> Tracks, List<Detection> Detections) Paired<T>(
        List<T> tracks, List<Detection> dets, List<(int Row, int Column)> pairs)
    {
        var usedT = new bool[tracks.Count];
        var usedD = new bool[dets.Count];
        var matched = new List<(T, Detection)>(pairs.Count);
        foreach (var (i, j) in pairs)
        {
            usedT[i] = usedD[j] = true;
            matched.Add((tracks[i], dets[j]));
        }
        return (matched, tracks.Where((_, i) => !usedT[i]).ToList(), dets.Where((_, j) => !usedD[j]).ToList());
    }

    /// <summary>Before the classes are stepped: what the subclass reads from the whole frame (the copies, TrackId null).</summary>
    protected virtual void BeginFrame(Detection[] detections) { }

    /// <summary>After the classes are stepped: drops the frame's state.</summary>
    protected virtual void EndFrame() { }

    /// <summary>
    /// Steps one class: predicts its tracks to <paramref name="frame"/>, matches them to
    /// <paramref name="dets"/> (setting TrackId of those on confirmed tracks), starts, confirms and
    /// ends tracks, adding to and removing from <paramref name="tracks"/>. <paramref name="first"/>:
    /// the source's first frame (tracks confirm at once).
    /// </summary>
    protected abstract void StepClass(List<TTrack> tracks, int classId, List<Detection> dets, long frame, TimeSpan time, bool first);
}
