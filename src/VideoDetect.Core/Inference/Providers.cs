using Microsoft.ML.OnnxRuntime;

namespace VideoDetect.Inference;

/// <summary>Builds session options for a provider, with Auto's fallback to the CPU.</summary>
internal static class Providers
{
    public static (SessionOptions Options, ExecutionProvider Provider, string? FallbackReason) Create(ExecutionProvider wanted, int deviceId)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (wanted == ExecutionProvider.Cpu) return (options, ExecutionProvider.Cpu, null);
        try
        {
            CudaLibraries.EnsureLoaded();
            options.AppendExecutionProvider_CUDA(deviceId);
            return (options, ExecutionProvider.Cuda, null);
        }
        catch (OnnxRuntimeException e)
        {
            string reason = $"the CUDA provider could not load ({e.Message.Trim()}); ONNX Runtime GPU 1.31 needs CUDA 13 (libcudart.so.13, libcublas*.so.13) and cuDNN 9 on the library path";
            options.Dispose();
            if (wanted == ExecutionProvider.Cuda) throw new ModelException("ProviderUnavailable", "CUDA was asked for but " + reason + ".", e);
            return (new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL }, ExecutionProvider.Cpu, reason);
        }
    }
}
