namespace VideoDetect.Video;

/// <summary>
/// Cuts the clips of a live stream as its frames arrive (Split-VideoClip on a URL): each clip is
/// given out as soon as its last frame is in — by frames (after
/// that many frames) or by time (at the first frame a clip length after the clip's first). A gap
/// (<see cref="LiveGap"/>) ends the clip in hand early (IsPartial) and the next clip says
/// <see cref="VideoClip.GapBefore"/>, so no clip spans a gap; the end of the stream gives the clip in
/// hand as it is. Clips are <see cref="FrameSourceKind.Live"/>: no <see cref="VideoClip.Video"/>,
/// times after frame 0's receive time, <see cref="VideoClip.RecordingStart"/> that time of day.
/// </summary>
public sealed class LiveClipCutter(string url, VideoPosition length)
{
    private long _first = -1;            // first frame of the clip in hand; -1: none
    private long _last;                  // last frame of the clip in hand
    private TimeSpan _firstTime, _lastTime;
    private int _index;
    private TimeSpan? _gapBefore;

    /// <summary>The time of day of frame 0 (set once the stream has it).</summary>
    public DateTimeOffset? RecordingStart { get; set; }

    /// <summary>Clips cut so far.</summary>
    public int Count => _index;

    /// <summary>Takes one event of the stream; returns the clips it completes (none, or one).</summary>
    public IEnumerable<VideoClip> Add(LiveEvent e)
    {
        switch (e)
        {
            case LiveFrame f:
                if (_first >= 0 && length.Time is { } span && f.Time - _firstTime >= span)
                    yield return Cut(partial: false);
                if (_first < 0)
                {
                    _first = f.Index;
                    _firstTime = f.Time;
                }
                _last = f.Index;
                _lastTime = f.Time;
                if (length.Frames is { } frames && _last - _first + 1 >= frames)
                    yield return Cut(partial: false);
                break;
            case LiveGap g:
                if (_first >= 0) yield return Cut(partial: true);
                _gapBefore = g.Length;
                break;
            case LiveEnded:
                if (_first >= 0) yield return Cut(partial: true);
                break;
        }
    }

    private VideoClip Cut(bool partial)
    {
        long count = _last - _first + 1;
        // The end of the clip's last frame: its time plus the clip's mean frame interval.
        var step = count > 1 ? (_lastTime - _firstTime) / (count - 1) : TimeSpan.Zero;
        var clip = new VideoClip
        {
            Path = url,
            Index = _index++,
            StartFrame = _first,
            EndFrame = _last + 1,
            FrameCount = count,
            StartTime = _firstTime,
            EndTime = _lastTime + step,
            IsPartial = partial,
            SourceKind = FrameSourceKind.Live,
            RecordingStart = RecordingStart,
            GapBefore = _gapBefore,
        };
        _first = -1;
        _gapBefore = null;
        return clip;
    }
}
