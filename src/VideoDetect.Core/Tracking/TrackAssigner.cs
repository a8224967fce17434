using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>
/// Tracks a stream of <see cref="FrameDetections"/> that may hold several sources one after another
/// (what Add-DetectionTrack receives): one <see cref="ByteTracker"/> per source, a fresh one (ids from
/// 1 again) whenever the Path changes, so ids are stable across clip and batch boundaries within a
/// video. Marks every frame it tracked with <see cref="TrackedExtra"/> in
/// <see cref="FrameDetections.Extras"/>, which tells the event folder to group by track.
/// </summary>
public sealed class TrackAssigner
{
    /// <summary>The <see cref="FrameDetections.Extras"/> key of a tracked frame; its value names the tracker.</summary>
    public const string TrackedExtra = "Tracker";

    private readonly TrackerOptions _options;
    private ByteTracker? _tracker;
    private string? _path;
    private long _lastFrame = -1;

    public TrackAssigner(TrackerOptions? options = null)
    {
        _options = options ?? new TrackerOptions();
        _options.Validate();
    }

    /// <summary>The current source's tracker (null before the first frame).</summary>
    public ByteTracker? Current => _tracker;

    /// <summary>Sets the TrackId of every detection of <paramref name="frame"/> (in place).</summary>
    /// <exception cref="FrameOutOfOrderException">The frame does not come after the previous one of its source; its detections are left untracked (TrackId null) and the tracker is unchanged.</exception>
    public void Process(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_tracker is null || !string.Equals(frame.Path, _path, StringComparison.Ordinal))
        {
            _tracker = new ByteTracker(_options);
            _path = frame.Path;
            _lastFrame = -1;
        }
        else if (frame.FrameIndex <= _lastFrame)
        {
            foreach (var d in frame.Detections) d.TrackId = null;
            throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex,
                $"Frame {frame.FrameIndex} of {System.IO.Path.GetFileName(frame.Path)} came after frame {_lastFrame}: frames of a source must arrive in increasing order; it was passed on untracked.");
        }
        _lastFrame = frame.FrameIndex;
        _tracker.Step(frame.FrameIndex, frame.Timestamp, frame.Detections);
        (frame.Extras ??= new Dictionary<string, object?>())[TrackedExtra] = "ByteTrack";
    }
}
