using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// The forward-only kind of <see cref="IFrameSource"/> (<see cref="FrameSourceKind.Live"/>): a subclass
/// says only how to take the next frame from its stream (<see cref="GrabNext"/>) and how to convert it
/// (<see cref="RetrieveCurrent"/>); this class keeps the rules every such source shares — indices only
/// increase (a jump is frames lost, reported as <see cref="IFrameSource.SkippedBeforeCurrent"/>), a
/// seek only skips forward or gives back the frame in hand, and after the end or after
/// <see cref="Dispose"/> nothing more is read. A seek back is <see cref="SourceNotSeekableException"/>.
/// </summary>
public abstract class ForwardOnlyFrameSource : IFrameSource
{
    private bool _pending; // the frame in hand (Current) was given back by Seek: the next Grab yields it again
    private bool _ended;
    private bool _disposed;

    protected ForwardOnlyFrameSource(string path) => Path = path;

    public string Path { get; }
    public FrameSourceKind Kind => FrameSourceKind.Live;
    public long Position { get; private set; }
    public long Current { get; private set; } = -1;
    public TimeSpan CurrentTime { get; private set; }
    public long SkippedBeforeCurrent { get; private set; }
    public int SeekCount => 0;
    public long FramesGrabbed { get; private set; }

    /// <summary>
    /// Takes the next frame from the stream: its index (at least <paramref name="next"/>, the index
    /// expected; more when frames were lost) and its timestamp. False at the end of the stream.
    /// </summary>
    protected abstract bool GrabNext(long next, out long index, out TimeSpan timestamp);

    /// <summary>Converts the frame last taken by <see cref="GrabNext"/> to BGR into <paramref name="destination"/> (the caller's).</summary>
    protected abstract bool RetrieveCurrent(Mat destination);

    public bool Grab()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending)
        {
            _pending = false;
            SkippedBeforeCurrent = 0;
            Position = Current + 1;
            return true;
        }
        if (_ended || !GrabNext(Position, out long index, out var timestamp))
        {
            _ended = true;
            return false;
        }
        if (index < Position) throw new InvalidDataException($"'{Path}' gave frame {index} after frame {Current}: a source's frames must come in increasing order.");
        FramesGrabbed++;
        SkippedBeforeCurrent = index - Position;
        Current = index;
        CurrentTime = timestamp;
        Position = index + 1;
        return true;
    }

    public bool Retrieve(Mat destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Current < 0) throw new InvalidOperationException("Grab a frame before retrieving it.");
        return RetrieveCurrent(destination);
    }

    public void Seek(long frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frame == Position) return;
        if (frame == Current && !_pending)
        {
            // Giving back the frame in hand (a decoder that finds it belongs to the next range): not a re-read.
            _pending = true;
            Position = Current;
            return;
        }
        if (frame < Position)
            throw new SourceNotSeekableException(Path, $"'{Path}' is a forward-only source at frame {Position}: it cannot go back to frame {frame}.");
        while (Position < frame)
        {
            if (!Grab()) throw new InvalidDataException($"'{Path}' ended at frame {Position} while skipping to frame {frame}.");
            if (Current >= frame)
            {
                // Lost frames carried the stream past the target: the frame in hand is the next to hand out.
                _pending = true;
                Position = Current;
                return;
            }
        }
    }

    /// <summary>Frees the stream's resources (called once, by <see cref="Dispose()"/>).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
