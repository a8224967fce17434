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
                cuda.AppendExecutionProvider_CUDA(deviceId);
                return (cuda, ExecutionProvider.Cuda, null);
            }
            if (wanted == ExecutionProvider.Cuda) throw new ModelException("ProviderUnavailable", "CUDA was asked for but " + failure + ".");
            return (NewOptions(), ExecutionProvider.Cpu, failure);
        }
        return (NewOptions(), ExecutionProvider.Cpu, null);
    }

    private static SessionOptions NewOptions() => new() { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };

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
