using OpenCvSharp;
using VideoDetect.Video;

namespace VideoDetect.Tests.Video;

/// <summary>
/// A test double of a live stream: a forward-only <see cref="IFrameSource"/> that yields the frames
/// <paramref name="indices"/> (a gap is frames the stream lost) with the stream's own timestamps
/// (<see cref="TimeOf"/>, unrelated to any frame rate), each painted with its index (<see cref="SyntheticVideo"/>).
/// </summary>
internal sealed class MemoryFrameSource(string path, IReadOnlyList<long> indices) : ForwardOnlyFrameSource(path)
{
    private int _next;
    private long _current = -1;

    /// <summary>The stream's timestamp of frame <paramref name="index"/>: a wall clock starting at 1 h, 37 ms apart.</summary>
    public static TimeSpan TimeOf(long index) => TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(37 * index);

    public bool Disposed { get; private set; }

    /// <summary>How many frames were converted to pixels.</summary>
    public int Retrieved { get; private set; }

    protected override bool GrabNext(long next, out long index, out TimeSpan timestamp)
    {
        index = -1;
        timestamp = default;
        if (_next >= indices.Count) return false;
        _current = index = indices[_next++];
        timestamp = TimeOf(index);
        return true;
    }

    protected override bool RetrieveCurrent(Mat destination)
    {
        destination.Create(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
        SyntheticVideo.Draw(destination, (int)_current);
        Retrieved++;
        return true;
    }

    protected override void Dispose(bool disposing) => Disposed = true;
}
