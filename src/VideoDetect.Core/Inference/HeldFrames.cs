using VideoDetect.Batching;

namespace VideoDetect.Inference;

/// <summary>
/// Frames the motion gate held (ConvertTo-FrameBatch -SkipStatic) back into the timeline: after each
/// inferred frame, one <see cref="FrameDetections"/> per frame held after it, carrying copies of its
/// detections (with the held frame's index and timestamp) and <see cref="HeldFromExtra"/> = the
/// inferred frame's index, so tracking, events and the exporters see every frame, in order.
/// </summary>
public static class HeldFrames
{
    /// <summary>The <see cref="FrameDetections.Extras"/> key of a held frame; its value is the index of the frame whose detections it repeats.</summary>
    public const string HeldFromExtra = "HeldFrom";

    /// <summary><paramref name="results"/> (one per frame of <paramref name="batch"/>, in order) with the held frames after each.</summary>
    public static IEnumerable<FrameDetections> Expand(FrameBatch batch, IReadOnlyList<FrameDetections> results)
    {
        if (results.Count != batch.Count) throw new ArgumentException($"{results.Count} results for a batch of {batch.Count} frames.", nameof(results));
        for (int i = 0; i < results.Count; i++)
        {
            var inferred = results[i];
            yield return inferred;
            foreach (var held in batch.Frames[i].HeldFrames) yield return Hold(inferred, held);
        }
    }

    /// <summary>The frame <paramref name="held"/>, with copies of <paramref name="from"/>'s detections (re-dated to it), marked held from it.</summary>
    public static FrameDetections Hold(FrameDetections from, HeldFrame held) => @from with
    {
        FrameIndex = held.FrameIndex,
        Timestamp = held.Timestamp,
        Detections = from.Detections.Select(d => d with { FrameIndex = held.FrameIndex, Timestamp = held.Timestamp }).ToArray(),
        Extras = new Dictionary<string, object?>(from.Extras ?? new Dictionary<string, object?>()) { [HeldFromExtra] = from.FrameIndex },
    };
}
