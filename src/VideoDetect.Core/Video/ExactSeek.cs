namespace VideoDetect.Video;

/// <summary>
/// The one rule by which the seekable file sources (<see cref="VideoReader"/>, <see cref="FfmpegFileSource"/>)
/// reach an exact frame: a target a little ahead is decoded forward; otherwise the source repositions near
/// the target and checks the frame it lands on, backing off further (8, 32, 128 … frames before the
/// target) while the landing cannot be trusted, and in the end decodes from the file's start. Each source
/// supplies how it skips forward, repositions and restarts; the rule and its limits live here.
/// </summary>
internal static class ExactSeek
{
    /// <summary>At or below this many frames ahead, decoding forward beats repositioning.</summary>
    public const long ForwardDecodeLimit = 48;

    /// <summary>
    /// Brings a source to <paramref name="frame"/>: <paramref name="skipForward"/> when the target is at most
    /// <see cref="ForwardDecodeLimit"/> ahead of <paramref name="position"/> and <paramref name="canDecodeOn"/>;
    /// else <paramref name="trySeekNear"/>(from, target) for from = target, target − 8, − 32 …, and once
    /// from reaches 0, <paramref name="restart"/> then <paramref name="skipForward"/>.
    /// </summary>
    public static void Run(long frame, long position, bool canDecodeOn, Action<long> skipForward, Func<long, long, bool> trySeekNear, Action restart)
    {
        if (frame >= position && frame - position <= ForwardDecodeLimit && canDecodeOn)
        {
            skipForward(frame);
            return;
        }
        for (long backoff = 0; ; backoff = backoff == 0 ? 8 : backoff * 4)
        {
            long from = frame - backoff;
            if (from <= 0)
            {
                restart();
                skipForward(frame);
                return;
            }
            if (trySeekNear(from, frame)) return;
        }
    }

    /// <summary>Whether a landing is trusted: identified, not past the target, and plausibly near where the seek asked to go.</summary>
    public static bool Trusted(long landed, long from, long target) =>
        landed >= 0 && landed <= target && landed >= from - 4 * ForwardDecodeLimit;
}
