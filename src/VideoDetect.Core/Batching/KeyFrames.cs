using OpenCvSharp;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>
/// Where a video's key frames are, read from the container without decoding: OpenCV's FFmpeg
/// backend in raw mode (<c>CAP_PROP_FORMAT = -1</c>) hands out packets, and
/// <c>CAP_PROP_LRF_HAS_KEY_FRAME</c> says whether the last one is a key frame; its timestamp places it
/// in the <see cref="VideoIndex"/>. A seek decodes from the key frame at or before its target, so
/// these positions tell what a split of a video between decode workers costs.
/// </summary>
internal static class KeyFrames
{
    private const VideoCaptureProperties LastRawFrameIsKey = (VideoCaptureProperties)67; // CAP_PROP_LRF_HAS_KEY_FRAME

    /// <summary>
    /// The video's key frames from <paramref name="cache"/> (kept with its index, so a second run or plan
    /// pays nothing), else from a <see cref="Scan"/> whose result is stored there.
    /// </summary>
    public static long[]? Of(string path, VideoIndex index, VideoIndexCache cache, CancellationToken ct)
    {
        var file = new FileInfo(System.IO.Path.GetFullPath(path));
        if (cache.TryGetKeyFrames(file, index, out var known)) return known;
        var scanned = Scan(file.FullName, index, ct);
        cache.StoreKeyFrames(file, index, scanned);
        return scanned;
    }

    /// <summary>The key frames' indices, ascending; null when the container does not tell (a seek then costs up to a GOP, unknown).</summary>
    public static long[]? Scan(string path, VideoIndex index, CancellationToken ct)
    {
        try
        {
            OpenCvRuntime.EnsureInitialized();
            using var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG, new[] { (int)VideoCaptureProperties.Format, -1 });
            if (!capture.IsOpened()) return null;
            var keys = new List<long>();
            long packets = 0;
            while (capture.Grab())
            {
                if ((++packets & 1023) == 0) ct.ThrowIfCancellationRequested();
                if (capture.Get(LastRawFrameIsKey) == 0) continue;
                long frame = index.FrameAt(capture.Get(VideoCaptureProperties.PosMsec));
                if (frame >= 0) keys.Add(frame);
            }
            if (keys.Count == 0) return null;
            keys.Sort();
            return keys.Distinct().ToArray();
        }
        catch (OpenCVException)
        {
            return null;
        }
    }

    /// <summary>
    /// How far before its target OpenCV's seek asks the demuxer to go (its first try, in
    /// <c>CvCapture_FFMPEG::seek</c>): the key frame at or before target − 16 is where decoding starts.
    /// </summary>
    internal const long OpenCvSeekLead = 16;

    /// <summary>
    /// Frames a seek to <paramref name="target"/> decodes before reaching it: from the key frame at or
    /// before target − <see cref="OpenCvSeekLead"/>, so a target just after a key frame still decodes
    /// the whole GOP before it (the profile in bench/README.md).
    /// </summary>
    public static long SeekCost(long[] keys, long target)
    {
        long from = target - OpenCvSeekLead;
        if (target <= 0) return 0;
        if (from < 0) return target;
        int i = Array.BinarySearch(keys, from);
        if (i < 0) i = ~i - 1;
        return i < 0 ? target : target - keys[i];
    }
}
