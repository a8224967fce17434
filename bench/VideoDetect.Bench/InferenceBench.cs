using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Video;

/// <summary>
/// Figure 3: inference only — the model's own ONNX Runtime session (the one the module uses) run over
/// pre-made input tensors (real frames, preprocessed once) at each batch size; nothing else is timed.
/// Program measures it in rounds interleaved with the pwsh pipeline runs, so both see the same load.
/// </summary>
internal sealed class InferenceBench : IDisposable
{
    private readonly Setup _setup;
    private readonly FrameBatch _first;
    private readonly Dictionary<int, OrtValue> _inputs = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    /// <summary>Pre-makes the input tensors (the first frames of the video, preprocessed) for every batch size and warms each shape up.</summary>
    public InferenceBench(Setup setup, Results results)
    {
        _setup = setup;
        var model = setup.Model;
        _first = FirstBatch(setup, setup.Batches.Max());
        _inputNames = new[] { model.InputName };
        _outputNames = model.Signature.Outputs.Select(o => o.Name).ToArray();
        foreach (int b in setup.Batches)
        {
            if (!model.DynamicBatch && b != model.FixedBatch) { results.Note($"inference: batch {b} skipped, the model takes only batch {model.FixedBatch}."); continue; }
            var shape = _first.Shape.Select(d => (long)d).ToArray();
            shape[0] = b;
            _inputs[b] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _first.Tensor.AsMemory(0, b * model.Preprocessing.FrameLength), shape);
            Measure(b); // warm-up: ONNX Runtime plans each new shape on its first run
        }
    }

    public IEnumerable<int> Batches => _inputs.Keys;

    /// <summary>Frames/s of the session alone at batch <paramref name="b"/>, over <see cref="Setup.InferenceFrames"/> frames.</summary>
    public double Measure(int b)
    {
        var inputs = new[] { _inputs[b] };
        int runs = Math.Max(1, _setup.InferenceFrames / b);
        var sw = Stopwatch.StartNew();
        for (int r = 0; r < runs; r++)
        {
            using var outputs = _setup.Model.Session.Run(_runOptions, _inputNames, inputs, _outputNames);
        }
        return runs * b / sw.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// At the fastest batch, for information: Detector.Run on the same pre-made tensors (its run
    /// chunking, decode and NMS added), and the engine end to end without PowerShell (FrameBatcher +
    /// Detector.Run) with its managed allocations per frame.
    /// </summary>
    public void Extras(Results results, int fastest, double best)
    {
        var model = _setup.Model;
        var pre = model.Preprocessing;
        var options = new DetectionOptions { Confidence = 0.3f };
        var copy = new float[fastest * pre.FrameLength];
        _first.Tensor.AsSpan(0, copy.Length).CopyTo(copy);
        using (var batch = new FrameBatch(_first.Path, 0, _first.Frames.Take(fastest).ToArray(), pre, copy, new TensorPool()))
        {
            int runs = Math.Max(1, _setup.InferenceFrames / fastest);
            void RunAll() { for (int r = 0; r < runs; r++) Detector.Run(model, batch, options); }
            RunAll();
            double ms = global::Measure.MedianMs(RunAll, _setup.Repeats);
            results.Add(new Figure
            {
                Section = "3 inference only", Name = $"Detector.Run (decode + NMS), batch {fastest}", Value = runs * fastest / (ms / 1000), Unit = "frames/s",
                Baseline = $"session.Run batch {fastest}", BaselineValue = best, Note = "information",
            });
        }

        var clips = ClipPlanner.Plan(_setup.Probed, new ClipOptions { Length = VideoPosition.FromFrames(64), End = VideoPosition.FromFrames(_setup.PipelineFrames) }).ToList();
        long framesOut = 0;
        void Pipeline()
        {
            framesOut = 0;
            using var batcher = new FrameBatcher(new BatchOptions { BatchSize = fastest, Preprocess = pre });
            foreach (var c in clips) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e)
            {
                if (e is BatchReady r) { framesOut += Detector.Run(model, r.Batch, options).Length; r.Batch.Dispose(); }
            }
        }
        Pipeline();
        long before = GC.GetTotalAllocatedBytes(true);
        double pipelineMs = global::Measure.MedianMs(Pipeline, _setup.Repeats);
        double perFrame = (GC.GetTotalAllocatedBytes(true) - before) / (double)(framesOut * _setup.Repeats);
        results.Add(new Figure
        {
            Section = "4 end-to-end (engine, no pwsh)", Name = $"FrameBatcher + Detector.Run, batch {fastest}", Value = framesOut / (pipelineMs / 1000), Unit = "frames/s",
            Baseline = $"inference-only batch {fastest}", BaselineValue = best, Note = "information: the module's engine without PowerShell",
        });
        results.Add(new Figure { Section = "6 memory", Name = $"managed allocation per frame (engine), batch {fastest}", Value = perFrame, Unit = "B/frame", Note = "GC.GetTotalAllocatedBytes over the whole process (batcher worker included)" });
    }

    public void Dispose()
    {
        foreach (var v in _inputs.Values) v.Dispose();
        _runOptions.Dispose();
        _first.Dispose();
    }

    /// <summary>The first <paramref name="n"/> frames of the video, preprocessed for the model, as one batch.</summary>
    private static FrameBatch FirstBatch(Setup setup, int n)
    {
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = n, Preprocess = setup.Model.Preprocessing, Pool = new TensorPool() });
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
    public int InferenceFrames { get; init; } = 96;
    /// <summary>Frames the end-to-end pipelines run (the first of vtest.avi).</summary>
    public int PipelineFrames { get; init; } = 192;
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
