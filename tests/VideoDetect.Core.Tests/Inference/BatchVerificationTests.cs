using Microsoft.ML.OnnxRuntime;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>
/// The batch rewrite is verified on the CPU whatever the provider: on CUDA, batch shapes differ by
/// cuDNN's algorithm choice and TF32 rounding (an H200 rejected yolox_nano's correct rewrite when the
/// check ran there). These tests run the non-CPU branch with CPU session options, which is all a
/// machine without a GPU can do: the CPU sessions check the rewrite, the provider's session must run a batch.
/// </summary>
public class BatchVerificationTests
{
    [ModelsFact]
    public void A_model_loads_when_something_else_created_ONNX_Runtime_s_environment_first()
    {
        // ONNX Runtime refuses a second environment with options; the module must use the one it finds
        // (it failed every load in this process before, when another test had made a session first).
        _ = OrtEnv.Instance();
        var model = ModelCache.Load(Path.Combine(Fixtures.SharedDirectory ?? "", "models", "FastestDet.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu });
        Assert.Equal("FastestDet", model.Family);
    }

    [ModelsTheory]
    [InlineData("yolox_nano.onnx")]
    [InlineData("nanodet_m_416.onnx")]
    [InlineData("FastestDet.onnx")]
    [InlineData("version-RFB-320.onnx")]
    public void For_another_provider_the_rewrite_is_verified_on_the_CPU_and_the_provider_session_runs_a_batch(string name)
    {
        string path = Path.Combine(Fixtures.SharedDirectory ?? "", "models", name);
        using var options = new SessionOptions();
        using var original = new InferenceSession(path, options);
        var signature = new VideoDetect.Inference.Families.ModelSignature(
            original.InputMetadata.First().Key, original.InputMetadata.First().Value.Dimensions.ToArray(),
            original.OutputMetadata.Select(kv => (kv.Key, (IReadOnlyList<int>)kv.Value.Dimensions.ToArray())).ToList(),
            original.ModelMetadata.CustomMetadataMap);
        var (session, note) = BatchVerification.TryBatched(path, original, options, signature, ExecutionProvider.Cuda);
        using (session)
        {
            Assert.NotNull(session);
            Assert.Contains("verified on the CPU", note);
            Assert.Matches(@"largest difference (0|\d\.\de-\d+), relative", note);
            Assert.True(session!.InputMetadata.First().Value.Dimensions[0] <= 0, "the verified session takes any batch");
        }
    }
}
