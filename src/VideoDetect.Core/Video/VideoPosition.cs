using System.Globalization;

namespace VideoDetect.Video;

/// <summary>
/// A point or span in a video, given either in frames or in time. Parsed from user input: an integer
/// is frames ("100"); a TimeSpan, a "hh:mm:ss(.fff)" string or a number with a unit ("2.5s", "2.5sec",
/// "500ms", "1.5min", "1.5m", "1h") is time.
/// </summary>
public readonly record struct VideoPosition
{
    private VideoPosition(long? frames, TimeSpan? time)
    {
        Frames = frames;
        Time = time;
    }

    /// <summary>The position in frames, when given in frames.</summary>
    public long? Frames { get; }

    /// <summary>The position in time, when given in time.</summary>
    public TimeSpan? Time { get; }

    public bool IsTime => Time.HasValue;

    public static VideoPosition FromFrames(long frames) => new(frames, null);

    public static VideoPosition FromTime(TimeSpan time) => new(null, time);

    public static VideoPosition FromSeconds(double seconds) => FromTime(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)));

    /// <summary>True when the value is negative.</summary>
    public bool IsNegative => Frames < 0 || Time < TimeSpan.Zero;

    /// <summary>True when the value is zero.</summary>
    public bool IsZero => Frames == 0 || Time == TimeSpan.Zero;

    private static readonly (string Suffix, double Seconds)[] Units =
        { ("ms", 0.001), ("sec", 1.0), ("s", 1.0), ("min", 60.0), ("m", 60.0), ("h", 3600.0) };

    /// <summary>Parses "100" (frames), "2.5s", "500ms", "1.5m", "00:00:02.5" (time).</summary>
    public static VideoPosition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        var inv = CultureInfo.InvariantCulture;
        if (long.TryParse(t, NumberStyles.Integer, inv, out long frames)) return FromFrames(frames);
        foreach (var (suffix, seconds) in Units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, inv, out double value))
                return FromSeconds(value * seconds);
        }
        if (t.Contains(':') && TimeSpan.TryParse(t, inv, out var span)) return FromTime(span);
        throw new FormatException($"'{text}' is neither a frame number (e.g. 100) nor a time (e.g. 2.5s, 500ms, 00:01:30).");
    }

    /// <summary>Resolves to a frame index in <paramref name="index"/>: frames are clamped to 0..FrameCount, a time becomes the first frame at or after it.</summary>
    public long ToFrame(VideoIndex index) =>
        Time is { } time ? index.FrameAtOrAfter(index.StartMs + time.TotalMilliseconds) : Math.Clamp(Frames ?? 0, 0, index.FrameCount);

    public override string ToString() => Time is { } time
        ? time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
        : (Frames ?? 0).ToString(CultureInfo.InvariantCulture);
}
