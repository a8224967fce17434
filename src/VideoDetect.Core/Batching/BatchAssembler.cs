using System.Threading.Channels;
using OpenCvSharp;

namespace VideoDetect.Batching;

/// <summary>
/// The in-order half of batching: takes the scheduled work and what decoding it produced — in clip
/// order, from one worker or many — and writes batches, warnings and per-clip errors to the output
/// channel exactly as one sequential worker would: a video change flushes the batch being packed, a
/// failed clip flushes it before its error, batches never mix videos. Runs on one thread.
/// </summary>
internal sealed class BatchAssembler(BatchBuilder builder, ChannelWriter<BatchEvent> events) : IRangeSink
{
    /// <summary>The work for the next clip begins (its frames, warnings or failure follow).</summary>
    public async ValueTask StartAsync(ScheduledWork work, CancellationToken ct)
    {
        if (work is ClipRejected || string.Equals(builder.Path, work.Path, StringComparison.Ordinal)) return;
        // Another video: its batches never mix with this one's.
        await builder.FlushAsync(events, ct).ConfigureAwait(false);
        builder.End();
        if (work is DecodeRange next) builder.Begin(next.Path, next.Index.FrameCount);
    }

    public async ValueTask FrameAsync(FrameRef reference, Mat frame, CancellationToken ct)
    {
        builder.Add(reference, frame);
        if (builder.IsFull) await builder.FlushAsync(events, ct, final: false).ConfigureAwait(false);
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
