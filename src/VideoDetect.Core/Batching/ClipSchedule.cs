using VideoDetect.Errors;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>What the schedule decided for one clip, in clip order. A decode worker only executes it.</summary>
public abstract record ScheduledWork(VideoClip Clip)
{
    public string Path => Clip.Path;
}

/// <summary>
/// Decode frames <see cref="First"/> .. <see cref="End"/> − 1 of the clip's video (seeking exactly to
/// <see cref="First"/> when the reader is elsewhere) and emit those on the stride grid: frame f is
/// emitted when (f − <see cref="Origin"/>) is a multiple of <see cref="Stride"/>.
/// </summary>
/// <param name="Index">The video's frame index, so that whoever executes the range can open its own reader; null for a forward-only (live) source, which has none.</param>
public sealed record DecodeRange(VideoClip Clip, VideoIndex? Index, long First, long End, long Origin, int Stride) : ScheduledWork(Clip)
{
    /// <summary>True when frame <paramref name="frame"/> is on this range's stride grid.</summary>
    public bool Emits(long frame) => (frame - Origin) % Stride == 0;

    /// <summary>The frames of the range on the stride grid (what a decode without losses emits).</summary>
    public IEnumerable<long> EmittedFrames()
    {
        long offset = ((First - Origin) % Stride + Stride) % Stride;
        for (long f = offset == 0 ? First : First + Stride - offset; f < End; f += Stride) yield return f;
    }
}

/// <summary>Every frame of the clip was already emitted (for the clip before it, an overlap): nothing to do.</summary>
public sealed record ClipCovered(VideoClip Clip) : ScheduledWork(Clip);

/// <summary>The clip cannot be decoded (its video failed to open, or it lies outside the video): report <see cref="Error"/>.</summary>
public sealed record ClipRejected(VideoClip Clip, Exception Error) : ScheduledWork(Clip);

/// <summary>
/// The clip-ordering policy, as a plain function of the clips (in the order they arrive) and their
/// videos' frame counts — it decodes nothing, so the decode workers (one or many) only execute what
/// it decides:
/// <list type="bullet">
/// <item>Consecutive clips of a video continue one sequential decode: frames shared with the previous
/// clip (an overlap) are emitted once, for the first clip that holds them.</item>
/// <item>A clip that starts before the previous clip of its video is a deliberate jump back: all of
/// its frames are decoded and emitted again.</item>
/// <item>A clip of another video starts afresh (nothing of it counts as emitted), as does a clip after
/// a rejected one.</item>
/// <item><c>-FrameStride</c> is a property of the video: frames are taken on the grid counted from
/// <see cref="VideoClip.PlanStartFrame"/> (frame 0, or Split-VideoClip's <c>-Start</c>), never from
/// the first clip this process happened to see, so a resumed or sharded run takes exactly the frames
/// a full run takes.</item>
/// <item>A clip outside its video (the file changed since it was planned) is rejected with
/// <see cref="ClipOutOfRangeException"/>.</item>
/// <item>A clip of a forward-only source (<see cref="NextLive"/>) follows the same rules without an
/// index (its length is known only when it ends); a jump back is scheduled as for a file, and the
/// source refuses it when it is executed.</item>
/// </list>
/// Streaming: <see cref="Next"/> takes one clip at a time. Not thread-safe (one schedule per stream).
/// </summary>
public sealed class ClipSchedule
{
    private readonly int _stride;
    private string? _path;     // the video of the previous clip; null after a rejection
    private long _nextUnemitted;
    private long _lastClipStart;

    public ClipSchedule(int frameStride)
    {
        if (frameStride < 1) throw new ArgumentOutOfRangeException(nameof(frameStride), frameStride, "The stride must be at least 1.");
        _stride = frameStride;
    }

    /// <summary>Schedules <paramref name="clip"/>, whose video has the frame index <paramref name="index"/>.</summary>
    public ScheduledWork Next(VideoClip clip, VideoIndex index)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(index);
        SwitchTo(clip);
        if (clip.StartFrame < 0 || clip.EndFrame > index.FrameCount || clip.StartFrame > clip.EndFrame)
            return Reject(clip, new ClipOutOfRangeException(
                $"Clip {clip.Index} of '{clip.Path}' asks for frames {clip.StartFrame}..{clip.EndFrame}, but the video has {index.FrameCount}: the file changed since the clip was planned. Run Split-VideoClip again."));
        return Continue(clip, index);
    }

    /// <summary>Schedules <paramref name="clip"/> of a forward-only source (<see cref="FrameSourceKind.Live"/>): no index.</summary>
    public ScheduledWork NextLive(VideoClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        SwitchTo(clip);
        if (clip.StartFrame < 0 || clip.StartFrame > clip.EndFrame)
            return Reject(clip, new ClipOutOfRangeException($"Clip {clip.Index} of '{clip.Path}' asks for frames {clip.StartFrame}..{clip.EndFrame}: not a range of frames."));
        return Continue(clip, null);
    }

    private void SwitchTo(VideoClip clip)
    {
        if (string.Equals(_path, clip.Path, StringComparison.Ordinal)) return;
        _path = clip.Path;
        _nextUnemitted = 0;
        _lastClipStart = 0;
    }

    private ScheduledWork Continue(VideoClip clip, VideoIndex? index)
    {
        long first = clip.StartFrame >= _lastClipStart ? Math.Max(clip.StartFrame, _nextUnemitted) : clip.StartFrame;
        _lastClipStart = clip.StartFrame;
        if (first >= clip.EndFrame) return new ClipCovered(clip);
        _nextUnemitted = clip.EndFrame;
        return new DecodeRange(clip, index, first, clip.EndFrame, clip.PlanStartFrame, _stride);
    }

    /// <summary>The clip's video could not be opened (<paramref name="error"/>); the next clip starts afresh.</summary>
    public ScheduledWork Reject(VideoClip clip, Exception error)
    {
        _path = null;
        return new ClipRejected(clip, error);
    }

    /// <summary>
    /// The whole policy as one function: the work for each clip, in clip order. <paramref name="indexOf"/>
    /// gives a clip's video index and may throw <see cref="VideoException"/> (the clip is then rejected).
    /// </summary>
    public static IEnumerable<ScheduledWork> Plan(IEnumerable<VideoClip> clips, Func<VideoClip, VideoIndex> indexOf, int frameStride)
    {
        var schedule = new ClipSchedule(frameStride);
        foreach (var clip in clips)
        {
            VideoIndex? index = null;
            VideoException? error = null;
            try
            {
                index = indexOf(clip);
            }
            catch (VideoException e)
            {
                error = e;
            }
            yield return index is null ? schedule.Reject(clip, error!) : schedule.Next(clip, index);
        }
    }
}
