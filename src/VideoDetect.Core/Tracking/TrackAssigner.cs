using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// Tracks a stream of <see cref="FrameDetections"/> that may hold several sources one after another
/// (what Add-DetectionTrack receives) with one <see cref="ITracker"/> chosen by name from
/// <see cref="Trackers"/>, reset (ids from 1 again) whenever the Path changes (and after a live gap,
/// <see cref="FrameDetections.GapBeforeExtra"/>, with ids going on), so ids are stable across
/// clip and batch boundaries within a video. Returns each frame as a copy with its detections' TrackId
/// set and <see cref="TrackedExtra"/> in <see cref="FrameDetections.Extras"/> naming the tracker (which
/// tells the event folder to group by track); the frames given are never changed.
/// </summary>
public sealed class TrackAssigner
{
    /// <summary>The <see cref="FrameDetections.Extras"/> key of a tracked frame; its value names the tracker.</summary>
    public const string TrackedExtra = "Tracker";

    private readonly TrackerOptions _options;
    private readonly ITracker _tracker;
    private string? _path;
    private long _lastFrame = -1;
    private int _idBase;   // ids given out before the source's last gap: ids after it go on from there

    /// <param name="tracker">A name from <see cref="Trackers.Names"/> (any case); <see cref="UnknownTrackerException"/> otherwise.</param>
    public TrackAssigner(TrackerOptions? options = null, string tracker = Trackers.Default)
    {
        _options = options ?? new TrackerOptions();
        _options.Validate();
        _tracker = Trackers.Create(tracker, _options); // fails here, before any frame, for an unknown name
    }

    /// <summary>The tracker (its state is the current source's).</summary>
    public ITracker Current => _tracker;

    /// <summary>The tracked copy of <paramref name="frame"/> (which is left as it is).</summary>
    /// <exception cref="FrameOutOfOrderException">The frame does not come after the previous one of its source; the tracker is unchanged (pass <see cref="Untracked"/> of the frame on).</exception>
    public FrameDetections Process(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!string.Equals(frame.Path, _path, StringComparison.Ordinal))
        {
            if (_path is not null) _tracker.Reset();
            _path = frame.Path;
            _lastFrame = -1;
            _idBase = 0;
        }
        else if (FrameDetections.FollowsGap(frame) && frame.FrameIndex > _lastFrame)
        {
            // A live stream's gap: no track is carried across it; ids go on (never reused within the source).
            _idBase += _tracker.TrackCount;
            _tracker.Reset();
        }
        else if (frame.FrameIndex <= _lastFrame)
        {
            throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex,
                $"Frame {frame.FrameIndex} of {System.IO.Path.GetFileName(frame.Path)} came after frame {_lastFrame}: frames of a source must arrive in increasing order; it was passed on untracked.");
        }
        _lastFrame = frame.FrameIndex;
        var tracked = _tracker.Step(frame.FrameIndex, frame.Timestamp, frame.Detections);
        if (_idBase > 0)
        {
            for (int i = 0; i < tracked.Length; i++)
                if (tracked[i].TrackId is { } id) tracked[i] = tracked[i] with { TrackId = id + _idBase };
        }
        var extras = frame.Extras is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(frame.Extras, frame.Extras.Comparer);
        extras[TrackedExtra] = _tracker.Name;
        return frame with { Detections = tracked, Extras = extras };
    }

    /// <summary>A copy of <paramref name="frame"/> whose detections carry no TrackId (what passes on when a frame cannot be tracked).</summary>
    public static FrameDetections Untracked(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame with { Detections = Array.ConvertAll(frame.Detections, d => d with { TrackId = null }) };
    }
}
