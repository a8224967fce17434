using System.Collections.Concurrent;

namespace VideoDetect.Batching;

/// <summary>
/// Reuses batch tensor buffers of exact sizes. Ownership: <see cref="FrameBatch"/> rents its buffer
/// here when it is built and returns it from <see cref="FrameBatch.Dispose"/> — which the consumer of a
/// batch (Invoke-FrameDetection, or a script that is done with it) calls. A batch that is never
/// disposed (say, kept in a variable) keeps its buffer; the garbage collector reclaims it with the
/// batch, and the pool simply allocates another. At most <see cref="MaxRetainedPerSize"/> idle
/// buffers per size are kept, so the pool never holds more than a few batches' worth of memory.
/// </summary>
public sealed class TensorPool
{
    public const int MaxRetainedPerSize = 4;
    private readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> _idle = new();

    public static TensorPool Shared { get; } = new();

    /// <summary>Buffers handed out that were freshly allocated (for tests and benchmarks).</summary>
    public long Allocations => Interlocked.Read(ref _allocations);

    private long _allocations;

    /// <summary>A buffer of exactly <paramref name="length"/> floats; its contents are undefined.</summary>
    public float[] Rent(int length)
    {
        if (_idle.TryGetValue(length, out var bag) && bag.TryTake(out var buffer)) return buffer;
        Interlocked.Increment(ref _allocations);
        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Gives a buffer back. The caller must not touch it afterwards.</summary>
    public void Return(float[] buffer)
    {
        var bag = _idle.GetOrAdd(buffer.Length, _ => new ConcurrentBag<float[]>());
        if (bag.Count < MaxRetainedPerSize) bag.Add(buffer);
    }
}
