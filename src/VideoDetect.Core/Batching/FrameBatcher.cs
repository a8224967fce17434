using System.Diagnostics;
using System.Threading.Channels;
using OpenCvSharp;
using VideoDetect.Errors;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>
/// Decodes and preprocesses clips into <see cref="FrameBatch"/>es in the background, ahead of the
/// consumer: clips go in with <see cref="Add"/>; batches, per-clip errors and warnings come out, in
/// order, from <see cref="Read"/> / <see cref="ReadWhilePending"/> — so only the caller's thread (the
/// PowerShell pipeline thread) ever reports anything.
/// <para>
/// Sources: each clip's frames come through the frame-source seam (<see cref="IFrameSource"/>, opened
/// by <see cref="BatchOptions.Sources"/>): a file clip from its exact, seekable file; a clip of a
/// forward-only (live) source from that source, in order, on the one worker of
/// <see cref="BatchOptions.ThrottleLimit"/> 1 (with more, such a clip is rejected: workers split a
/// video by seeking).
/// </para>
/// <para>
/// Which frames each clip decodes and emits is <see cref="ClipSchedule"/>'s decision (overlaps once,
/// jumps back again, the stride grid of the video); the workers only execute it. With
/// <see cref="BatchOptions.ThrottleLimit"/> 1 one worker schedules and decodes each clip in turn;
/// with more, <see cref="ParallelDecode"/> runs several captures and replays their output in clip
/// order, so the events are the same. A batch never spans two videos.
/// </para>
/// <para>
/// Memory: the output channel holds at most <see cref="BatchOptions.QueueDepth"/> batches, the
/// batch builder two batches of decoded frames (one being filled while the other is preprocessed;
/// Mats reused through a <see cref="MatPool"/>), and with n workers about 2 × n × BatchSize more;
/// every stage waits when the next is full, so memory does not grow with the video's length.
/// Ownership: the workers own their captures, the batcher the Mats and disposes them when it ends;
/// each batch read out belongs to the reader; batches still queued when the batcher is disposed are
/// disposed with it.
/// </para>
/// Failure: if the batcher itself fails, the channel completes with that exception, after the events
/// before it, and the next read rethrows it — a consumer never waits forever. <see cref="Dispose"/>
/// cancels and waits for every worker.
/// </summary>
public sealed class FrameBatcher : IDisposable
{
    private readonly BatchOptions _options;
    private readonly Channel<VideoClip> _clips = Channel.CreateUnbounded<VideoClip>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<BatchEvent> _events;
    private readonly CancellationTokenSource _cts;
    private readonly Task _worker;
    private int _pendingClips;

    public FrameBatcher(BatchOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        _options = options;
        _events = Channel.CreateBounded<BatchEvent>(new BoundedChannelOptions(options.QueueDepth)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _worker = Task.Run(RunAsync);
    }

    /// <summary>True once the background worker has ended (after <see cref="Dispose"/> it must be).</summary>
    internal bool WorkerCompleted => _worker.IsCompleted;

    private int _disposed;

    /// <summary>The decode work of every worker so far (for tests and benchmarks).</summary>
    internal DecodeTally Tally { get; } = new();

    /// <summary>
    /// How many clips a producer should let wait (<see cref="ReadWhilePending"/>): a couple for one
    /// worker; with several, enough to fill a run for each.
    /// </summary>
    public int PendingLimit => _options.ThrottleLimit == 1 ? 2 : 64 * _options.ThrottleLimit;

    /// <summary>Clips added and not yet fully processed by the worker.</summary>
    public int PendingClips => Volatile.Read(ref _pendingClips);

    /// <summary>Queues a clip. Clips of one video should arrive in order for a single sequential decode (a forward-only source's must).</summary>
    public void Add(VideoClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        Interlocked.Increment(ref _pendingClips);
        if (!_clips.Writer.TryWrite(clip))
        {
            Interlocked.Decrement(ref _pendingClips);
            throw new InvalidOperationException("No more clips can be added: the batcher was completed or stopped.");
        }
    }

    /// <summary>No more clips will come; the worker finishes what it has.</summary>
    public void Complete() => _clips.Writer.TryComplete();

    /// <summary>Waits for the next event; null once everything is done. Rethrows a failure of the worker.</summary>
    public BatchEvent? Read(CancellationToken cancellationToken = default)
    {
        try
        {
            var reader = _events.Reader;
            while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                if (reader.TryRead(out var item)) return item;
            }
            return null;
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>
    /// Back-pressure for a producer that is still adding clips: returns the next event as soon as one
    /// is ready, or null once no more than <paramref name="maxPending"/> clips wait (or the worker is
    /// done). Never waits for an event that cannot come — the worker may be holding a partial batch
    /// until more clips arrive. Rethrows a failure of the worker.
    /// </summary>
    public BatchEvent? ReadWhilePending(int maxPending, CancellationToken cancellationToken = default)
    {
        var reader = _events.Reader;
        while (true)
        {
            if (reader.TryRead(out var item)) return item;
            if (reader.Completion.IsCompleted) return Read(cancellationToken); // null, or the worker's failure
            if (PendingClips <= maxPending) return null;
            try
            {
                reader.WaitToReadAsync(cancellationToken).AsTask().Wait(20, cancellationToken);
            }
            catch (AggregateException)
            {
                return Read(cancellationToken);
            }
        }
    }

    private async Task RunAsync()
    {
        var ct = _cts.Token;
        try
        {
            using var mats = new MatPool();
            using var builder = new BatchBuilder(_options, mats);
            var assembler = new BatchAssembler(builder, _events.Writer, _options.SkipStatic is not null);
            if (_options.ThrottleLimit == 1)
            {
                await RunSequentialAsync(assembler, mats, ct).ConfigureAwait(false);
            }
            else
            {
                await using var parallel = new ParallelDecode(_options, mats, () => Interlocked.Decrement(ref _pendingClips), Tally);
                await parallel.RunAsync(_clips.Reader, assembler, ct).ConfigureAwait(false);
            }
            await assembler.FinishAsync(ct).ConfigureAwait(false);
            _events.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _events.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _events.Writer.TryComplete(e);
        }
    }

    /// <summary>-ThrottleLimit 1: one worker schedules each clip and executes it, in turn.</summary>
    private async Task RunSequentialAsync(BatchAssembler assembler, MatPool mats, CancellationToken ct)
    {
        var schedule = new ClipSchedule(_options.FrameStride);
        var cache = _options.Cache ?? VideoIndexCache.Shared;
        using var decoder = new RangeDecoder(mats, _options.SkipStatic, Tally, _options.Sources);
        await foreach (var clip in _clips.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                var work = Schedule(schedule, clip, cache, forwardOnly: true);
                if (work is ClipRejected rejected)
                {
                    decoder.Close();
                    await assembler.FailAsync(rejected, ct).ConfigureAwait(false);
                    continue;
                }
                await assembler.StartAsync(work, ct).ConfigureAwait(false);
                if (work is DecodeRange range) await decoder.DecodeAsync(range, assembler, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsClipError(e))
            {
                decoder.Close();
                await assembler.FailAsync(new ClipRejected(clip, e), ct).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _pendingClips);
            }
        }
    }

    /// <summary>Errors that fail one clip (the others go on); anything else fails the batcher.</summary>
    internal static bool IsClipError(Exception e) => e is VideoException or InvalidDataException or VideoDetectException;

    /// <summary>
    /// Looks up the clip's video and schedules the clip; a video that cannot be opened rejects it. A clip
    /// of a forward-only source has no index to look up: it is scheduled when <paramref name="forwardOnly"/>
    /// (one worker reads the source in order), else rejected with <see cref="SourceNotSeekableException"/>.
    /// </summary>
    internal static ScheduledWork Schedule(ClipSchedule schedule, VideoClip clip, VideoIndexCache cache, bool forwardOnly = false)
    {
        if (clip.SourceKind == FrameSourceKind.Live)
        {
            return forwardOnly ? schedule.NextLive(clip) : schedule.Reject(clip, new SourceNotSeekableException(clip.Path,
                $"Clip {clip.Index} of '{clip.Path}' is from a forward-only source, which one worker must read in order: use -ThrottleLimit 1."));
        }
        try
        {
            return schedule.Next(clip, ClipVideos.IndexOf(clip, cache));
        }
        catch (VideoException e)
        {
            return schedule.Reject(clip, e);
        }
    }

    /// <summary>Stops the worker, waits for it and frees the batches nobody read; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _clips.Writer.TryComplete();
        _cts.Cancel();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // the worker's failure was already reported through the channel
        }
        while (_events.Reader.TryRead(out var left))
        {
            if (left is BatchReady ready) ready.Batch.Dispose();
        }
        _cts.Dispose();
    }
}
