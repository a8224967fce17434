namespace VideoDetect.Video;

/// <summary>One decoded frame of a live stream: BGR pixels, row after row (<see cref="Width"/> × <see cref="Height"/> × 3 bytes).</summary>
internal readonly record struct LiveFrameData(long Index, TimeSpan Time, byte[] Pixels, int Width, int Height)
{
    /// <summary>Copies this frame's pixels into <paramref name="destination"/> (owned by the caller); false when it cannot hold them in one block.</summary>
    public bool CopyTo(OpenCvSharp.Mat destination) => CopyBgr(Pixels, Width, Height, destination);

    /// <summary>Copies 8-bit BGR <paramref name="pixels"/> (rows packed, <paramref name="width"/>×<paramref name="height"/>) into <paramref name="destination"/>: the one copy every kept or piped frame goes through.</summary>
    public static bool CopyBgr(byte[] pixels, int width, int height, OpenCvSharp.Mat destination)
    {
        destination.Create(height, width, OpenCvSharp.MatType.CV_8UC3);
        if (!destination.IsContinuous()) return false;
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, destination.Data, width * height * 3);
        return true;
    }
}

/// <summary>
/// The frames of one <see cref="LiveStream"/> between FFmpeg and the decoder (<see cref="LiveClipSource"/>):
/// the reader thread adds, the decoder takes, in index order. Bounded: past
/// <see cref="LiveStreamOptions.BufferBytes"/> the oldest frames not yet taken are dropped, so a
/// decoder that falls behind the camera loses frames (reported by the decoder as missing indices)
/// instead of memory growing. Ownership: a frame's pixel array belongs to the buffer until taken,
/// then to the taker, who gives it back with <see cref="Return"/> (reused for later frames). Thread-safe.
/// </summary>
internal sealed class LiveFrameBuffer(long capacityBytes)
{
    private const int FreeArrays = 4;
    private readonly Queue<LiveFrameData> _frames = new();
    private readonly Stack<byte[]> _free = new();
    private long _bytes;
    private bool _ended;

    /// <summary>Frames dropped because the buffer was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>A pixel array of <paramref name="length"/> bytes (a returned one when it fits).</summary>
    public byte[] Rent(int length)
    {
        lock (_frames)
        {
            while (_free.Count > 0)
            {
                var a = _free.Pop();
                if (a.Length == length) return a;
            }
        }
        return new byte[length];
    }

    /// <summary>Gives a taken frame's pixels back for reuse.</summary>
    public void Return(byte[] pixels)
    {
        lock (_frames)
        {
            if (_free.Count < FreeArrays) _free.Push(pixels);
        }
    }

    /// <summary>Adds the next frame; drops the oldest while the buffer would hold more than its capacity (it always keeps the newest).</summary>
    public void Add(LiveFrameData frame)
    {
        lock (_frames)
        {
            if (_ended) return;
            while (_frames.Count > 0 && _bytes + frame.Pixels.Length > capacityBytes)
            {
                var old = _frames.Dequeue();
                _bytes -= old.Pixels.Length;
                Dropped++;
                if (_free.Count < FreeArrays) _free.Push(old.Pixels);
            }
            _frames.Enqueue(frame);
            _bytes += frame.Pixels.Length;
            Monitor.PulseAll(_frames);
        }
    }

    /// <summary>No frame will come any more: a waiting <see cref="Take"/> returns what is left, then false.</summary>
    public void End()
    {
        lock (_frames)
        {
            _ended = true;
            Monitor.PulseAll(_frames);
        }
    }

    /// <summary>Frees every frame held and ends the buffer.</summary>
    public void Clear()
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

    /// <summary>
    /// Takes the first frame of index <paramref name="next"/> or more (older ones are let go), waiting
    /// for it to arrive; false once the buffer has ended and holds none, or when <paramref name="closed"/> says so.
    /// </summary>
    public bool Take(long next, Func<bool> closed, out LiveFrameData frame)
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
                    if (_free.Count < FreeArrays) _free.Push(f.Pixels);
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
}
