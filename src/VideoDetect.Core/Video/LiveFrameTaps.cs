namespace VideoDetect.Video;

/// <summary>
/// Who wants the frames of this process's live streams (and video files) kept (<see cref="LiveFrameKeep"/> leases): the
/// meeting point of the decoder (ConvertTo-FrameBatch's <see cref="LiveClipSource"/> offers each frame
/// it takes) and the writers that draw on live frames (Export-AnnotatedVideo, in the same pipeline).
/// Each lease is one consumer with its own <see cref="LiveFrameTap"/> per URL, so two writers of one
/// stream (say a boxed and a blurred video) each see every frame. Frames are copied only while a lease
/// is held, so a pipeline without such a writer copies nothing. A pipeline's commands all begin
/// (BeginProcessing) before the first clip is decoded, so a writer that takes its lease there sees
/// every frame from the stream's first.
/// <para>Files: the same lease also keeps the frames the batcher decodes from video files
/// (<see cref="OfferFile"/>, into the lease's <see cref="LiveFrameKeep.Files"/>), so the writer need not
/// decode a file a second time (<see cref="KeptFrameSource"/>); <see cref="FileFramesVariable"/>=0 turns
/// that off for leases taken after it is set (then every file is decoded again, as before).</para>
/// <para>Ownership: a lease's holder (the writer command) disposes it when its pipeline ends, which
/// clears its taps. Thread-safe.</para>
/// </summary>
public static class LiveFrameTaps
{
    /// <summary>What one tap holds at most by default: frames waiting to be drawn (256 MiB, about 90 s of 720p at 10 fps).</summary>
    public const long DefaultCapacityBytes = 256L << 20;

    private static readonly object Gate = new();
    // The leases held now: replaced whole under Gate when one is taken or released, read without a lock
    // by the decoders on every frame (no per-frame lock or copy).
    private static volatile LiveFrameKeep[] _leases = [];

    /// <summary>The environment variable that, set to 0, keeps no file frames (the writer decodes every file again).</summary>
    public const string FileFramesVariable = "VIDEODETECT_KEEP_FILE_FRAMES";

    private static volatile bool _filesWanted;

    /// <summary>True while a lease is held: the decoder copies live frames into taps.</summary>
    public static bool Wanted => _leases.Length > 0;

    /// <summary>True while a lease that keeps file frames is held: the batcher's decoder offers them (<see cref="OfferFile"/>).</summary>
    public static bool FilesWanted => _filesWanted;

    /// <summary>Starts keeping live frames for one consumer (each tap bounded by <paramref name="capacityBytes"/>) until the lease is disposed.</summary>
    public static LiveFrameKeep Keep(long capacityBytes = DefaultCapacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        bool files = Environment.GetEnvironmentVariable(FileFramesVariable) is not "0";
        var lease = new LiveFrameKeep(capacityBytes, files);
        lock (Gate) Publish([.. _leases, lease]);
        return lease;
    }

    /// <summary>
    /// Whether a lease could keep frame <paramref name="index"/> of <paramref name="file"/> (<paramref name="bytes"/>
    /// pixel bytes) now: the decoder asks before converting a frame only for the taps.
    /// </summary>
    internal static bool WantsFile(SourceIdentity file, long index, long bytes)
    {
        if (!_filesWanted) return false;
        foreach (var lease in _leases)
            if (lease.Files is { } f && f.Wants(file, index, bytes)) return true;
        return false;
    }

    /// <summary>
    /// The batcher decoded frame <paramref name="index"/> of the file <paramref name="file"/> (8-bit BGR,
    /// still the caller's): copied into each lease's <see cref="LiveFrameKeep.Files"/> that has room.
    /// </summary>
    internal static void OfferFile(SourceIdentity file, long index, OpenCvSharp.Mat bgr)
    {
        if (!_filesWanted) return;
        foreach (var lease in _leases) lease.Files?.Offer(file, index, bgr);
    }

    /// <summary>The decoder took <paramref name="frame"/> of <paramref name="stream"/>: copied into each lease's tap of it.</summary>
    internal static void Offer(LiveStream stream, in LiveFrameData frame) => Offer(stream.Url, stream.FramesPerSecond, frame);

    /// <summary>A frame of the stream <paramref name="url"/> (nominal rate <paramref name="framesPerSecond"/>) was decoded: copied into each lease's tap of it.</summary>
    internal static void Offer(string url, double? framesPerSecond, in LiveFrameData frame)
    {
        foreach (var lease in _leases) lease.TapFor(url, framesPerSecond)?.Add(frame.Index, frame.Time, frame.Pixels, frame.Width, frame.Height);
    }

    internal static void Release(LiveFrameKeep lease)
    {
        lock (Gate) Publish(_leases.Where(l => l != lease).ToArray());
    }

    /// <summary>Makes <paramref name="leases"/> the held ones, and the file flag the batcher tests first follows from them (under Gate).</summary>
    private static void Publish(LiveFrameKeep[] leases)
    {
        _leases = leases;
        _filesWanted = leases.Any(l => l.Files is not null);
    }
}

/// <summary>
/// One consumer's lease on live frames (<see cref="LiveFrameTaps.Keep"/>): its taps, one per stream URL,
/// made at the stream's first frame, and its kept file frames (<see cref="Files"/>). Disposing it clears
/// its taps (a writer still waiting on one returns) and lets every kept file frame go.
/// </summary>
public sealed class LiveFrameKeep : IDisposable
{
    private readonly Dictionary<string, LiveFrameTap> _taps = new(StringComparer.Ordinal);
    private readonly long _capacity;
    private bool _disposed;

    internal LiveFrameKeep(long capacityBytes, bool keepFiles = true)
    {
        _capacity = capacityBytes;
        Files = keepFiles ? new FileFrameTaps(capacityBytes) : null;
    }

    /// <summary>The frames of video files kept for this consumer (null: <see cref="LiveFrameTaps.FileFramesVariable"/>=0, none kept).</summary>
    public FileFrameTaps? Files { get; }

    /// <summary>The tap of <paramref name="url"/>: null when no frame of it was decoded while this lease was held.</summary>
    public LiveFrameTap? Find(string url)
    {
        lock (_taps) return _taps.GetValueOrDefault(url);
    }

    internal LiveFrameTap? TapFor(string url, double? framesPerSecond)
    {
        lock (_taps)
        {
            if (_disposed) return null;
            if (!_taps.TryGetValue(url, out var tap)) _taps[url] = tap = new LiveFrameTap(url, _capacity, framesPerSecond);
            return tap;
        }
    }

    public void Dispose()
    {
        List<LiveFrameTap> gone;
        lock (_taps)
        {
            if (_disposed) return;
            _disposed = true;
            gone = _taps.Values.ToList();
            _taps.Clear();
        }
        LiveFrameTaps.Release(this);
        foreach (var tap in gone) tap.Clear();
        Files?.Close();
    }
}
