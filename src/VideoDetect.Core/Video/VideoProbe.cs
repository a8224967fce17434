using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>A video's description and frame index, as established once and cached.</summary>
public sealed record ProbedVideo(VideoInfo Info, VideoIndex Index);

/// <summary>Options for <see cref="VideoProbe.Probe"/>.</summary>
public sealed record ProbeOptions
{
    /// <summary>Decode and count every frame even when the container's count checks out.</summary>
    public bool Accurate { get; init; }

    /// <summary>Called now and then during a counting pass with (frames counted, frames the container claims or 0). Runs on the calling thread.</summary>
    public Action<long, long>? Progress { get; init; }

    /// <summary>The cache to consult and fill; <see cref="VideoIndexCache.Shared"/> when null.</summary>
    public VideoIndexCache? Cache { get; init; }
}

/// <summary>
/// Establishes how many frames of a video decode and when each is shown, without decoding more
/// than it must. The container's claim is checked cheaply (the first frames arrive at the nominal
/// rate; the claimed last frame decodes and nothing follows it); only when the check fails, or the
/// container claims nothing, does a counting pass grab every frame (no colour conversion) and record
/// its timestamp. Results are cached by path, size and modification time.
/// </summary>
public static class VideoProbe
{
    /// <summary>How many leading frames are checked for a constant rate.</summary>
    internal const int RateCheckFrames = 5;

    /// <summary>Probes one file; throws <see cref="VideoException"/> for a bad file. Thread-safe.</summary>
    public static ProbedVideo Probe(string path, ProbeOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ProbeOptions();
        var file = CheckFile(path);
        var cache = options.Cache ?? VideoIndexCache.Shared;
        var cached = cache.TryGet(file);
        if (cached is not null && (!options.Accurate || cached.Info.FrameCountMethod == FrameCountMethod.Counted))
            return cached;

        var probed = ProbeUncached(file, options, cancellationToken);
        cache.Store(file, probed);
        return probed;
    }

    /// <summary>Checks existence, type and size; returns the file's metadata.</summary>
    internal static FileInfo CheckFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new VideoException(VideoErrorKind.IsDirectory, full, $"'{full}' is a directory, not a video file; give its videos instead: Get-ChildItem -LiteralPath '{full}' -File -Recurse -Include *.mp4, *.avi, *.mkv, *.mov | ...");
        var file = new FileInfo(full);
        if (!file.Exists)
            throw new VideoException(VideoErrorKind.NotFound, full, $"Cannot find the video file '{full}'.");
        if (file.Length == 0)
            throw new VideoException(VideoErrorKind.Empty, full, $"The video file '{full}' is empty (0 bytes).");
        try
        {
            using var probe = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new VideoException(VideoErrorKind.AccessDenied, full, $"Cannot read '{full}': {e.Message}", e);
        }
        return file;
    }

    private static ProbedVideo ProbeUncached(FileInfo file, ProbeOptions options, CancellationToken ct)
    {
        string path = file.FullName;
        using var cap = OpenCvRuntime.OpenCapture(path);
        if (!cap.IsOpened())
            throw new VideoException(VideoErrorKind.Unreadable, path,
                $"'{path}' is not a video that can be read: no demuxer and decoder could open it (not a video, damaged, or an unsupported container or codec).");

        string codec = OpenCvRuntime.FourCCToString((int)cap.Get(VideoCaptureProperties.FourCC));
        double fps = cap.Get(VideoCaptureProperties.Fps);
        var rate = Rational.FromDouble(fps);
        bool rateKnown = rate.IsPositive && fps is > 0.01 and < 10_000;
        double periodMs = rateKnown ? 1000.0 / rate.Value : 1000.0 / 25; // nominal period used only to extrapolate
        long reported = Math.Max(0, (long)Math.Round(cap.Get(VideoCaptureProperties.FrameCount)));

        var head = new List<double>(RateCheckFrames);
        while (head.Count < RateCheckFrames && cap.Grab()) head.Add(cap.Get(VideoCaptureProperties.PosMsec));
        if (head.Count == 0)
            throw new VideoException(VideoErrorKind.NoDecodableFrames, path,
                $"'{path}' opens as a video (codec '{codec}') but no frame decodes: the codec is not supported by the bundled FFmpeg, or the file is truncated before its first frame.");

        bool constantRate = rateKnown && IsRegular(head, periodMs);
        VideoIndex? index = null;
        if (!options.Accurate && constantRate && reported > 0)
            index = TryVerifyContainerCount(cap, reported, head[0], periodMs, head);

        var method = FrameCountMethod.Verified;
        if (index is null)
        {
            method = FrameCountMethod.Counted;
            index = Count(path, head, reported, periodMs, options.Progress, ct);
        }

        var info = new VideoInfo
        {
            Path = path,
            Codec = codec,
            Width = cap.FrameWidth,
            Height = cap.FrameHeight,
            FrameRate = rate,
            FramesPerSecond = rateKnown ? rate.Value : 0,
            ReportedFrameCount = reported,
            FrameCount = index.FrameCount,
            FrameCountMethod = method,
            IsConstantFrameRate = constantRate && (method == FrameCountMethod.Verified || IsRegular(index, periodMs)),
            StartTime = VideoIndex.FromMs(index.StartMs),
            Duration = VideoIndex.FromMs(index.EndMs),
            Length = file.Length,
            LastWriteTimeUtc = file.LastWriteTimeUtc,
        };
        return new ProbedVideo(info, index);
    }

    /// <summary>True when consecutive timestamps are one nominal period apart (within 2%).</summary>
    private static bool IsRegular(IReadOnlyList<double> ts, double periodMs)
    {
        for (int i = 1; i < ts.Count; i++)
            if (Math.Abs(ts[i] - ts[i - 1] - periodMs) > periodMs * 0.02) return false;
        return true;
    }

    private static bool IsRegular(VideoIndex index, double periodMs)
    {
        for (long i = 1; i < index.FrameCount; i++)
            if (Math.Abs(index.TimeOfMs(i) - index.TimeOfMs(i - 1) - periodMs) > periodMs * 0.02) return false;
        return true;
    }

    /// <summary>
    /// The cheap check: the container's claimed last frame must decode where a constant rate puts it,
    /// and no frame may follow it. Returns null when the claim fails.
    /// </summary>
    private static VideoIndex? TryVerifyContainerCount(VideoCapture cap, long reported, double startMs, double periodMs, List<double> head)
    {
        if (reported <= head.Count)
        {
            // The whole file may already be in hand: the claim holds if nothing follows.
            return head.Count == reported && !cap.Grab() ? VideoIndex.FromTimestamps(head, periodMs) : null;
        }
        if (!cap.Set(VideoCaptureProperties.PosFrames, reported - 1) || !cap.Grab()) return null;
        double lastMs = cap.Get(VideoCaptureProperties.PosMsec);
        double expectedMs = startMs + (reported - 1) * periodMs;
        // FFmpeg reports a missing pts as 0 (seen on the last frame of packed-B-frame MPEG-4); accept
        // that only when OpenCV's own frame position agrees that this is the claimed last frame.
        bool timeAgrees = Math.Abs(lastMs - expectedMs) <= periodMs / 2;
        bool missingPts = lastMs == 0 && expectedMs > periodMs;
        bool positionAgrees = Math.Abs(cap.Get(VideoCaptureProperties.PosFrames) - reported) < 0.5;
        if (!(timeAgrees || (missingPts && positionAgrees))) return null;
        if (cap.Grab()) return null; // more frames than claimed
        return VideoIndex.ConstantRate(reported, startMs, periodMs);
    }

    /// <summary>The counting pass: grab (decode, no colour conversion) every frame from the start and record its timestamp.</summary>
    private static VideoIndex Count(string path, List<double> head, long reported, double periodMs,
        Action<long, long>? progress, CancellationToken ct)
    {
        // A fresh capture: after the verification attempt the first one may be anywhere, and a seek
        // back to 0 is only as exact as the container's timestamps.
        using var cap = OpenCvRuntime.OpenCapture(path);
        var ts = new List<double>(reported is > 0 and < 10_000_000 ? (int)reported : 1024);
        while (OpenCvRuntime.GrabPastCorruptPackets(cap)) // as the reader decodes: a corrupt frame is missing, not the end
        {
            ts.Add(cap.Get(VideoCaptureProperties.PosMsec));
            if ((ts.Count & 255) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Invoke(ts.Count, reported);
            }
        }
        ct.ThrowIfCancellationRequested();
        progress?.Invoke(ts.Count, reported);
        // The second open must decode what the first one did.
        for (int i = 0; i < head.Count; i++)
            if (i >= ts.Count || Math.Abs(ts[i] - head[i]) > 1e-6)
                throw new VideoException(VideoErrorKind.Unreadable, path, $"'{path}' does not decode the same way twice (frame {i}).");
        return VideoIndex.FromTimestamps(ts, periodMs);
    }
}
