using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// A writer's second read of a video file that draws on the frames kept from the first decode
/// (<see cref="FileFrameTaps"/>): frame i comes from the tap when it was kept there (exactly that index),
/// else from the file through its own exact <see cref="IFrameSource"/> (<see cref="VideoReader"/>), which
/// seeks — a forward decode for a short gap, a real seek past one — only when a frame is missing.
/// Kept frames were decoded and converted by the same decoder (OpenCV's), so the pixels are the same
/// either way. Indices, timestamps (the file's index) and lost frames are the file's.
/// <para>Ownership: this source owns <paramref name="file"/> and the kept frame in hand (its array goes
/// back to the store at the next <see cref="Grab"/> and on <see cref="Dispose"/>); it holds its tap
/// (<see cref="FileFrameTaps.Attach"/>) until disposed. One thread.</para>
/// </summary>
public sealed class KeptFrameSource : IFrameSource
{
    private readonly IFrameSource _file;
    private readonly VideoIndex _index;
    private readonly FileFrameTaps _store;
    private readonly FileFrameTap _tap;
    private byte[]? _kept; // the frame in hand, when it came from the tap
    private int _width, _height;
    private bool _disposed;

    public KeptFrameSource(IFrameSource file, VideoIndex index, FileFrameTaps store, SourceIdentity identity)
    {
        _file = file;
        _index = index;
        _store = store;
        _tap = store.Attach(identity);
    }

    public string Path => _file.Path;
    public FrameSourceKind Kind => FrameSourceKind.File;
    public long Position { get; private set; }
    public long Current { get; private set; } = -1;
    public TimeSpan CurrentTime { get; private set; }
    public long SkippedBeforeCurrent { get; private set; }
    public int SeekCount => _file.SeekCount;

    /// <summary>Frames decoded from the file, also those decoded only to reach a missing frame.</summary>
    public long FramesGrabbed => _file.FramesGrabbed;

    /// <summary>Frames taken from the tap (not decoded again).</summary>
    public long FramesKept { get; private set; }

    public bool Grab()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        GiveBack();
        long next = Position;
        if (next < _index.FrameCount && _store.Take(_tap, next, out _width, out _height) is { } pixels)
        {
            _kept = pixels;
            FramesKept++;
            Current = next;
            CurrentTime = _index.TimeOf(next);
            SkippedBeforeCurrent = 0;
            Position = next + 1;
            return true;
        }
        if (_file.Position != next) _file.Seek(next);
        if (!_file.Grab()) return false;
        Current = _file.Current;
        CurrentTime = _file.CurrentTime;
        // Lost frames counted from the frame asked for (a seek past a corrupt frame lands after it).
        SkippedBeforeCurrent = Math.Max(0, _file.Current - next);
        Position = _file.Position;
        return true;
    }

    public bool Retrieve(Mat destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Current < 0) throw new InvalidOperationException("Grab a frame before retrieving it.");
        if (_kept is null) return _file.Retrieve(destination);
        return LiveFrameData.CopyBgr(_kept, _width, _height, destination);
    }

    /// <summary>Positions the source; the file is sought only when a frame must come from it.</summary>
    public void Seek(long frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((ulong)frame > (ulong)_index.FrameCount) throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Frame must be in 0..{_index.FrameCount}.");
        GiveBack();
        Position = frame;
    }

    private void GiveBack()
    {
        if (_kept is null) return;
        _store.Return(_kept);
        _kept = null;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        GiveBack();
        _store.Detach(_tap);
        _file.Dispose();
    }
}
