using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>Where one frame of a batch came from, and how to map model coordinates back to it.</summary>
public sealed class FrameRef
{
    public string Path { get; set; } = "";

    /// <summary>Index of the clip (within its video) the frame was taken for.</summary>
    public int ClipIndex { get; set; }

    /// <summary>The frame's index in the source video (never shifted by sampling or decode errors).</summary>
    public long FrameIndex { get; set; }

    /// <summary>The decoder's presentation timestamp.</summary>
    public TimeSpan Timestamp { get; set; }

    /// <summary>The time of day of the source's time 0 (<see cref="VideoClip.RecordingStart"/>); null when unknown.</summary>
    public DateTimeOffset? RecordingStart { get; set; }

    /// <summary>
    /// A live stream dropped just before this frame for this long (the first frame batched of a clip
    /// with <see cref="VideoClip.GapBefore"/>); Invoke-FrameDetection puts it in the frame's
    /// <see cref="Inference.FrameDetections.GapBeforeExtra"/> so trackers never bridge the gap. Null: no gap.
    /// </summary>
    public TimeSpan? GapBefore { get; set; }

    public int SourceWidth { get; set; }

    public int SourceHeight { get; set; }

    /// <summary>Source pixels → model input: <c>model = source × Scale + Pad</c>.</summary>
    public FrameTransform Transform { get; set; }

    /// <summary>
    /// Frames that follow this one and were not put in a batch (ConvertTo-FrameBatch -SkipStatic: too
    /// little changed since this frame), in frame order, up to the next frame of a batch or the end of
    /// the clip. Invoke-FrameDetection emits a FrameDetections for each, with this frame's detections,
    /// marked held. Empty without -SkipStatic.
    /// </summary>
    public IReadOnlyList<HeldFrame> HeldFrames => _held ?? (IReadOnlyList<HeldFrame>)Array.Empty<HeldFrame>();

    private List<HeldFrame>? _held;

    /// <summary>Records a held frame after this one (the batcher's assembler does, before the batch is built).</summary>
    internal void AddHeld(HeldFrame held) => (_held ??= new List<HeldFrame>()).Add(held);

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}#{FrameIndex}";
}

/// <summary>A frame the motion gate kept out of the batch: its index in the source and the decoder's timestamp.</summary>
public sealed record HeldFrame(long FrameIndex, TimeSpan Timestamp);

/// <summary>
/// Up to N preprocessed frames of one video, ready for a detector: a float tensor of
/// <see cref="Shape"/> ([N,3,H,W] or [N,H,W,3]) and, per frame, a <see cref="FrameRef"/>.
/// <para>
/// Ownership: the batch owns its tensor buffer, rented from <see cref="TensorPool"/>. Whoever consumes
/// the batch last disposes it, which returns the buffer; after that <see cref="Tensor"/> throws. A batch
/// nobody disposes keeps its buffer until the garbage collector takes both. No native memory is held.
/// </para>
/// </summary>
public sealed class FrameBatch : IDisposable
{
    private readonly TensorPool _pool;
    private float[]? _tensor;

    public FrameBatch(string path, int batchIndex, IReadOnlyList<FrameRef> frames, PreprocessOptions preprocess, float[] tensor, TensorPool pool)
    {
        if (frames.Count == 0) throw new ArgumentException("A batch holds at least one frame.", nameof(frames));
        if (tensor.Length != frames.Count * preprocess.FrameLength) throw new ArgumentException("The tensor does not match the frame count and size.", nameof(tensor));
        Path = path;
        BatchIndex = batchIndex;
        Frames = frames;
        Preprocess = preprocess;
        _tensor = tensor;
        _pool = pool;
        Shape = preprocess.Layout == TensorLayout.NCHW
            ? new[] { frames.Count, 3, preprocess.Height, preprocess.Width }
            : new[] { frames.Count, preprocess.Height, preprocess.Width, 3 };
    }

    /// <summary>The source video (a batch never spans two videos).</summary>
    public string Path { get; }

    /// <summary>0-based position of this batch among the batches of its video.</summary>
    public int BatchIndex { get; }

    /// <summary>Number of frames (the last batch of a video may be short).</summary>
    public int Count => Frames.Count;

    /// <summary>Tensor shape: [Count, 3, H, W] (NCHW) or [Count, H, W, 3] (NHWC).</summary>
    public int[] Shape { get; }

    /// <summary>Per frame, in tensor order.</summary>
    public IReadOnlyList<FrameRef> Frames { get; }

    /// <summary>How the tensor was prepared.</summary>
    public PreprocessOptions Preprocess { get; }

    /// <summary>Every k-th frame of the source was sampled (ConvertTo-FrameBatch -FrameStride); 1: every frame.</summary>
    public int FrameStride { get; init; } = 1;

    /// <summary>The motion gate the frames went through (ConvertTo-FrameBatch -SkipStatic); null: every frame was batched.</summary>
    public MotionGateOptions? SkipStatic { get; init; }

    public bool IsDisposed => _tensor is null;

    /// <summary>The tensor data, row-major in <see cref="Shape"/>. Throws once the batch is disposed.</summary>
    public float[] Tensor => _tensor ?? throw new ObjectDisposedException(nameof(FrameBatch), "This batch was disposed and its tensor returned to the pool.");

    /// <summary>The floats of frame <paramref name="i"/>.</summary>
    public Memory<float> FrameTensor(int i) => Tensor.AsMemory(i * Preprocess.FrameLength, Preprocess.FrameLength);

    /// <summary>Returns the tensor buffer to the pool. Idempotent.</summary>
    public void Dispose()
    {
        var tensor = Interlocked.Exchange(ref _tensor, null);
        if (tensor is not null) _pool.Return(tensor);
    }

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} batch {BatchIndex}: frames {Frames[0].FrameIndex}..{Frames[^1].FrameIndex} [{string.Join("x", Shape)}]";
}
