namespace VideoDetect.Video;

/// <summary>How RTSP carries the stream's packets: TCP (interleaved in the control connection; no loss, passes NAT) or UDP.</summary>
public enum RtspTransport
{
    Tcp = 0,
    Udp = 1,
}

/// <summary>How a live stream (<see cref="LiveStream"/>) is read and reopened when it drops.</summary>
public sealed record LiveStreamOptions
{
    /// <summary>The stream's URL (rtsp://, http(s)://, udp://, ... <see cref="LiveUrl"/>).</summary>
    public string Url { get; init; } = "";

    /// <summary>RTSP only: TCP (default) or UDP.</summary>
    public RtspTransport RtspTransport { get; init; } = RtspTransport.Tcp;

    /// <summary>The wait before the first reopen of a dropped stream; each further failed try doubles it, up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Reopen tries in a row that give no frame before the stream is given up (<see cref="LiveSourceUnavailableException"/>);
    /// a frame received resets the count. The default (10: waits 1+2+4+8+15×6 s plus each try's own time) rides out a camera reboot of a minute or two.
    /// </summary>
    public int MaxReconnect { get; init; } = 10;

    /// <summary>No frame for this long: the connection is taken as dropped (FFmpeg is stopped and the stream reopened).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most bytes of decoded frames held for the decoder; past it the oldest frames not yet taken are dropped (reported as lost).</summary>
    public long BufferBytes { get; init; } = 256L << 20;

    /// <summary>The ffmpeg executable (default: "ffmpeg" on the PATH).</summary>
    public string Ffmpeg { get; init; } = "ffmpeg";

    /// <summary>What FFmpeg opens; null (always, outside tests): what <see cref="Url"/> stands for (<see cref="LiveDevice.InputOf"/>).
    /// Tests give a device-like input here (FFmpeg's lavfi test source) to read through the device path without a camera.</summary>
    internal FfmpegInput? Input { get; init; }

    public void Validate()
    {
        if (!LiveUrl.IsLive(Url)) throw new ArgumentException($"'{Url}' is not a live stream's URL.", nameof(Url));
        if (ReconnectDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReconnectDelay), "The reconnect delay cannot be negative.");
        if (MaxReconnect < 0) throw new ArgumentOutOfRangeException(nameof(MaxReconnect), "The reconnect budget cannot be negative.");
        if (StallTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StallTimeout), "The stall timeout must be positive.");
        if (BufferBytes <= 0) throw new ArgumentOutOfRangeException(nameof(BufferBytes), "The buffer must hold something.");
    }
}
