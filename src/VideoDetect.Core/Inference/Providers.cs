using Microsoft.ML.OnnxRuntime;

namespace VideoDetect.Inference;

/// <summary>Builds session options for a provider, with Auto's fallback to the CPU.</summary>
internal static class Providers
{
    // Whether the CUDA provider can load is asked of ONNX Runtime once per process (per device): a
    // failed load costs a second of dlopen attempts, and the answer cannot change while the process
    // lives (the library path is fixed at start). Every later request reuses the first answer.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<CudaCheck>> CudaChecks = new();

    public static (SessionOptions Options, ExecutionProvider Provider, string? FallbackReason) Create(ExecutionProvider wanted, int deviceId)
    {
        if (wanted != ExecutionProvider.Cpu)
        {
            string? failure = Check(deviceId).Failure;
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
    /// Whether Auto's fallback to the CPU on <paramref name="deviceId"/> deserves a warning (a GPU is
    /// there but CUDA could not load) rather than a Verbose line (no NVIDIA driver, or a build without
    /// the CUDA provider: the CPU is what one expects there).
    /// </summary>
    public static bool FallbackWarns(int deviceId) => Check(deviceId).Warns;

    private static CudaCheck Check(int deviceId) =>
        CudaChecks.GetOrAdd(deviceId, id => new Lazy<CudaCheck>(() => CheckCuda(BuildHasCuda(), NvidiaDriver.Present, () => ProbeCuda(id)))).Value;

    /// <summary>Why CUDA cannot be used (null: it can), and whether that deserves a warning.</summary>
    internal readonly record struct CudaCheck(string? Failure, bool Warns);

    /// <summary>
    /// The decision, in order of cost: a build without the CUDA provider (the CPU flavour) and a machine
    /// without an NVIDIA driver fall back quietly, without trying to load anything; only a machine with
    /// a driver runs <paramref name="probe"/>, and its failure (CUDA 13 / cuDNN 9 missing) warns.
    /// </summary>
    internal static CudaCheck CheckCuda(bool buildHasCuda, bool driverPresent, Func<string?> probe)
    {
        if (!buildHasCuda) return new("this build of ONNX Runtime has no CUDA provider (the module's CPU flavour)", false);
        if (!driverPresent) return new("there is no NVIDIA driver for CUDA (" + NvidiaDriver.Looked + ")", false);
        return probe() is { } failure ? new(failure, true) : new(null, false);
    }

    private static bool BuildHasCuda()
    {
        OrtRuntime.EnsureQuiet();
        return OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider", StringComparer.Ordinal);
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
