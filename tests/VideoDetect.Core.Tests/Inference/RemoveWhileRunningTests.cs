using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Inference;

/// <summary>
/// The cache owns each session; Remove-DetectionModel in one runspace while another runs the model
/// must let that run finish, refuse new runs with ModelRemoved, and release the session after the last run.
/// </summary>
public class RemoveWhileRunningTests
{
    private static string Model => Path.Combine(Fixtures.SharedDirectory ?? "", "models", "yolox_nano.onnx");

    /// <summary>A private cache entry (the labels are part of the key), so removing it disturbs no other test.</summary>
    private static DetectionModel Load(string tag) => ModelCache.Load(Model, new ModelOptions
    {
        Provider = ExecutionProvider.Cpu,
        Labels = Enumerable.Range(0, 80).Select(c => $"{tag}-{c}").ToArray(),
    });

    private static FrameBatch Batch(DetectionModel model, int frames)
    {
        var pre = model.Preprocessing;
        var refs = Enumerable.Range(0, frames).Select(i => new FrameRef
        {
            Path = "synthetic", FrameIndex = i, SourceWidth = pre.Width, SourceHeight = pre.Height,
            Transform = FrameTransform.For(pre.Width, pre.Height, pre, out _, out _),
        }).ToArray();
        var tensor = new float[frames * pre.FrameLength];
        for (int i = 0; i < tensor.Length; i++) tensor[i] = (i * 37 % 255);
        return new FrameBatch("synthetic", 0, refs, pre, tensor, new TensorPool());
    }

    [ModelsFact]
    public void A_run_in_progress_keeps_the_session_new_runs_get_ModelRemoved_and_the_last_run_releases_it()
    {
        var model = Load("remove-during-run");
        using var batch = Batch(model, 2);
        using var leased = new ManualResetEventSlim();
        using var removed = new ManualResetEventSlim();
        var run = Task.Run(() =>
        {
            using var lease = model.TryLease() ?? throw new InvalidOperationException("the model was removed before the run began");
            leased.Set();
            removed.Wait(TimeSpan.FromSeconds(30));
            return Detector.Run(lease, model, batch, new DetectionOptions(), null, CancellationToken.None);
        });
        Assert.True(leased.Wait(TimeSpan.FromSeconds(30)));

        Assert.True(ModelCache.Remove(model));
        Assert.True(model.IsRemoved);
        Assert.False(model.IsReleased, "the session must outlive the run that holds it");
        Assert.DoesNotContain(model, ModelCache.Loaded);
        var refused = Assert.Throws<ModelException>(() => Detector.Run(model, batch, new DetectionOptions()));
        Assert.Equal(ErrorIds.ModelRemoved, refused.ErrorId);

        removed.Set();
        var results = run.GetAwaiter().GetResult();
        Assert.Equal(2, results.Length);
        Assert.True(model.IsReleased, "the last run out releases the session");
        Assert.False(ModelCache.Remove(model));
    }

    [ModelsFact]
    public void Removing_while_another_thread_runs_in_a_loop_ends_it_with_ModelRemoved_only()
    {
        var model = Load("remove-during-loop");
        using var batch = Batch(model, 1);
        int completed = 0;
        using var first = new ManualResetEventSlim();
        var loop = Task.Run(() =>
        {
            while (true)
            {
                try
                {
                    Detector.Run(model, batch, new DetectionOptions());
                }
                catch (ModelException e) when (e.ErrorId == ErrorIds.ModelRemoved)
                {
                    return;
                }
                Interlocked.Increment(ref completed);
                first.Set();
            }
        });
        Assert.True(first.Wait(TimeSpan.FromSeconds(60)));
        Assert.True(ModelCache.Remove(model));
        Assert.True(loop.Wait(TimeSpan.FromSeconds(60)), "the loop ends with ModelRemoved"); // any other exception fails here
        Assert.True(completed >= 1);
        Assert.True(model.IsReleased);
    }

    [ModelsFact]
    public void A_cancelled_run_stops_with_OperationCanceledException()
    {
        var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu });
        using var batch = Batch(model, 1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Detector.Run(model, batch, new DetectionOptions(), cancel: cancelled.Token));
    }

    [ModelsFact]
    public void Cancelling_during_a_run_stops_it_with_OperationCanceledException()
    {
        var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu });
        using var batch = Batch(model, 32);
        using var cancel = new CancellationTokenSource();
        // 32 session runs of one frame each: far longer than the 50 ms after which Ctrl+C comes.
        cancel.CancelAfter(TimeSpan.FromMilliseconds(50));
        Assert.ThrowsAny<OperationCanceledException>(() => Detector.Run(model, batch, new DetectionOptions(), framesPerRun: 1, cancel: cancel.Token));
    }

    [ModelsFact]
    public void BatchFit_refuses_another_size_warns_on_other_preprocessing_and_passes_the_models_own()
    {
        var model = ModelCache.Load(Model, new ModelOptions { Provider = ExecutionProvider.Cpu });
        using var own = Batch(model, 1);
        Assert.Null(BatchFit.Check(model, own));

        var pre = model.Preprocessing with { Scale = 1f / 255 };
        using var otherScale = new FrameBatch("synthetic", 0, own.Frames, pre, new float[pre.FrameLength], new TensorPool());
        Assert.Contains("detections may be wrong", BatchFit.Check(model, otherScale));

        var small = model.Preprocessing with { Width = 64, Height = 64 };
        using var wrongSize = new FrameBatch("synthetic", 0, own.Frames, small, new float[small.FrameLength], new TensorPool());
        var e = Assert.Throws<BatchDoesNotFitModelException>(() => BatchFit.Check(model, wrongSize));
        Assert.Equal(ErrorIds.BatchDoesNotFitModel, e.ErrorId);
        Assert.Throws<BatchDoesNotFitModelException>(() => Detector.Run(model, wrongSize, new DetectionOptions()));
    }
}
