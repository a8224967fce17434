using System.Collections.Concurrent;

namespace VideoDetect.Batching;

/// <summary>
/// The decode work of one <see cref="FrameBatcher"/>, over all its workers (thread-safe): the frames
/// its captures grabbed and the frame each real seek went to. What a seek itself decodes happens
/// inside OpenCV (from the key frame before target − 16), so it is not counted here;
/// <see cref="KeyFrames.SeekCost"/> of each target gives it. For tests and benchmarks: total decode
/// work against one sequential pass.
/// </summary>
internal sealed class DecodeTally
{
    private long _grabbed;
    private readonly ConcurrentQueue<(string Path, long Frame)> _seeks = new();

    /// <summary>Frames grabbed (decoded) by the captures, without those decoded inside seeks.</summary>
    public long FramesGrabbed => Interlocked.Read(ref _grabbed);

    /// <summary>Where each real seek (not a forward decode) went, in no particular order.</summary>
    public IReadOnlyCollection<(string Path, long Frame)> Seeks => _seeks;

    public void Grabbed(long frames) => Interlocked.Add(ref _grabbed, frames);

    public void Sought(string path, long frame) => _seeks.Enqueue((path, frame));
}
