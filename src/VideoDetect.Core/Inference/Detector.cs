using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference.Families;

namespace VideoDetect.Inference;

/// <summary>Post-processing settings.</summary>
public sealed record DetectionOptions
{
    public float Confidence { get; init; } = 0.3f;
    public float IouThreshold { get; init; } = 0.45f;
    public bool ClassAgnostic { get; init; }
    /// <summary>Keep only these class ids (null: all).</summary>
    public IReadOnlySet<int>? Classes { get; init; }
    public int MaxDetections { get; init; } = 300;
}

/// <summary>
/// Runs a model over a <see cref="FrameBatch"/> and maps every detection back to its frame, time and
/// source pixels. Ownership: a lease keeps the model's session alive for the run; the OrtValues
/// wrapping the batch's tensor (pinned, no copy) and the outputs are created and disposed inside
/// <see cref="Run"/>; the batch stays the caller's. Models with a fixed batch of 1 run frame by frame
/// over slices of the same tensor (no copy); others run the whole batch.
/// </summary>
public static class Detector
{
    /// <param name="framesPerRun">Override of <see cref="DetectionModel.RunChunk"/> (0: the whole batch), for tests and benchmarks.</param>
    /// <param name="cancel">Stops between session runs, and terminates a run in progress; then throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ModelException">ModelRemoved: the model was removed before the run began; InferenceFailed: ONNX Runtime failed on the batch.</exception>
    /// <exception cref="BatchDoesNotFitModelException">The batch was prepared for another input (<see cref="BatchFit.Check"/>).</exception>
    public static FrameDetections[] Run(DetectionModel model, FrameBatch batch, DetectionOptions options, int? framesPerRun = null, CancellationToken cancel = default)
    {
        using var lease = model.TryLease()
            ?? throw new ModelException(ErrorIds.ModelRemoved, $"{System.IO.Path.GetFileName(model.Path)} was removed (Remove-DetectionModel); import it again.");
        BatchFit.Check(model, batch);
        return Run(lease, model, batch, options, framesPerRun, cancel);
    }

    /// <summary>The run itself, on a session held by <paramref name="lease"/> (the caller's, disposed by it).</summary>
    internal static FrameDetections[] Run(DetectionModel.RunLease lease, DetectionModel model, FrameBatch batch, DetectionOptions options, int? framesPerRun, CancellationToken cancel)
    {
        var pre = model.Preprocessing;
        int chunk = model.FixedBatch > 0 ? model.FixedBatch : framesPerRun ?? model.RunChunk;
        int step = chunk > 0 ? chunk : batch.Count;
        var results = new FrameDetections[batch.Count];
        var candidates = new List<RawDetection>();
        var inputNames = new[] { model.InputName };
        var outputNames = model.Signature.Outputs.Select(o => o.Name).ToArray();
        using var runOptions = new RunOptions();
        using var terminate = cancel.Register(() => runOptions.Terminate = true);
        for (int first = 0; first < batch.Count; first += step)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(step, batch.Count - first);
            var shape = batch.Shape.Select(d => (long)d).ToArray();
            shape[0] = n;
            // A single-image model ([3, H, W], no batch dimension) runs one frame at a time (n = 1).
            if (model.Signature.IsSingleImage) shape = shape[1..];
            var memory = batch.Tensor.AsMemory(first * pre.FrameLength, n * pre.FrameLength);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory, shape);
            var outputs = OrtSessions.Run(lease.Session, runOptions, inputNames, new[] { input }, outputNames, cancel,
                message => $"Inference failed on {System.IO.Path.GetFileName(batch.Path)} frames {batch.Frames[0].FrameIndex}..{batch.Frames[^1].FrameIndex}: {message}");
            using (outputs)
            {
                // The families read ONNX Runtime's output buffers in place, through a ref struct that
                // cannot outlive `outputs`: no managed copy of the raw outputs.
                for (int i = 0; i < n; i++)
                {
                    candidates.Clear();
                    model.ModelFamily.Parse(new FrameOutputs(outputs, i, n), model.Signature, options.Confidence, candidates);
                    results[first + i] = Finish(model, batch.Frames[first + i], candidates, options);
                }
            }
        }
        return results;
    }

    private static FrameDetections Finish(DetectionModel model, FrameRef frame, List<RawDetection> candidates, DetectionOptions options)
    {
        var kept = candidates.Where(c => options.Classes is null || options.Classes.Contains(c.ClassId)).ToList();
        var detections = new List<Detection>();
        // A model that did its own NMS keeps its candidates (best first); ours would second-guess it.
        var order = model.AppliesNms
            ? Enumerable.Range(0, kept.Count).OrderByDescending(i => kept[i].Score)
            : Nms(kept, options);
        foreach (int i in order)
        {
            var c = kept[i];
            var p1 = frame.Transform.ToSource(c.X1, c.Y1);
            var p2 = frame.Transform.ToSource(c.X2, c.Y2);
            double x1 = Math.Clamp(p1.X, 0, frame.SourceWidth), y1 = Math.Clamp(p1.Y, 0, frame.SourceHeight);
            double x2 = Math.Clamp(p2.X, 0, frame.SourceWidth), y2 = Math.Clamp(p2.Y, 0, frame.SourceHeight);
            if (x2 <= x1 || y2 <= y1) continue;
            detections.Add(new Detection
            {
                Path = frame.Path, FrameIndex = frame.FrameIndex, Timestamp = frame.Timestamp,
                ClassId = c.ClassId, Label = c.ClassId < model.Labels.Count ? model.Labels[c.ClassId] : $"class{c.ClassId}",
                Confidence = c.Score, X = x1, Y = y1, Width = x2 - x1, Height = y2 - y1,
                Mask = c.Outline is { } outline ? ToSource(frame, outline) : null,
            });
            if (detections.Count == options.MaxDetections) break;
        }
        return new FrameDetections
        {
            Path = frame.Path, ClipIndex = frame.ClipIndex, FrameIndex = frame.FrameIndex, Timestamp = frame.Timestamp,
            SourceWidth = frame.SourceWidth, SourceHeight = frame.SourceHeight, Detections = detections.ToArray(),
            RecordingStart = frame.RecordingStart,
            Extras = frame.GapBefore is { } gap ? new Dictionary<string, object?> { [FrameDetections.GapBeforeExtra] = gap.TotalSeconds } : null,
        };
    }

    /// <summary>A mask outline in model pixels (x, y pairs, NaN pairs between polygons) as <see cref="MaskPolygon"/> text in source pixels, clipped to the frame.</summary>
    private static string? ToSource(FrameRef frame, float[] outline)
    {
        var polygons = new List<IReadOnlyList<(double X, double Y)>>();
        var current = new List<(double X, double Y)>();
        for (int k = 0; k + 1 < outline.Length; k += 2)
        {
            if (float.IsNaN(outline[k]))
            {
                polygons.Add(current);
                current = new List<(double X, double Y)>();
                continue;
            }
            var p = frame.Transform.ToSource(outline[k], outline[k + 1]);
            current.Add((Math.Clamp(p.X, 0, frame.SourceWidth), Math.Clamp(p.Y, 0, frame.SourceHeight)));
        }
        polygons.Add(current);
        return MaskPolygon.Encode(polygons);
    }

    /// <summary>OpenCV's NMS; per class unless class-agnostic (boxes of each class offset apart). Indices by descending score.</summary>
    private static IEnumerable<int> Nms(List<RawDetection> c, DetectionOptions options)
    {
        if (c.Count == 0) return Array.Empty<int>();
        const float ClassOffset = 100_000f;
        var boxes = c.Select(d =>
        {
            float off = options.ClassAgnostic ? 0 : d.ClassId * ClassOffset;
            return new Rect2d(d.X1 + off, d.Y1 + off, d.X2 - d.X1, d.Y2 - d.Y1);
        }).ToArray();
        var scores = c.Select(d => d.Score).ToArray();
        CvDnn.NMSBoxes(boxes, scores, options.Confidence, options.IouThreshold, out int[] indices);
        return indices.OrderByDescending(i => scores[i]);
    }
}
