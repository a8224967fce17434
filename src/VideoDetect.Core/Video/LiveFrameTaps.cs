namespace VideoDetect.Video;

/// <summary>
/// The <see cref="LiveFrameTap"/>s of this process, by URL, and who wants them: the meeting point of
/// the decoder (ConvertTo-FrameBatch's <see cref="LiveClipSource"/> offers each frame it takes) and a
/// writer that draws on live frames (Export-AnnotatedVideo, in the same pipeline). Frames are kept
/// only while someone holds a <see cref="Keep"/> lease, so a pipeline without such a writer copies
/// nothing. A pipeline's commands all begin (BeginProcessing) before the first clip is decoded, so a
/// writer that takes its lease there sees every frame from the stream's first.
/// <para>Ownership: a lease's holder (the writer command) disposes it when its pipeline ends; when the
/// last lease goes, every tap is cleared and forgotten. Thread-safe.</para>
/// </summary>
public static class LiveFrameTaps
{
    /// <summary>What one tap holds at most by default: frames waiting to be drawn (256 MiB, about 90 s of 720p at 10 fps).</summary>
    public const long DefaultCapacityBytes = 256L << 20;

    private static readonly Dictionary<string, LiveFrameTap> Taps = new(StringComparer.Ordinal);
    private static int _leases;
    private static long _capacity = DefaultCapacityBytes;

    /// <summary>True while a lease is held: the decoder copies live frames into taps.</summary>
    public static bool Wanted => Volatile.Read(ref _leases) > 0;

    /// <summary>Starts keeping live frames (each tap bounded by <paramref name="capacityBytes"/>) until the lease is disposed.</summary>
    public static IDisposable Keep(long capacityBytes = DefaultCapacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        lock (Taps)
        {
            _leases++;
            _capacity = capacityBytes;
        }
        return new Lease();
    }

    /// <summary>The tap of <paramref name="url"/>: null when no lease is held or no frame of it was offered.</summary>
    public static LiveFrameTap? Find(string url)
    {
        lock (Taps) return Taps.GetValueOrDefault(url);
    }

    /// <summary>The decoder took <paramref name="frame"/> of <paramref name="stream"/>: copied into its tap while wanted.</summary>
    internal static void Offer(LiveStream stream, in LiveFrameData frame) => Offer(stream.Url, stream.FramesPerSecond, frame);

    /// <summary>A frame of the stream <paramref name="url"/> (nominal rate <paramref name="framesPerSecond"/>) was decoded: copied into its tap while wanted.</summary>
    internal static void Offer(string url, double? framesPerSecond, in LiveFrameData frame)
    {
        if (!Wanted) return;
        LiveFrameTap tap;
        lock (Taps)
        {
            if (_leases == 0) return;
            if (!Taps.TryGetValue(url, out tap!)) Taps[url] = tap = new LiveFrameTap(url, _capacity, framesPerSecond);
        }
        tap.Add(frame.Index, frame.Time, frame.Pixels, frame.Width, frame.Height);
    }

    private static void Release()
    {
        List<LiveFrameTap> gone;
        lock (Taps)
        {
            if (--_leases > 0) return;
            gone = Taps.Values.ToList();
            Taps.Clear();
        }
        foreach (var tap in gone) tap.Clear();
    }

    private sealed class Lease : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Release();
        }
    }
}
