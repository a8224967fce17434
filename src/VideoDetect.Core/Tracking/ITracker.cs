using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// A multi-object tracker for one source at a time: the contract Add-DetectionTrack (through
/// <see cref="TrackAssigner"/>) drives, so a new tracker is one class plus one line in
/// <see cref="Trackers"/>, with no change to the cmdlet.
/// <para>
/// Contract: frames of one source arrive in increasing frame order (frame indices may skip: sampled
/// or missing frames are to be predicted across); <see cref="Reset"/> is called between sources, after
/// which the next frame is a first frame and ids start at 1 again. <see cref="Step"/> never changes the
/// detections it is given: it returns copies (<c>with</c>) carrying <see cref="Detection.TrackId"/>
/// (null for a detection on no confirmed track). Not thread-safe: one thread feeds one tracker.
/// </para>
/// </summary>
public interface ITracker
{
    /// <summary>The registry name (<see cref="Trackers"/>), written to <c>Extras.Tracker</c> of every tracked frame.</summary>
    string Name { get; }

    /// <summary>Track ids given out since the last <see cref="Reset"/>.</summary>
    int TrackCount { get; }

    /// <summary>
    /// Tracks one frame of the current source: returns one copy of each of <paramref name="detections"/>,
    /// in the same order, with its TrackId set. Throws <see cref="ArgumentException"/> for a frame not
    /// after the previous one (the caller checks order first and reports it).
    /// </summary>
    Detection[] Step(long frame, TimeSpan time, IReadOnlyList<Detection> detections);

    /// <summary>Forgets every track: a new source begins.</summary>
    void Reset();
}
