using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// The frames of one live stream kept from the first decode for a writer that draws on them
/// (Export-AnnotatedVideo): a live source cannot be read a second time (<see cref="FrameSources"/>),
/// so while a writer wants them (<see cref="LiveFrameTaps.Keep"/>) the decoder's source
/// (<see cref="LiveClipSource"/>) copies every frame it takes into the tap of its URL, and the writer
/// reads them back through <see cref="LiveTapFrameSource"/>, in index order.
/// <para>Bounded, memory flat: past <see cref="CapacityBytes"/> the oldest frames not yet taken are
/// dropped (<see cref="Dropped"/>; the writer sees them as lost frames and repeats the frame before, so
/// the video keeps its length), so a writer that falls behind, or a source nobody draws, never grows
/// memory. A frame stays in the tap from the decode until the writer draws it: the time it spends in
/// batching, detection and tracking, a few seconds at most.</para>
/// <para>Ownership: the tap owns copies (plain byte arrays, no native memory): a frame's array belongs
/// to the tap until taken, then to the taker (one <see cref="LiveTapFrameSource"/> at a time), who gives
/// it back with <see cref="Return"/> (reused for later frames, at most <see cref="FreeArrays"/> kept).
/// No <see cref="Mat"/> is held: the writer converts into its own one Mat. Thread-safe.</para>
/// </summary>
public sealed class LiveFrameTap
{
    /// <summary>Free arrays kept for reuse.</summary>
    public const int FreeArrays = 4;

    private readonly Queue<LiveFrameData> _frames = new();
    private readonly Stack<byte[]> _free = new();
    private long _bytes;
    private bool _ended;

    internal LiveFrameTap(string url, long capacityBytes, double? framesPerSecond)
    {
        Url = url;
        CapacityBytes = capacityBytes;
        FramesPerSecond = framesPerSecond;
    }

    public string Url { get; }

    /// <summary>The most pixel bytes held (frames waiting to be drawn).</summary>
    public long CapacityBytes { get; }

    /// <summary>The stream's nominal rate as FFmpeg reported it (null: unknown).</summary>
    public double? FramesPerSecond { get; }

    /// <summary>The size of the frames (0 before the first).</summary>
    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Frames dropped because the tap was full (the writer was behind, or nobody drew this stream).</summary>
    public long Dropped { get; private set; }

    /// <summary>Frames held now (for tests and the bound).</summary>
    public int Count
    {
        get { lock (_frames) return _frames.Count; }
    }

    /// <summary>Pixel bytes held now.</summary>
    public long Bytes
    {
        get { lock (_frames) return _bytes; }
    }

    /// <summary>Arrays waiting for reuse now (at most <see cref="FreeArrays"/>).</summary>
    public int FreeCount
    {
        get { lock (_frames) return _free.Count; }
    }

    /// <summary>Copies one decoded frame (BGR, <paramref name="width"/> × <paramref name="height"/> × 3 bytes of <paramref name="pixels"/>) into the tap, dropping the oldest while full.</summary>
    public void Add(long index, TimeSpan time, ReadOnlySpan<byte> pixels, int width, int height)
    {
        int length = checked(width * height * 3);
        if (pixels.Length < length) throw new ArgumentException($"A {width}x{height} frame needs {length} bytes, not {pixels.Length}.", nameof(pixels));
        lock (_frames)
        {
            if (_ended) return;
            byte[]? copy = null;
            while (_free.Count > 0 && copy is null)
            {
                var a = _free.Pop();
                if (a.Length == length) copy = a;
            }
            copy ??= new byte[length];
            pixels[..length].CopyTo(copy);
            while (_frames.Count > 0 && _bytes + length > CapacityBytes)
            {
                var old = _frames.Dequeue();
                _bytes -= old.Pixels.Length;
                Dropped++;
                Free(old.Pixels);
            }
            if (Width == 0) (Width, Height) = (width, height);
            _frames.Enqueue(new LiveFrameData(index, time, copy, width, height));
            _bytes += length;
            Monitor.PulseAll(_frames);
        }
    }

    /// <summary>Gives a taken frame's pixels back for reuse.</summary>
    public void Return(byte[] pixels)
    {
        lock (_frames) Free(pixels);
    }

    private void Free(byte[] pixels)
    {
        if (_free.Count < FreeArrays) _free.Push(pixels);
    }

    /// <summary>
    /// Takes the first frame of index <paramref name="next"/> or more (older ones are let go), waiting
    /// for it; false once the tap has ended and holds none, or when <paramref name="closed"/> says so.
    /// </summary>
    internal bool Take(long next, Func<bool> closed, out LiveFrameData frame)
    {
        lock (_frames)
        {
            while (true)
            {
                while (_frames.Count > 0)
                {
                    var f = _frames.Dequeue();
                    _bytes -= f.Pixels.Length;
                    if (f.Index >= next)
                    {
                        frame = f;
                        return true;
                    }
                    Free(f.Pixels);
                }
                if (_ended || closed())
                {
                    frame = default;
                    return false;
                }
                Monitor.Wait(_frames, 200);
            }
        }
    }

    /// <summary>Frees every frame held; no frame is kept any more and a waiting taker returns.</summary>
    internal void Clear()
    {
        lock (_frames)
        {
            _ended = true;
            _frames.Clear();
            _free.Clear();
            _bytes = 0;
            Monitor.PulseAll(_frames);
        }
    }
}

/// <summary>
/// The writer's side of a <see cref="LiveFrameTap"/>: a forward-only <see cref="IFrameSource"/> over the
/// frames kept from the first decode (the writer's "second decode" of a live source). Indices the tap
/// dropped surface as lost frames. It never ends the tap (the tap belongs to its <see cref="LiveFrameKeep"/> lease);
/// each segment's writer opens one over the same tap, one after another.
/// </summary>
public sealed class LiveTapFrameSource(LiveFrameTap tap, CancellationToken cancellationToken = default) : ForwardOnlyFrameSource(tap.Url)
{
    private LiveFrameData _current;
    private bool _has;
    private volatile bool _closed;

    protected override bool GrabNext(long next, out long index, out TimeSpan timestamp)
    {
        if (_has) tap.Return(_current.Pixels);
        _has = tap.Take(next, () => _closed || cancellationToken.IsCancellationRequested, out _current);
        index = _current.Index;
        timestamp = _current.Time;
        return _has;
    }

    protected override bool RetrieveCurrent(Mat destination)
    {
        if (!_has) return false;
        return _current.CopyTo(destination);
    }

    protected override void Dispose(bool disposing)
    {
        _closed = true;
        if (_has) tap.Return(_current.Pixels);
        _has = false;
    }
}
