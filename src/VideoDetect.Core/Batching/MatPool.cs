using System.Collections.Concurrent;
using OpenCvSharp;

namespace VideoDetect.Batching;

/// <summary>
/// Decoded-frame Mats for reuse, so a video's frames do not allocate (and page-fault) a fresh native
/// buffer each. Ownership: a rented Mat belongs to the renter until it is returned; whoever holds it
/// last returns it (or disposes it). The pool owns, and <see cref="Dispose"/> frees, the Mats it
/// holds; Mats returned after that are disposed. Thread-safe: decode workers rent, the batch builder
/// returns. The number of Mats is bounded by the frames in flight, not by the video's length.
/// </summary>
internal sealed class MatPool : IDisposable
{
    private readonly ConcurrentBag<Mat> _free = new();
    private volatile bool _disposed;

    public Mat Rent() => _free.TryTake(out var mat) ? mat : new Mat();

    public void Return(Mat mat)
    {
        if (_disposed) { mat.Dispose(); return; }
        _free.Add(mat);
        if (_disposed && _free.TryTake(out var late)) late.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        while (_free.TryTake(out var mat)) mat.Dispose();
    }
}
