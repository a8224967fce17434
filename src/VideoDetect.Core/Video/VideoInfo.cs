namespace VideoDetect.Video;

/// <summary>How <see cref="VideoInfo.FrameCount"/> was established.</summary>
public enum FrameCountMethod
{
    /// <summary>The container's count, checked cheaply: its claimed last frame decodes, nothing follows it, and the first frames arrive at the nominal rate.</summary>
    Verified,
    /// <summary>Every frame was decoded (without colour conversion) and counted, because the container's claim failed the check, was missing, or -Accurate asked for it.</summary>
    Counted,
}

/// <summary>
/// What one video file holds. Plain and pixel-free: it survives Export-Clixml / Import-Clixml and
/// ConvertTo-Json (every property has a public setter and a serialisable type). A record: copies are
/// made with <c>with</c>, so none can drop a property.
/// </summary>
public sealed record VideoInfo
{
    /// <summary>Full path of the file.</summary>
    public string Path { get; set; } = "";

    /// <summary>The codec's FourCC as the demuxer reports it, e.g. "MP43", "FMP4", "cvid", "avc1".</summary>
    public string Codec { get; set; } = "";

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>The nominal frame rate as an exact rational (e.g. 2997/125).</summary>
    public Rational FrameRate { get; set; }

    /// <summary>The nominal frame rate as a double (e.g. 23.976).</summary>
    public double FramesPerSecond { get; set; }

    /// <summary>The frame count the container claims (0 when it claims none). Containers lie.</summary>
    public long ReportedFrameCount { get; set; }

    /// <summary>The number of frames that actually decode.</summary>
    public long FrameCount { get; set; }

    /// <summary>How <see cref="FrameCount"/> was established.</summary>
    public FrameCountMethod FrameCountMethod { get; set; }

    /// <summary>True when the first frames arrive at the nominal rate (the check behind <see cref="FrameCountMethod.Verified"/>).</summary>
    public bool IsConstantFrameRate { get; set; }

    /// <summary>Presentation time of the first frame.</summary>
    public TimeSpan StartTime { get; set; }

    /// <summary>From the start of the file to the end of the last frame (its timestamp plus one nominal frame period).</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>The duration the container's frame count claims at the nominal rate (zero without a claim or a rate).</summary>
    public TimeSpan ReportedDuration => Truncation.ClaimedDuration(ReportedFrameCount, FramesPerSecond);

    /// <summary>
    /// True when the decodable frames fall well short of the container's claim, in count and in time
    /// (a recording cut off, or whose last packets do not decode): the rule is <see cref="Truncation"/>.
    /// Derived from the figures above, so it is never stale.
    /// </summary>
    public bool IsTruncated => Truncation.IsTruncated(ReportedFrameCount, FrameCount, ReportedDuration, Duration,
        FramesPerSecond > 0 ? TimeSpan.FromSeconds(1 / FramesPerSecond) : TimeSpan.Zero);

    /// <summary>The truncation's figures in words, or null when the video is not truncated.</summary>
    public string? TruncationText => IsTruncated ? Truncation.Describe(ReportedFrameCount, FrameCount, ReportedDuration, Duration) : null;

    /// <summary>File size in bytes (part of the cache key).</summary>
    public long Length { get; set; }

    /// <summary>Last write time of the file, UTC (part of the cache key).</summary>
    public DateTime LastWriteTimeUtc { get; set; }

    // Reference equality, as when this was a class (why: see VideoClip.Equals).
    public bool Equals(VideoInfo? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public override string ToString() => Path;
}
