using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

public class SessionLifetimeTests
{
    private static string Model => Path.Combine(Fixtures.SharedDirectory ?? "", "models", "yolox_nano.onnx");

    /// <summary>
    /// Loading a model runs it (the batch-rewrite check) while another thread forces collections and
    /// finalisers. Native values handed to ONNX Runtime must stay alive for the whole native call: an
    /// inline <c>new RunOptions()</c> was finalised mid-run and crashed the process (use-after-free).
    /// A regression here shows as a crashed test host, not a failed assertion.
    /// </summary>
    [ModelsFact]
    public void Loading_and_removing_models_survives_collections_during_native_runs()
    {
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        try
        {
            for (int i = 0; i < 8; i++)
            {
                var labels = Enumerable.Range(0, 80).Select(c => $"lifetime{i}-{c}").ToArray();
                var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu, Labels = labels });
                Assert.True(model.DynamicBatch);
                Assert.Equal(labels[79], model.Labels[79]);
                Assert.True(ModelCache.Remove(model));
                Assert.True(model.IsRemoved);
            }
        }
        finally
        {
            stop.Cancel();
            collector.Wait();
        }
    }
}
