using System.Runtime.InteropServices;
using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// The frames of video FILES kept from the first decode for one consumer (a <see cref="LiveFrameKeep"/>
/// lease: Export-AnnotatedVideo), so that its writer draws on them instead of decoding the file a
/// second time (bench/README.md, "frames kept from the first decode"). The batcher's decoder
/// (Batching's RangeDecoder, OpenCV's <see cref="VideoReader"/> only: the same decoder and
/// conversion as the writer's, so the pixels are the same) offers each BGR frame it decodes; the
/// writer takes frame i when it is here (<see cref="KeptFrameSource"/>) and decodes it from the file
/// when not. A kept frame is a help, never a promise: anything dropped is decoded again.
/// <para>Keyed by the file's <see cref="SourceIdentity"/> (full path, size, last write: a changed file
/// is another key) and the frame index. Decode workers (-ThrottleLimit) offer clips of one file out of
/// order, so a file's frames are held sorted by index; the writer takes them in increasing order, and
/// every frame below the one it takes is let go.</para>
/// <para>Bounded: all files together hold at most <see cref="CapacityBytes"/>; a full store never
/// blocks the decoder: for a file a writer draws on now it makes room from the files no writer draws on
/// yet (their highest indices first), for any file from its own frames of a higher index than the one
/// offered (they are needed later than it); else it drops the offer (<see cref="Dropped"/>).
/// A file's frames go when its writer has passed them; a file whose writer is done, or whose export was
/// skipped (an output that exists, an error), goes when the export announces the next source
/// (<see cref="Announce"/>); everything goes when the lease is disposed (<see cref="Close"/>), and
/// nothing is kept after that.</para>
/// <para>Ownership: the store owns each frame's byte array (plain managed memory, no <see cref="Mat"/>
/// is held) until <see cref="Take"/> hands it to the taker, who gives it back with <see cref="Return"/>
/// (kept for reuse while the frames held and the free arrays together stay within <see cref="CapacityBytes"/>:
/// a frame is about a megabyte, and a new large array each frame, zeroed and faulted in, then
/// collected, cost more CPU than the decode it saves; after <see cref="Close"/> it is left to the GC). An offered Mat stays the offerer's: its pixels are copied. Thread-safe (one lock).</para>
/// </summary>
public sealed class FileFrameTaps
{
    private readonly object _lock = new();
    private readonly Dictionary<SourceIdentity, FileFrameTap> _taps = new();
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);
    private readonly HashSet<SourceIdentity> _retired = new();
    private readonly Stack<byte[]> _free = new();
    private long _bytes, _freeBytes;
    private bool _closed;

    internal FileFrameTaps(long capacityBytes) => CapacityBytes = capacityBytes;

    /// <summary>The most pixel bytes held, all files together.</summary>
    public long CapacityBytes { get; }

    /// <summary>Pixel bytes held now.</summary>
    public long Bytes
    {
        get { lock (_lock) return _bytes; }
    }

    /// <summary>Frames held now, all files together.</summary>
    public int Count
    {
        get { lock (_lock) return _taps.Values.Sum(t => t.Frames.Count); }
    }

    /// <summary>Files with a tap now.</summary>
    public int Files
    {
        get { lock (_lock) return _taps.Count; }
    }

    /// <summary>Frames not kept, or let go before they were taken, for want of room.</summary>
    public long Dropped
    {
        get { lock (_lock) return _dropped; }
    }

    private long _dropped;

    /// <summary>Bytes of the arrays waiting for reuse now (with <see cref="Bytes"/>, at most <see cref="CapacityBytes"/>).</summary>
    public long FreeBytes
    {
        get { lock (_lock) return _freeBytes; }
    }

    /// <summary>
    /// Whether an offer of frame <paramref name="index"/> of <paramref name="file"/> could be kept now
    /// (the decoder asks before converting a frame it would not convert for itself). A hint: the answer may change.
    /// </summary>
    internal bool Wants(SourceIdentity file, long index, long length)
    {
        lock (_lock)
        {
            if (_closed || _retired.Contains(file)) return false;
            if (!_taps.TryGetValue(file, out var tap)) return _bytes + length <= CapacityBytes;
            if (index < tap.Passed || tap.Frames.ContainsKey(index)) return false;
            return _bytes + length <= CapacityBytes || RoomFrom(tap, index) is not null;
        }
    }

    /// <summary>
    /// Where a frame <paramref name="index"/> offered for <paramref name="tap"/> may take room from when the
    /// store is full (under the lock): for a file being written, a file no writer draws on yet (decoded
    /// ahead, or another pipeline's); else only this file's far end — the frames its writer needs last —
    /// when that lies past the frame offered. Null: no room for it.
    /// </summary>
    private FileFrameTap? RoomFrom(FileFrameTap tap, long index)
    {
        if (tap.Readers > 0)
        {
            foreach (var other in _taps.Values)
                if (other.Readers == 0 && other.Frames.Count > 0) return other;
        }
        return tap.Frames.Count > 0 && tap.Frames.Keys[^1] > index ? tap : null;
    }

    /// <summary>The decoder decoded frame <paramref name="index"/> of <paramref name="file"/> (8-bit BGR, the offerer's): its pixels are copied in, when there is room.</summary>
    internal void Offer(SourceIdentity file, long index, Mat bgr)
    {
        int width = bgr.Cols, height = bgr.Rows;
        if (bgr.Type() != MatType.CV_8UC3 || width <= 0 || height <= 0) return;
        int length = checked(width * height * 3);
        lock (_lock)
        {
            if (_closed || _retired.Contains(file)) return;
            if (!_taps.TryGetValue(file, out var tap)) _taps[file] = tap = new FileFrameTap(file);
            if (index < tap.Passed || tap.Frames.ContainsKey(index)) return;
            while (_bytes + length > CapacityBytes)
            {
                if (RoomFrom(tap, index) is not { } from)
                {
                    _dropped++;
                    return;
                }
                int last = from.Frames.Count - 1;
                Release(from.Frames.Values[last].Pixels);
                from.Frames.RemoveAt(last);
                _dropped++;
            }
            var copy = Rent(length);
            Copy(bgr, copy, width * 3, height);
            tap.Frames.Add(index, new KeptFrame(copy, width, height));
            _bytes += length;
        }
    }

    private static void Copy(Mat bgr, byte[] destination, int rowBytes, int rows)
    {
        if (bgr.IsContinuous())
        {
            Marshal.Copy(bgr.Data, destination, 0, destination.Length);
            return;
        }
        for (int y = 0; y < rows; y++) Marshal.Copy(bgr.Ptr(y), destination, y * rowBytes, rowBytes);
    }

    /// <summary>
    /// The export is about to write <paramref name="fullPath"/> (its next source, in pipeline order):
    /// the taps of sources it announced before whose writers are gone (done, or never opened: skipped)
    /// are let go, and their later offers refused. A file not yet announced (decoded ahead) is kept.
    /// </summary>
    public void Announce(string fullPath)
    {
        lock (_lock)
        {
            if (_closed) return;
            foreach (var tap in _taps.Values.Where(t => t.Readers == 0 && _announced.Contains(t.File.Path)
                && !string.Equals(t.File.Path, fullPath, StringComparison.Ordinal)).ToList())
            {
                foreach (var kept in tap.Frames.Values) Release(kept.Pixels);
                tap.Frames.Clear();
                _taps.Remove(tap.File);
                _retired.Add(tap.File);
            }
            _announced.Add(fullPath);
        }
    }

    /// <summary>A writer starts drawing on <paramref name="file"/>: its tap (made now when nothing was offered yet), held until <see cref="Detach"/>.</summary>
    internal FileFrameTap Attach(SourceIdentity file)
    {
        Announce(file.Path);
        lock (_lock)
        {
            _retired.Remove(file);
            if (!_taps.TryGetValue(file, out var tap))
            {
                tap = new FileFrameTap(file);
                if (!_closed) _taps[file] = tap;
            }
            tap.Readers++;
            return tap;
        }
    }

    /// <summary>The writer of <paramref name="tap"/> is done with it (its frames not taken stay until the next <see cref="Announce"/>).</summary>
    internal void Detach(FileFrameTap tap)
    {
        lock (_lock) tap.Readers--;
    }

    /// <summary>
    /// Takes frame <paramref name="index"/> of <paramref name="tap"/>'s file when it is kept (the caller
    /// then owns the array, and gives it back with <see cref="Return"/>); every frame below it is let go
    /// and no longer accepted. Null when not kept: the caller decodes it.
    /// </summary>
    internal byte[]? Take(FileFrameTap tap, long index, out int width, out int height)
    {
        width = height = 0;
        lock (_lock)
        {
            if (index > tap.Passed) tap.Passed = index;
            var frames = tap.Frames;
            while (frames.Count > 0 && frames.Keys[0] < index)
            {
                Release(frames.Values[0].Pixels);
                frames.RemoveAt(0);
            }
            if (frames.Count == 0 || frames.Keys[0] != index) return null;
            var kept = frames.Values[0];
            frames.RemoveAt(0);
            _bytes -= kept.Pixels.Length;
            tap.Passed = index + 1;
            (width, height) = (kept.Width, kept.Height);
            return kept.Pixels;
        }
    }

    /// <summary>Gives a taken frame's array back for reuse.</summary>
    internal void Return(byte[] pixels)
    {
        lock (_lock)
        {
            if (!_closed) Free(pixels);
        }
    }

    /// <summary>Lets every frame go; nothing is kept any more (the lease was disposed).</summary>
    internal void Close()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var tap in _taps.Values) tap.Frames.Clear();
            _taps.Clear();
            _free.Clear();
            _bytes = _freeBytes = 0;
        }
    }

    // Under the lock: a held frame's array leaves the store (counted off, kept for reuse).
    private void Release(byte[] pixels)
    {
        _bytes -= pixels.Length;
        Free(pixels);
    }

    // Under the lock: kept for reuse while held and free together fit the capacity.
    private void Free(byte[] pixels)
    {
        if (_bytes + _freeBytes + pixels.Length > CapacityBytes) return;
        _free.Push(pixels);
        _freeBytes += pixels.Length;
    }

    private byte[] Rent(int length)
    {
        while (_free.Count > 0)
        {
            var a = _free.Pop();
            _freeBytes -= a.Length;
            if (a.Length == length) return a;
        }
        return GC.AllocateUninitializedArray<byte>(length); // every byte is written by the copy
    }
}

/// <summary>One file's kept frames in a <see cref="FileFrameTaps"/> (all its state is under the store's lock).</summary>
public sealed class FileFrameTap
{
    internal FileFrameTap(SourceIdentity file) => File = file;

    public SourceIdentity File { get; }

    /// <summary>Kept frames by index.</summary>
    internal SortedList<long, KeptFrame> Frames { get; } = new();

    /// <summary>Frames below this index were passed by the writer: let go, and not accepted again.</summary>
    internal long Passed { get; set; }

    /// <summary>Writers drawing on this file now.</summary>
    internal int Readers { get; set; }
}

/// <summary>One kept frame: 8-bit BGR pixels, rows packed, <paramref name="Width"/> × <paramref name="Height"/> × 3 bytes.</summary>
internal readonly record struct KeptFrame(byte[] Pixels, int Width, int Height);
