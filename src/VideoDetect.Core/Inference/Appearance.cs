using OpenCvSharp;
using VideoDetect.Batching;

namespace VideoDetect.Inference;

/// <summary>
/// Gives each detection of a batch its appearance descriptor (<see cref="Detection.Appearance"/>)
/// while the batch still holds pixels: the built-in colour histogram (<see cref="AppearanceHistogram"/>)
/// or, with a ReID network, its embedding (<see cref="AppearanceModel"/>). Invoke-FrameDetection
/// calls it between <see cref="Detector.Run(DetectionModel, FrameBatch, DetectionOptions, int?, CancellationToken)"/>
/// and emitting the frames, so it sets the property on the detections the detector has just made
/// (no one else holds them yet) instead of copying them.
/// </summary>
public static class Appearance
{
    /// <summary>Detections in a batch from which the histograms are computed on several cores.</summary>
    internal const int ParallelFrom = 32;

    private static void DescribeFrame(FrameBatch batch, int index, FrameDetections frame)
    {
        foreach (var d in frame.Detections) d.Appearance = AppearanceHistogram.Describe(batch, index, d.X, d.Y, d.Width, d.Height);
    }

    /// <summary>
    /// Sets <see cref="Detection.Appearance"/> on every detection of <paramref name="results"/> (one per
    /// frame of <paramref name="batch"/>, in order); with <paramref name="model"/> the ReID embedding,
    /// else the colour histogram. A box too small to describe keeps null. Throws
    /// <see cref="ModelException"/> (InferenceFailed) when the ReID network fails.
    /// </summary>
    public static void Describe(FrameBatch batch, IReadOnlyList<FrameDetections> results, AppearanceModel? model = null, CancellationToken cancel = default)
    {
        if (results.Count != batch.Count) throw new ArgumentException($"{results.Count} results for a batch of {batch.Count} frames.", nameof(results));
        if (model is null)
        {
            // Frames in parallel once there is enough work (a GPU run leaves the CPU's cores idle while
            // this runs between two batches); each detection is written by one thread, the tensor only read.
            int count = results.Sum(r => r.Detections.Length);
            if (count < ParallelFrom)
            {
                for (int i = 0; i < results.Count; i++) DescribeFrame(batch, i, results[i]);
            }
            else
            {
                Parallel.For(0, results.Count, new ParallelOptions { CancellationToken = cancel }, i => DescribeFrame(batch, i, results[i]));
            }
            return;
        }
        var crops = new List<Mat>();
        var owners = new List<Detection>();
        try
        {
            for (int i = 0; i < results.Count; i++)
            {
                foreach (var d in results[i].Detections)
                {
                    var crop = new AppearanceCrop(batch, i, d.X, d.Y, d.Width, d.Height);
                    if (crop.IsEmpty) continue;
                    crops.Add(crop.ToBgr());
                    owners.Add(d);
                }
            }
            var described = model.Describe(crops, cancel);
            for (int k = 0; k < owners.Count; k++) owners[k].Appearance = described[k];
        }
        finally
        {
            foreach (var m in crops) m.Dispose();
        }
    }
}
