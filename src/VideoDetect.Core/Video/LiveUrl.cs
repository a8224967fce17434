using VideoDetect.Errors;

namespace VideoDetect.Video;

/// <summary>
/// Recognises a live stream's URL given where a video file is expected (rtsp://, http(s)://, udp://,
/// ..., and the capture devices of <see cref="LiveDevice"/>: v4l2://, dshow://, avfoundation://). Split-VideoClip receives such a stream (<see cref="LiveStream"/>); the cmdlets that read files
/// say <see cref="LiveSourceNotSupportedException"/> instead of PowerShell's "Cannot find drive 'rtsp'". A name without "://" is never a URL, so a file
/// or folder named "rtsp" is still a file.
/// </summary>
public static class LiveUrl
{
    /// <summary>The schemes FFmpeg reads live streams from (file:// is a file, not live).</summary>
    public static IReadOnlyList<string> Schemes { get; } = new[]
    {
        "rtsp", "rtsps", "rtmp", "rtmps", "rtp", "srt", "udp", "tcp", "http", "https", "hls", "mms", "mmsh",
    };

    /// <summary>True when <paramref name="path"/> is a URL of one of <see cref="Schemes"/> (case-insensitive).</summary>
    public static bool IsLive(string? path)
    {
        if (string.IsNullOrEmpty(path)) return false;
        int colon = path.IndexOf("://", StringComparison.Ordinal);
        return colon > 0 && (Schemes.Contains(path[..colon], StringComparer.OrdinalIgnoreCase) || LiveDevice.IsDevice(path));
    }
}

/// <summary>
/// A live stream's URL was given to a cmdlet that reads video files only: <see cref="ErrorIds.LiveSourceNotSupported"/>.
/// The other inputs go on.
/// </summary>
public sealed class LiveSourceNotSupportedException(string url)
    : VideoDetectException(ErrorIds.LiveSourceNotSupported,
        $"'{url}' is a live stream: live input is not supported by this cmdlet, which reads video files; Split-VideoClip -Path '{url}' receives the stream (its clips go on through ConvertTo-FrameBatch).")
{
    /// <summary>The URL as given.</summary>
    public string Url { get; } = url;
}
