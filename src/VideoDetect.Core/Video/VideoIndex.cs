namespace VideoDetect.Video;

/// <summary>
/// Where every frame of one video sits in time. For a file whose container count and constant rate
/// were verified, frame i is at <c>StartMs + i * PeriodMs</c> (the decoder's own timestamps at the
/// first and last frames agree with this within half a period); for a counted file the decoder's
/// presentation timestamp of every frame is kept. Immutable; shared by every stage that needs it.
/// </summary>
public sealed class VideoIndex
{
    private readonly double[]? _timestampsMs;

    private VideoIndex(long frameCount, double startMs, double periodMs, double[]? timestampsMs)
    {
        if (frameCount < 0) throw new ArgumentOutOfRangeException(nameof(frameCount));
        if (!(periodMs > 0)) throw new ArgumentOutOfRangeException(nameof(periodMs), "The frame period must be positive.");
        if (timestampsMs is not null && timestampsMs.LongLength != frameCount)
            throw new ArgumentException("One timestamp per frame is required.", nameof(timestampsMs));
        FrameCount = frameCount;
        StartMs = startMs;
        PeriodMs = periodMs;
        _timestampsMs = timestampsMs;
    }

    /// <summary>An index for a verified constant-rate file.</summary>
    public static VideoIndex ConstantRate(long frameCount, double startMs, double periodMs) =>
        new(frameCount, startMs, periodMs, null);

    /// <summary>
    /// An index from a counting pass: one decoder timestamp per frame, in decode (= presentation)
    /// order. A timestamp that does not increase (FFmpeg reports a missing pts as 0) is replaced by
    /// the previous one plus the nominal period, so times are strictly increasing.
    /// </summary>
    public static VideoIndex FromTimestamps(IReadOnlyList<double> timestampsMs, double periodMs)
    {
        var ts = new double[timestampsMs.Count];
        for (int i = 0; i < ts.Length; i++)
        {
            double t = timestampsMs[i];
            ts[i] = i > 0 && !(t > ts[i - 1]) ? ts[i - 1] + periodMs : t;
        }
        return new VideoIndex(ts.Length, ts.Length > 0 ? ts[0] : 0, periodMs, ts);
    }

    /// <summary>Number of frames that decode.</summary>
    public long FrameCount { get; }

    /// <summary>Presentation time of frame 0, in milliseconds.</summary>
    public double StartMs { get; }

    /// <summary>The nominal frame period in milliseconds (1000 / fps).</summary>
    public double PeriodMs { get; }

    /// <summary>True when every frame's timestamp was recorded by a counting pass.</summary>
    public bool HasRecordedTimestamps => _timestampsMs is not null;

    /// <summary>The recorded timestamps (null for a constant-rate index). Do not modify.</summary>
    internal double[]? RecordedTimestampsMs => _timestampsMs;

    /// <summary>End of the last frame: its timestamp plus one nominal period.</summary>
    public double EndMs => FrameCount == 0 ? StartMs : TimeOfMs(FrameCount - 1) + PeriodMs;

    /// <summary>Presentation time of <paramref name="frame"/> in ms; <see cref="FrameCount"/> gives <see cref="EndMs"/>.</summary>
    public double TimeOfMs(long frame)
    {
        if ((ulong)frame > (ulong)FrameCount) throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Frame index must be in 0..{FrameCount}.");
        if (frame == FrameCount) return EndMs;
        return _timestampsMs is null ? StartMs + frame * PeriodMs : _timestampsMs[frame];
    }

    public TimeSpan TimeOf(long frame) => FromMs(TimeOfMs(frame));

    /// <summary>The first frame whose timestamp is at or after <paramref name="ms"/> (<see cref="FrameCount"/> if none).</summary>
    public long FrameAtOrAfter(double ms)
    {
        const double eps = 1e-6;
        if (_timestampsMs is null)
        {
            double f = Math.Ceiling((ms - StartMs) / PeriodMs - eps);
            return (long)Math.Clamp(f, 0, FrameCount);
        }
        int lo = 0, hi = _timestampsMs.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_timestampsMs[mid] < ms - eps) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The frame whose timestamp is <paramref name="ms"/> (within a quarter period), or -1.</summary>
    public long FrameAt(double ms)
    {
        long f = FrameAtOrAfter(ms - PeriodMs / 4);
        return f < FrameCount && Math.Abs(TimeOfMs(f) - ms) <= PeriodMs / 4 ? f : -1;
    }

    internal static TimeSpan FromMs(double ms) => TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));
}
