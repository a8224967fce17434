using Microsoft.ML.OnnxRuntime;
using VideoDetect.Batching;
using VideoDetect.Inference.Families;

namespace VideoDetect.Inference;

/// <summary>Which ONNX Runtime execution provider to use.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when it loads, else the CPU (with one warning naming the reason).</summary>
    Auto,
    Cuda,
    Cpu,
}

/// <summary>How to load a model.</summary>
public sealed record ModelOptions
{
    public string? Family { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;
    public int DeviceId { get; init; }
}

/// <summary>
/// A loaded detector: the cached ONNX Runtime session plus what the module learned about it (family,
/// input, preprocessing, class names, the provider actually in use). Created by
/// <see cref="ModelCache.Load"/> and shared process-wide. Ownership: the cache owns the session;
/// nothing outside Inference can dispose it. Runs are thread-safe (ONNX Runtime sessions are): each
/// holds a <see cref="RunLease"/>, and <see cref="ModelCache.Remove"/> only marks the model removed —
/// the session is released when the last lease ends, and no lease is granted after that.
/// </summary>
public sealed class DetectionModel
{
    // Bit 0: removed. The rest: twice the number of runs holding a lease.
    private int _state;
    private int _released;

    internal DetectionModel(string path, InferenceSession session, IModelFamily family, ModelSignature signature,
        IReadOnlyList<string> labels, ExecutionProvider provider, int deviceId, string? fallbackReason)
    {
        Path = path;
        Session = session;
        ModelFamily = family;
        Signature = signature;
        Labels = labels;
        Provider = provider;
        DeviceId = deviceId;
        FallbackReason = fallbackReason;
        Preprocessing = family.Preprocessing(signature);
    }

    public string Path { get; }
    public string Family => ModelFamily.Family;
    public string InputName => Signature.InputName;
    public int InputWidth => Preprocessing.Width;
    public int InputHeight => Preprocessing.Height;
    public TensorLayout Layout => Preprocessing.Layout;

    /// <summary>The preprocessing the model expects; ConvertTo-FrameBatch -Model uses it.</summary>
    public PreprocessOptions Preprocessing { get; }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>The provider in use (never Auto).</summary>
    public ExecutionProvider Provider { get; }

    public int DeviceId { get; }

    /// <summary>Why Auto fell back to the CPU, or null.</summary>
    public string? FallbackReason { get; }

    /// <summary>True when the fallback deserves a warning (a GPU is there but CUDA could not load); otherwise it is expected and reported as Verbose.</summary>
    public bool FallbackWarns => FallbackReason is not null && Providers.FallbackWarns(DeviceId);

    /// <summary>True when the session takes any batch (natively, or after a verified rewrite).</summary>
    public bool DynamicBatch { get; init; }

    /// <summary>What happened to the model's fixed batch (rewritten and verified, or why it runs frame by frame); null for a natively dynamic model.</summary>
    public string? BatchNote { get; init; }

    /// <summary>
    /// Why the model runs one frame per session run (variable-N outputs, no batch dimension, NMS
    /// indices over the batch), or null. Such a model is never batch-rewritten.
    /// </summary>
    public string? FrameByFrameReason => ModelFamily.FrameByFrameReason(Signature);

    /// <summary>True when the model did non-maximum suppression itself: -IouThreshold and -ClassAgnostic do not apply.</summary>
    public bool AppliesNms => ModelFamily.AppliesNms;

    /// <summary>The batch the session must be fed, or 0 when any batch goes.</summary>
    public int FixedBatch => FrameByFrameReason is not null ? 1 : DynamicBatch ? 0 : Math.Max(1, Signature.InputShape[0]);

    /// <summary>
    /// Frames per session run: a model that takes any batch runs the whole batch at once, on the CPU as
    /// on CUDA (faster than frame by frame: bench/README.md, "chunk"); a fixed-batch model runs its
    /// batch. 0 means the whole batch.
    /// </summary>
    public int RunChunk => FixedBatch > 0 ? FixedBatch : 0;

    internal InferenceSession Session { get; }
    internal IModelFamily ModelFamily { get; }
    public ModelSignature Signature { get; }

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} ({Family}, {InputWidth}x{InputHeight}, {Provider})";

    /// <summary>True once Remove-DetectionModel removed the model; it cannot run any more.</summary>
    public bool IsRemoved => (Volatile.Read(ref _state) & 1) != 0;

    /// <summary>True once the session was released (removed, and no run holds it any more).</summary>
    internal bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>The options the session was built from; owned by the model, released after the session.</summary>
    internal SessionOptions? Options { get; init; }

    /// <summary>A lease on the session for one run, or null when the model was removed.</summary>
    internal RunLease? TryLease()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if ((state & 1) != 0) return null;
            if (Interlocked.CompareExchange(ref _state, state + 2, state) == state) return new RunLease(this);
        }
    }

    /// <summary>Marks the model removed; the session goes now, or when the last run holding it ends.</summary>
    internal void MarkRemoved()
    {
        if (Interlocked.Or(ref _state, 1) == 0) Release();
    }

    private void EndRun()
    {
        if (Interlocked.Add(ref _state, -2) == 1) Release();
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        Session.Dispose();
        Options?.Dispose();
    }

    /// <summary>Holds the session alive for one run; dispose it when the run is over (once).</summary>
    internal sealed class RunLease : IDisposable
    {
        private DetectionModel? _model;

        public RunLease(DetectionModel model) => _model = model;

        public InferenceSession Session => (_model ?? throw new ObjectDisposedException(nameof(RunLease))).Session;

        public void Dispose() => Interlocked.Exchange(ref _model, null)?.EndRun();
    }
}
