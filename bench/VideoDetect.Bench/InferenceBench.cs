using System.Text;
using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Video;

/// <summary>Inference-only frames/s (pre-made tensors) against the end-to-end pipeline, CPU, yolox_nano.</summary>
internal static class InferenceBench
{
    public static void Run(string shared, StringBuilder report)
    {
        string modelPath = Path.Combine(shared, "models", "yolox_nano.onnx");
        string vtest = Path.Combine(shared, "videos", "vtest.avi");
        if (!File.Exists(modelPath) || !File.Exists(vtest)) { Console.Error.WriteLine("skip inference: fixtures not found"); return; }
        var model = ModelCache.Load(modelPath, new ModelOptions { Provider = ExecutionProvider.Cpu });
        var probed = VideoProbe.Probe(vtest);
        const int Frames = 96;
        var clips = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(Frames), End = VideoPosition.FromFrames(Frames) }).ToList();
        var options = new DetectionOptions { Confidence = 0.3f };
        report.AppendLine($"## Inference, yolox_nano ({model.Provider}; batch-dynamic after rewrite: {model.DynamicBatch}; frames per session run: {(model.RunChunk == 0 ? "whole batch" : model.RunChunk.ToString())})");
        report.AppendLine();
        report.AppendLine("| batch | inference only (pre-made tensors) | end-to-end (decode + preprocess + inference + NMS) | end-to-end ÷ inference |");
        report.AppendLine("|---:|---:|---:|---:|");
        foreach (int batchSize in new[] { 1, 4, 8, 16 })
        {
            // Pre-made tensors: the batches of the first 96 frames, kept.
            var batches = new List<FrameBatch>();
            using (var batcher = new FrameBatcher(new BatchOptions { BatchSize = batchSize, Preprocess = model.Preprocessing, Model = model }))
            {
                foreach (var c in clips) batcher.Add(c);
                batcher.Complete();
                while (batcher.Read() is { } e) if (e is BatchReady r) batches.Add(r.Batch);
            }
            foreach (var b in batches) Detector.Run(model, b, options); // warm-up
            double inference = Measure.MedianMs(() => { foreach (var b in batches) Detector.Run(model, b, options); }, 3);
            foreach (var b in batches) b.Dispose();
            double endToEnd = Measure.MedianMs(() =>
            {
                using var batcher = new FrameBatcher(new BatchOptions { BatchSize = batchSize, Preprocess = model.Preprocessing, Model = model });
                foreach (var c in clips) batcher.Add(c);
                batcher.Complete();
                while (batcher.Read() is { } e) if (e is BatchReady r) { Detector.Run(model, r.Batch, options); r.Batch.Dispose(); }
            }, 3);
            report.AppendLine($"| {batchSize} | {Frames / (inference / 1000):F1} fps | {Frames / (endToEnd / 1000):F1} fps | {inference / endToEnd:F2} |");
        }
        report.AppendLine();
    }
}
