using System.Threading.Channels;
using OpenCvSharp;

namespace VideoDetect.Batching;

/// <summary>
/// The in-order half of batching: takes the scheduled work and what decoding it produced — in clip
/// order, from one worker or many — and writes batches, warnings and per-clip errors to the output
/// channel exactly as one sequential worker would: a video change flushes the batch being packed, a
/// failed clip flushes it before its error, batches never mix videos. Runs on one thread.
/// </summary>
internal sealed class BatchAssembler(BatchBuilder builder, ChannelWriter<BatchEvent> events, bool gated = false) : IRangeSink
{
    /// <summary>The work for the next clip begins (its frames, warnings or failure follow).</summary>
    public async ValueTask StartAsync(ScheduledWork work, CancellationToken ct)
    {
        if (work is ClipRejected) return;
        if (string.Equals(builder.Path, work.Path, StringComparison.Ordinal))
        {
            // A new clip of the same video: the frames held at the previous clip's end are known now.
            if (gated && builder.IsFull) await builder.FlushAsync(events, ct, final: false).ConfigureAwait(false);
            return;
        }
        // Another video: its batches never mix with this one's.
        await builder.FlushAsync(events, ct).ConfigureAwait(false);
        builder.End();
        if (work is DecodeRange next) builder.Begin(next.Path, next.Index?.FrameCount ?? 0); // a live source's length is unknown: 0
    }

    public async ValueTask FrameAsync(FrameRef reference, Mat frame, CancellationToken ct)
    {
        // With the gate, a full batch waits for the next inferred frame: the frames held after its
        // last frame belong to it and are known only then (or at the end of the video).
        if (gated && builder.IsFull) await builder.FlushAsync(events, ct, final: false).ConfigureAwait(false);
        builder.Add(reference, frame);
        if (!gated && builder.IsFull) await builder.FlushAsync(events, ct, final: false).ConfigureAwait(false);
    }

    public ValueTask HeldAsync(FrameRef reference, CancellationToken ct)
    {
        builder.Hold(reference);
        return ValueTask.CompletedTask;
    }

    public ValueTask WarningAsync(BatchWarning warning, CancellationToken ct) => events.WriteAsync(warning, ct);

    /// <summary>A clip failed: what was packed before it goes out first, then its error; the next clip starts a new batch.</summary>
    public async ValueTask FailAsync(ClipRejected rejected, CancellationToken ct)
    {
        await builder.FlushAsync(events, ct).ConfigureAwait(false);
        builder.End();
        await events.WriteAsync(new ClipFailed(rejected.Clip, rejected.Error), ct).ConfigureAwait(false);
    }

    /// <summary>No more clips: the last batch goes out.</summary>
    public ValueTask FinishAsync(CancellationToken ct) => builder.FlushAsync(events, ct);
}
