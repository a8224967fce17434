using Microsoft.ML.OnnxRuntime;
using VideoDetect.Batching;
using VideoDetect.Inference.Decoders;

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
/// <see cref="ModelCache.Load"/> and shared process-wide; the cache owns the session and disposes it
/// on <see cref="ModelCache.Remove"/>. Runs are thread-safe (ONNX Runtime sessions are).
/// </summary>
public sealed class DetectionModel : IDisposable
{
    internal DetectionModel(string path, InferenceSession session, IDetectionDecoder decoder, ModelSignature signature,
        IReadOnlyList<string> labels, ExecutionProvider provider, int deviceId, string? fallbackReason)
    {
        Path = path;
        Session = session;
        Decoder = decoder;
        Signature = signature;
        Labels = labels;
        Provider = provider;
        DeviceId = deviceId;
        FallbackReason = fallbackReason;
        Preprocessing = decoder.Preprocessing(signature);
    }

    public string Path { get; }
    public string Family => Decoder.Family;
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

    /// <summary>The batch the session must be fed, or 0 when any batch goes.</summary>
    public int FixedBatch => DynamicBatch ? 0 : Math.Max(1, Signature.InputShape[0]);

    /// <summary>
    /// Frames per session run: a model that takes any batch runs the whole batch at once, on the CPU as
    /// on CUDA (bench `chunk`, yolox_nano at batch 8 on 2 cores: 59 frames/s whole against 43 frame by
    /// frame, the engine end to end 51 against 42); a fixed-batch model runs its batch. 0 means the whole batch.
    /// </summary>
    public int RunChunk => FixedBatch > 0 ? FixedBatch : 0;

    internal InferenceSession Session { get; }
    internal IDetectionDecoder Decoder { get; }
    public ModelSignature Signature { get; }

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} ({Family}, {InputWidth}x{InputHeight}, {Provider})";

    /// <summary>True once Remove-DetectionModel (or Dispose) freed the session; the model cannot run any more.</summary>
    public bool IsRemoved { get; private set; }

    /// <summary>The options the session was built from; owned by the model, released after the session.</summary>
    internal SessionOptions? Options { get; init; }

    public void Dispose()
    {
        IsRemoved = true;
        Session.Dispose();
        Options?.Dispose();
    }
}
