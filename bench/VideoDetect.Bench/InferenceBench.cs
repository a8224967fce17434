using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Video;

/// <summary>
/// Figure 3: inference only — the model's own ONNX Runtime session run over pre-made input tensors
/// (real frames, preprocessed once), at each batch size; nothing else is timed. Beside it, for
/// information: Detector.Run on the same tensors (adds decode and NMS), and the engine end to end
/// without PowerShell (FrameBatcher + Detector.Run) with its managed allocations per frame.
/// </summary>
internal static class InferenceBench
{
    public static Dictionary<int, double> Run(Setup setup, Results results)
    {
        var model = setup.Model;
        var pre = model.Preprocessing;
        int maxBatch = setup.Batches.Max();
        using var first = FirstBatch(setup, maxBatch);
        int frameLength = pre.FrameLength;
        var inferenceOnly = new Dictionary<int, double>();
        var session = model.Session;
        var inputNames = new[] { model.InputName };
        var outputNames = model.Signature.Outputs.Select(o => o.Name).ToArray();
        using var runOptions = new RunOptions();
        int frames = setup.InferenceFrames;
        foreach (int b in setup.Batches)
        {
            if (!model.DynamicBatch && b != model.FixedBatch) { results.Note($"inference: batch {b} skipped, the model takes only batch {model.FixedBatch}."); continue; }
            var tensor = first.Tensor.AsMemory(0, b * frameLength);
            var shape = first.Shape.Select(d => (long)d).ToArray();
            shape[0] = b;
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tensor, shape);
            var inputs = new[] { input };
            int runs = Math.Max(1, frames / b);
            void RunAll()
            {
                for (int r = 0; r < runs; r++)
                {
                    using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
                }
            }
            RunAll(); // warm-up (ONNX Runtime plans each new shape on its first run)
            double ms = Measure.MedianMs(RunAll, setup.Repeats);
            double fps = runs * b / (ms / 1000);
            inferenceOnly[b] = fps;
            results.Add(new Figure { Section = "3 inference only", Name = $"session.Run, batch {b}", Value = fps, Unit = "frames/s", Note = "pre-made tensors" });
        }
        if (inferenceOnly.Count == 0) return inferenceOnly;
        int fastest = inferenceOnly.MaxBy(kv => kv.Value).Key;
        double best = inferenceOnly[fastest];
        results.Note($"fastest inference-only batch: {fastest} ({best:F1} frames/s); the end-to-end target is set against it.");

        // Detector.Run on the same pre-made tensors (its run chunking, decode and NMS added).
        var options = new DetectionOptions { Confidence = 0.3f };
        foreach (int b in setup.Batches.Where(inferenceOnly.ContainsKey))
        {
            var copy = new float[b * frameLength];
            first.Tensor.AsSpan(0, copy.Length).CopyTo(copy);
            using var batch = new FrameBatch(first.Path, 0, first.Frames.Take(b).ToArray(), pre, copy, new TensorPool());
            int runs = Math.Max(1, frames / b);
            void RunAll() { for (int r = 0; r < runs; r++) Detector.Run(model, batch, options); }
            RunAll();
            double ms = Measure.MedianMs(RunAll, setup.Repeats);
            results.Add(new Figure
            {
                Section = "3 inference only", Name = $"Detector.Run (decode + NMS), batch {b}", Value = runs * b / (ms / 1000), Unit = "frames/s",
                Baseline = $"session.Run batch {b}", BaselineValue = inferenceOnly[b],
            });
        }

        // The engine without PowerShell: decode + preprocess + Detector.Run, with managed allocations per frame.
        var clips = ClipPlanner.Plan(setup.Probed, new ClipOptions { Length = VideoPosition.FromFrames(64), End = VideoPosition.FromFrames(setup.PipelineFrames) }).ToList();
        foreach (int b in setup.Batches.Where(inferenceOnly.ContainsKey))
        {
            long framesOut = 0;
            void Pipeline()
            {
                framesOut = 0;
                using var batcher = new FrameBatcher(new BatchOptions { BatchSize = b, Preprocess = pre, Model = model });
                foreach (var c in clips) batcher.Add(c);
                batcher.Complete();
                while (batcher.Read() is { } e)
                {
                    if (e is BatchReady r) { framesOut += Detector.Run(model, r.Batch, options).Length; r.Batch.Dispose(); }
                }
            }
            Pipeline();
            long before = GC.GetTotalAllocatedBytes(true);
            double ms = Measure.MedianMs(Pipeline, setup.Repeats);
            double perFrame = (GC.GetTotalAllocatedBytes(true) - before) / (double)(framesOut * setup.Repeats);
            results.Add(new Figure
            {
                Section = "4 end-to-end (engine, no pwsh)", Name = $"FrameBatcher + Detector.Run, batch {b}", Value = framesOut / (ms / 1000), Unit = "frames/s",
                Baseline = $"inference-only batch {fastest}", BaselineValue = best, Note = "information: the module's engine without PowerShell",
            });
            results.Add(new Figure { Section = "6 memory", Name = $"managed allocation per frame (engine), batch {b}", Value = perFrame, Unit = "B/frame", Note = "GC.GetTotalAllocatedBytes over the whole process (batcher worker included)" });
        }
        return inferenceOnly;
    }

    /// <summary>The first <paramref name="n"/> frames of the video, preprocessed for the model, as one batch.</summary>
    private static FrameBatch FirstBatch(Setup setup, int n)
    {
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = n, Preprocess = setup.Model.Preprocessing, Model = setup.Model, Pool = new TensorPool() });
        foreach (var c in ClipPlanner.Plan(setup.Probed, new ClipOptions { Length = VideoPosition.FromFrames(n), End = VideoPosition.FromFrames(n) })) batcher.Add(c);
        batcher.Complete();
        FrameBatch? batch = null;
        while (batcher.Read() is { } e) if (e is BatchReady r) batch ??= r.Batch;
        return batch ?? throw new InvalidOperationException("The video gave no frames.");
    }
}

/// <summary>What every suite shares: fixtures, the model, the batch sizes, the repeat count.</summary>
internal sealed class Setup
{
    public required string Shared { get; init; }
    public required string Output { get; init; }
    public required string Vtest { get; init; }
    public required string ModelPath { get; init; }
    public required ExecutionProvider Provider { get; init; }
    public required DetectionModel Model { get; init; }
    public required ProbedVideo Probed { get; init; }
    public required int[] Batches { get; init; }
    public int Repeats { get; init; } = 3;
    /// <summary>Frames per inference-only measurement (cycled over the pre-made tensors).</summary>
    public int InferenceFrames { get; init; } = 192;
    /// <summary>Frames the end-to-end pipelines run (the first of vtest.avi).</summary>
    public int PipelineFrames { get; init; } = 320;
}

internal static class Measure
{
    public static double MedianMs(Action action, int runs)
    {
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
