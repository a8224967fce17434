namespace VideoDetect.Video;

/// <summary>
/// Who wants the frames of this process's live streams kept (<see cref="LiveFrameKeep"/> leases): the
/// meeting point of the decoder (ConvertTo-FrameBatch's <see cref="LiveClipSource"/> offers each frame
/// it takes) and the writers that draw on live frames (Export-AnnotatedVideo, in the same pipeline).
/// Each lease is one consumer with its own <see cref="LiveFrameTap"/> per URL, so two writers of one
/// stream (say a boxed and a blurred video) each see every frame. Frames are copied only while a lease
/// is held, so a pipeline without such a writer copies nothing. A pipeline's commands all begin
/// (BeginProcessing) before the first clip is decoded, so a writer that takes its lease there sees
/// every frame from the stream's first.
/// <para>Ownership: a lease's holder (the writer command) disposes it when its pipeline ends, which
/// clears its taps. Thread-safe.</para>
/// </summary>
public static class LiveFrameTaps
{
    /// <summary>What one tap holds at most by default: frames waiting to be drawn (256 MiB, about 90 s of 720p at 10 fps).</summary>
    public const long DefaultCapacityBytes = 256L << 20;

    private static readonly List<LiveFrameKeep> Leases = new();
    private static volatile bool _wanted;

    /// <summary>True while a lease is held: the decoder copies live frames into taps.</summary>
    public static bool Wanted => _wanted;

    /// <summary>Starts keeping live frames for one consumer (each tap bounded by <paramref name="capacityBytes"/>) until the lease is disposed.</summary>
    public static LiveFrameKeep Keep(long capacityBytes = DefaultCapacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        var lease = new LiveFrameKeep(capacityBytes);
        lock (Leases)
        {
            Leases.Add(lease);
            _wanted = true;
        }
        return lease;
    }

    /// <summary>The decoder took <paramref name="frame"/> of <paramref name="stream"/>: copied into each lease's tap of it.</summary>
    internal static void Offer(LiveStream stream, in LiveFrameData frame) => Offer(stream.Url, stream.FramesPerSecond, frame);

    /// <summary>A frame of the stream <paramref name="url"/> (nominal rate <paramref name="framesPerSecond"/>) was decoded: copied into each lease's tap of it.</summary>
    internal static void Offer(string url, double? framesPerSecond, in LiveFrameData frame)
    {
        if (!_wanted) return;
        LiveFrameKeep[] leases;
        lock (Leases) leases = Leases.ToArray();
        foreach (var lease in leases) lease.TapFor(url, framesPerSecond)?.Add(frame.Index, frame.Time, frame.Pixels, frame.Width, frame.Height);
    }

    internal static void Release(LiveFrameKeep lease)
    {
        lock (Leases)
        {
            Leases.Remove(lease);
            _wanted = Leases.Count > 0;
        }
    }
}

/// <summary>
/// One consumer's lease on live frames (<see cref="LiveFrameTaps.Keep"/>): its taps, one per stream URL,
/// made at the stream's first frame. Disposing it clears its taps (a writer still waiting on one returns).
/// </summary>
public sealed class LiveFrameKeep : IDisposable
{
    private readonly Dictionary<string, LiveFrameTap> _taps = new(StringComparer.Ordinal);
    private readonly long _capacity;
    private bool _disposed;

    internal LiveFrameKeep(long capacityBytes) => _capacity = capacityBytes;

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
    }
}
