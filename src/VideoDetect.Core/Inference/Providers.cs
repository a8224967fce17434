using Microsoft.ML.OnnxRuntime;

namespace VideoDetect.Inference;

/// <summary>Builds session options for a provider, with Auto's fallback to the CPU.</summary>
internal static class Providers
{
    // Whether the CUDA provider can load is asked of ONNX Runtime once per process (per device): a
    // failed load costs a second of dlopen attempts, and the answer cannot change while the process
    // lives (the library path is fixed at start). Every later request reuses the first answer.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<string?>> CudaFailure = new();

    public static (SessionOptions Options, ExecutionProvider Provider, string? FallbackReason) Create(ExecutionProvider wanted, int deviceId)
    {
        if (wanted != ExecutionProvider.Cpu)
        {
            string? failure = CudaFailure.GetOrAdd(deviceId, id => new Lazy<string?>(() => ProbeCuda(id))).Value;
            if (failure is null)
            {
                var cuda = NewOptions();
                AppendCuda(cuda, deviceId);
                return (cuda, ExecutionProvider.Cuda, null);
            }
            if (wanted == ExecutionProvider.Cuda) throw new ModelException(VideoDetect.Errors.ErrorIds.ProviderUnavailable, "CUDA was asked for but " + failure + ".");
            return (NewOptions(), ExecutionProvider.Cpu, failure);
        }
        return (NewOptions(), ExecutionProvider.Cpu, null);
    }

    /// <summary>
    /// Session options. ONNX Runtime's intra-op threads stay at its default (one per physical core), but
    /// do not spin-wait between parallel sections: the module always decodes and preprocesses (and may
    /// encode) beside inference, and on a small machine spinning threads take the cores those workers
    /// need. For experiments, <c>VIDEODETECT_ORT_THREADS</c> sets the thread count and
    /// <c>VIDEODETECT_ORT_SPIN=1</c> turns spinning back on.
    /// </summary>
    private static SessionOptions NewOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (Environment.GetEnvironmentVariable("VIDEODETECT_ORT_THREADS") is { Length: > 0 } threads
            && int.TryParse(threads, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 0)
        {
            options.IntraOpNumThreads = n;
        }
        string spin = Environment.GetEnvironmentVariable("VIDEODETECT_ORT_SPIN") == "1" ? "1" : "0";
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", spin);
        return options;
    }

    /// <summary>
    /// Appends the CUDA provider with cuDNN's convolution algorithm chosen by heuristics, not by
    /// ONNX Runtime's default exhaustive benchmark: under EXHAUSTIVE every change of input shape (the
    /// last, partial batch of a video; another -BatchSize) runs the search again (figures in bench/README.md).
    /// <c>VIDEODETECT_CUDNN_CONV_ALGO_SEARCH</c> (EXHAUSTIVE, HEURISTIC, DEFAULT) overrides it. Should
    /// ONNX Runtime refuse the option, the provider is appended with its defaults.
    /// </summary>
    private static void AppendCuda(SessionOptions options, int deviceId)
    {
        string search = Environment.GetEnvironmentVariable("VIDEODETECT_CUDNN_CONV_ALGO_SEARCH") is { Length: > 0 } s ? s.ToUpperInvariant() : "HEURISTIC";
        try
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["cudnn_conv_algo_search"] = search,
            });
            options.AppendExecutionProvider_CUDA(cuda);
        }
        catch (OnnxRuntimeException)
        {
            options.AppendExecutionProvider_CUDA(deviceId);
        }
    }

    /// <summary>Null when the CUDA provider loads for <paramref name="deviceId"/>, else why not.</summary>
    private static string? ProbeCuda(int deviceId)
    {
        using var probe = NewOptions();
        try
        {
            CudaLibraries.EnsureLoaded();
            probe.AppendExecutionProvider_CUDA(deviceId);
            return null;
        }
        catch (OnnxRuntimeException e)
        {
            return $"the CUDA provider could not load ({e.Message.Trim()}); ONNX Runtime GPU 1.31 needs CUDA 13 (libcudart.so.13, libcublas*.so.13) and cuDNN 9 on the library path";
        }
    }
}
