using VideoDetect.Batching;

namespace VideoDetect.Inference;

/// <summary>
/// The one rule for frames that were not inferred, whichever stage left them out: a frame the motion
/// gate held (ConvertTo-FrameBatch -SkipStatic) and a frame a -FrameStride gap skipped are both
/// "held": they show the detections of the last inferred frame before them, or none where a consumer
/// is told not to hold (Export-AnnotatedVideo -NoHold). Every consumer asks this class rather than
/// deciding on its own.
/// <para>
/// How each kind reaches the stages after inference: a -SkipStatic held frame is a
/// <see cref="FrameDetections"/> of its own (<see cref="Expand"/>: copies of the inferred frame's
/// detections, re-dated, marked with <see cref="HeldFromExtra"/>); a -FrameStride gap has none, so a
/// consumer sees it as the frames between two it was given (<see cref="Shown"/> with no frame,
/// <see cref="Covers"/> for a source's end).
/// </para>
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

    /// <summary>True when <paramref name="frame"/> was not inferred but held (-SkipStatic): it repeats an earlier frame's detections.</summary>
    public static bool IsHeld(FrameDetections frame) => frame.Extras?.ContainsKey(HeldFromExtra) == true;

    /// <summary>
    /// The detections a frame shows: an inferred <paramref name="frame"/> its own; a frame not inferred
    /// — a held frame, or one in a -FrameStride gap (<paramref name="frame"/> null) — with
    /// <paramref name="hold"/> the last inferred ones (a held frame carries them, re-dated and
    /// possibly tracked; a gap takes <paramref name="lastShown"/>), without it none.
    /// </summary>
    public static IReadOnlyList<Detection> Shown(FrameDetections? frame, IReadOnlyList<Detection> lastShown, bool hold)
    {
        if (frame is not null && !IsHeld(frame)) return frame.Detections;
        if (!hold) return Array.Empty<Detection>();
        return frame?.Detections ?? lastShown;
    }

    /// <summary>
    /// True when frames up to <paramref name="lastFrame"/> cover a source of <paramref name="frameCount"/>
    /// frames sampled every <paramref name="frameStride"/>-th: its last frame is there, or (frames
    /// after the last sampled one have no FrameDetections) the last one sampled can be.
    /// </summary>
    public static bool Covers(long lastFrame, long frameCount, int frameStride) => lastFrame >= frameCount - Math.Max(1, frameStride);
}
