using VideoDetect.Errors;

namespace VideoDetect.Video;

/// <summary>
/// A live stream gave no frame through its whole reconnect budget: <see cref="ErrorIds.LiveSourceUnavailable"/>.
/// The message carries FFmpeg's last words (connection refused, 404, timeout...).
/// </summary>
public sealed class LiveSourceUnavailableException(string url, int tries, string? reason)
    : VideoDetectException(ErrorIds.LiveSourceUnavailable,
        $"'{url}' gave no frame in {tries} {(tries == 1 ? "try" : "tries")} (-MaxReconnect {Math.Max(0, tries - 1)}): the stream is unavailable{(string.IsNullOrWhiteSpace(reason) ? "." : $" (ffmpeg: {reason.Trim()}).")}")
{
    public string Url { get; } = url;
}
