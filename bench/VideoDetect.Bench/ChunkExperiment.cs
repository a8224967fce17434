using System.Diagnostics;
using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Video;

/// <summary>
/// `VideoDetect.Bench chunk [shared] [batch]`: a profiling aid, not part of the suite. On the CPU, is a
/// batch fastest run frame by frame or whole? Alternates the two (Detector.Run over a pre-made batch,
/// and the engine end to end) in one process, so both see the same load; run it under
/// VIDEODETECT_ORT_SPIN=0 and =1 to see how ONNX Runtime's spin-waiting changes the answer.
/// </summary>
internal static class ChunkExperiment
{
    public static void Run(string shared, int batchSize)
    {
        string vtest = Path.Combine(shared, "videos", "vtest.avi");
        var model = ModelCache.Load(Path.Combine(shared, "models", "yolox_nano.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu });
        var probed = VideoProbe.Probe(vtest);
        var options = new DetectionOptions { Confidence = 0.3f };
        var clips = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(64), End = VideoPosition.FromFrames(192) }).ToList();
        FrameBatch? kept = null;
        long Engine(int perRun, bool keep)
        {
            long n = 0;
            using var batcher = new FrameBatcher(new BatchOptions { BatchSize = batchSize, Preprocess = model.Preprocessing, Pool = new TensorPool() });
            foreach (var c in clips) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e)
            {
                if (e is not BatchReady r) continue;
                n += Detector.Run(model, r.Batch, options, perRun).Length;
                if (keep && kept is null) kept = r.Batch; else r.Batch.Dispose();
            }
            return n;
        }
        Engine(0, keep: true);
        Engine(1, keep: false);
        var results = new Dictionary<string, List<double>>();
        void Add(string key, double fps) => (results.TryGetValue(key, out var l) ? l : results[key] = new()).Add(fps);
        for (int round = 0; round < 5; round++)
        {
            foreach (int perRun in new[] { 1, 0 })
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < 96 / batchSize; i++) Detector.Run(model, kept!, options, perRun);
                Add($"Detector.Run batch {batchSize}, {(perRun == 1 ? "frame by frame" : "whole batch")}", 96 / sw.Elapsed.TotalSeconds);
                sw.Restart();
                long n = Engine(perRun, keep: false);
                Add($"engine batch {batchSize}, {(perRun == 1 ? "frame by frame" : "whole batch")}", n / sw.Elapsed.TotalSeconds);
            }
        }
        Console.WriteLine($"spin={Environment.GetEnvironmentVariable("VIDEODETECT_ORT_SPIN") ?? "(default 0)"} threads={Environment.GetEnvironmentVariable("VIDEODETECT_ORT_THREADS") ?? "(default)"}");
        foreach (var (key, list) in results)
        {
            list.Sort();
            Console.WriteLine($"  {key}: median {list[list.Count / 2]:F1} frames/s  [{string.Join(", ", list.Select(x => x.ToString("F0")))}]");
        }
        kept?.Dispose();
    }
}
