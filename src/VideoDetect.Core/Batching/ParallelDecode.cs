using System.Threading.Channels;
using OpenCvSharp;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>
/// Several decode workers for one <see cref="FrameBatcher"/>: a dispatcher schedules the clips
/// (<see cref="ClipSchedule"/>) and groups the work into runs of consecutive clips of one video —
/// split only where a seek is cheap (<see cref="DecodeParallelism.ShouldSplit"/>, from the key frames);
/// <c>n</c> workers, each with its own capture, execute runs (several videos at once); the caller's
/// assembler replays the runs' output strictly in clip order, so the batches, warnings and errors are
/// exactly those of one sequential worker.
/// <para>
/// Memory: each run's output channel holds at most 2 × BatchSize events, and at most n + 1 runs are
/// dispatched ahead of the assembler, so about 2 × n × BatchSize decoded frames wait besides the
/// batcher's own. Ownership: a worker owns its <see cref="RangeDecoder"/> (capture); a decoded Mat
/// belongs to the run's channel until the assembler takes it; <see cref="DisposeAsync"/> stops and
/// awaits every task and returns the Mats left in channels to the pool.
/// </para>
/// Failure: a clip's error travels in its run, in order; any other failure completes the run's channel
/// (or the run queue) with the exception, which the assembler rethrows when it reaches it.
/// </summary>
internal sealed class ParallelDecode : IAsyncDisposable
{
    private static readonly TimeSpan OpenRunWait = TimeSpan.FromMilliseconds(100);
    private readonly BatchOptions _options;
    private readonly MatPool _mats;
    private readonly Action _clipDone;
    private readonly int _workers;
    private int _busy; // workers decoding a run now
    private readonly Channel<Run> _toDecode = Channel.CreateUnbounded<Run>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<Run> _inOrder;
    private readonly List<Task> _tasks = new();
    private readonly List<Run> _runs = new();
    private CancellationTokenSource? _cts;

    private readonly DecodeTally _tally;

    public ParallelDecode(BatchOptions options, MatPool mats, Action clipDone, DecodeTally tally)
    {
        _tally = tally;
        _options = options;
        _mats = mats;
        _clipDone = clipDone;
        _workers = options.ThrottleLimit;
        _inOrder = Channel.CreateBounded<Run>(new BoundedChannelOptions(_workers + 1) { SingleReader = true, SingleWriter = true });
    }

    /// <summary>Decodes every clip from <paramref name="clips"/>, feeding <paramref name="assembler"/> in clip order.</summary>
    public async Task RunAsync(ChannelReader<VideoClip> clips, BatchAssembler assembler, CancellationToken cancellationToken)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = _cts.Token;
        _tasks.Add(Task.Run(() => DispatchAsync(clips, ct), CancellationToken.None));
        // Decoding blocks its thread for the whole run: each worker gets a thread of its own, so the
        // thread pool stays free for preprocessing and the assembler (a starved pool stalls them).
        for (int i = 0; i < _workers; i++)
            _tasks.Add(Task.Factory.StartNew(() => Work(ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        // The assembler works with the caller's token: the batch it is preprocessing outlives this
        // object (it is flushed after it), and the internal token is cancelled when this is disposed.
        await foreach (var run in _inOrder.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await foreach (var item in run.Output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (item)
                {
                    case Started s: await assembler.StartAsync(s.Work, cancellationToken).ConfigureAwait(false); break;
                    case Decoded d: await assembler.FrameAsync(d.Reference, d.Frame, cancellationToken).ConfigureAwait(false); break;
                    case Held h: await assembler.HeldAsync(h.Reference, cancellationToken).ConfigureAwait(false); break;
                    case Warned w: await assembler.WarningAsync(w.Warning, cancellationToken).ConfigureAwait(false); break;
                    case Failed f: await assembler.FailAsync(f.Rejected, cancellationToken).ConfigureAwait(false); break;
                    case Done: _clipDone(); break;
                }
            }
        }
    }

    private async Task DispatchAsync(ChannelReader<VideoClip> clips, CancellationToken ct)
    {
        try
        {
            var schedule = new ClipSchedule(_options.FrameStride);
            var cache = _options.Cache ?? VideoIndexCache.Shared;
            var keyFrames = new Dictionary<string, long[]?>(StringComparer.Ordinal);
            Run? open = null;
            Exception? failure = null;
            while (true)
            {
                if (!clips.TryRead(out var clip))
                {
                    if (open is not null)
                    {
                        // A slow producer upstream (or one waiting for output): after a short wait, hand
                        // out what there is rather than wait for a full run.
                        var more = clips.WaitToReadAsync(ct).AsTask();
                        if (await Task.WhenAny(more, Task.Delay(OpenRunWait, ct)).ConfigureAwait(false) != more)
                        {
                            await SubmitAsync(open, ct).ConfigureAwait(false);
                            open = null;
                        }
                        if (!await more.ConfigureAwait(false)) break;
                    }
                    else if (!await clips.WaitToReadAsync(ct).ConfigureAwait(false))
                    {
                        break;
                    }
                    continue;
                }
                ScheduledWork work;
                try
                {
                    work = FrameBatcher.Schedule(schedule, clip, cache);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Not a clip's error: the batcher fails here, after the work before this clip (as one worker would).
                    failure = e;
                    break;
                }
                if (open is not null && EndsRun(open, work, keyFrames, cache, ct))
                {
                    await SubmitAsync(open, ct).ConfigureAwait(false);
                    open = null;
                }
                open ??= new Run(_options.BatchSize);
                open.Add(work);
            }
            if (open is not null) await SubmitAsync(open, ct).ConfigureAwait(false);
            _inOrder.Writer.TryComplete(failure);
            _toDecode.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _inOrder.Writer.TryComplete(e);
            _toDecode.Writer.TryComplete(e);
        }
    }

    /// <summary>Whether <paramref name="next"/> starts a new run: another video, a rejection, or a cheap split point of a long enough run.</summary>
    private bool EndsRun(Run run, ScheduledWork next, Dictionary<string, long[]?> keyFrames, VideoIndexCache cache, CancellationToken ct)
    {
        if (!string.Equals(run.Path, next.Path, StringComparison.Ordinal) || next is ClipRejected || run.HasRejection) return true;
        if (next is not DecodeRange { Index: { } index } range) return false; // every range here is a file's (live clips are rejected: FrameBatcher.Schedule)
        long minRun = _options.MinRunFrames ?? DecodeParallelism.MinRunFrames(index.FrameCount, _workers, _options.BatchSize);
        if (run.Frames < minRun) return false;
        if (!keyFrames.TryGetValue(range.Path, out var keys))
            keyFrames[range.Path] = keys = KeyFrames.Of(range.Path, index, cache, ct);
        long? cost = keys is null ? null : KeyFrames.SeekCost(keys, range.First);
        return DecodeParallelism.ShouldSplit(run.Frames, index.FrameCount - range.First, minRun, cost);
    }

    private async ValueTask SubmitAsync(Run run, CancellationToken ct)
    {
        lock (_runs) _runs.Add(run);
        await _inOrder.Writer.WriteAsync(run, ct).ConfigureAwait(false);
        await _toDecode.Writer.WriteAsync(run, ct).ConfigureAwait(false);
    }

    private void Work(CancellationToken ct)
    {
        Thread.CurrentThread.Name = "VideoDetect decode"; // a thread of its own (LongRunning): named for profilers
        using var decoder = new RangeDecoder(_mats, _options.SkipStatic, _tally);
        try
        {
            var runs = _toDecode.Reader;
            while (Wait(runs.WaitToReadAsync(ct)))
            {
                if (!runs.TryRead(out var run)) continue;
                var output = run.Output.Writer;
                // FFmpeg threads from the runs there are now (decoding or waiting), not from -ThrottleLimit:
                // a video that is not split decodes alone, with OpenCV's default threads (bench/README.md).
                int busy = Interlocked.Increment(ref _busy);
                decoder.DecodeThreads = DecodeParallelism.DecodeThreads((int)Math.Min(_workers, busy + runs.Count), Environment.ProcessorCount);
                try
                {
                    foreach (var work in run.Items) Execute(decoder, work, run, ct);
                    output.TryComplete();
                }
                catch (Exception e)
                {
                    output.TryComplete(e);
                    if (e is not OperationCanceledException) return; // the assembler rethrows it when it reaches this run
                }
                finally
                {
                    Interlocked.Decrement(ref _busy);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
            // the dispatcher failed; the assembler reports it
        }
    }

    private static void Execute(RangeDecoder decoder, ScheduledWork work, Run run, CancellationToken ct)
    {
        run.Put(new Started(work), ct);
        if (work is ClipRejected rejected)
        {
            decoder.Close();
            run.Put(new Failed(rejected), ct);
        }
        else if (work is DecodeRange range)
        {
            try
            {
                Wait(decoder.DecodeAsync(range, run, ct)); // completes synchronously: the sink blocks this thread
            }
            catch (Exception e) when (FrameBatcher.IsClipError(e))
            {
                decoder.Close();
                run.Put(new Failed(new ClipRejected(work.Clip, e)), ct);
            }
        }
        run.Put(new Done(), ct);
    }

    private static void Wait(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully) task.AsTask().GetAwaiter().GetResult();
    }

    private static bool Wait(ValueTask<bool> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        _cts?.Cancel();
        _inOrder.Writer.TryComplete();
        _toDecode.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // failures were reported through the channels
        }
        lock (_runs)
        {
            foreach (var run in _runs)
                while (run.Output.Reader.TryRead(out var left))
                    if (left is Decoded d) _mats.Return(d.Frame);
        }
        _cts?.Dispose();
    }

    private abstract record RunItem;
    private sealed record Started(ScheduledWork Work) : RunItem;
    private sealed record Decoded(FrameRef Reference, Mat Frame) : RunItem;
    private sealed record Held(FrameRef Reference) : RunItem;
    private sealed record Warned(BatchWarning Warning) : RunItem;
    private sealed record Failed(ClipRejected Rejected) : RunItem;
    private sealed record Done : RunItem;

    /// <summary>Consecutive work of one video for one worker, and what decoding it produced, in order.</summary>
    private sealed class Run(int batchSize) : IRangeSink
    {
        public List<ScheduledWork> Items { get; } = new();
        public Channel<RunItem> Output { get; } = Channel.CreateBounded<RunItem>(new BoundedChannelOptions(2 * batchSize + 4) { SingleReader = true, SingleWriter = true });
        public string? Path => Items.Count > 0 ? Items[0].Path : null;
        public long Frames { get; private set; }
        public bool HasRejection { get; private set; }

        public void Add(ScheduledWork work)
        {
            Items.Add(work);
            if (work is DecodeRange r) Frames += r.End - r.First;
            if (work is ClipRejected) HasRejection = true;
        }

        /// <summary>Writes to the output, blocking the worker's thread while the channel is full.</summary>
        public void Put(RunItem item, CancellationToken ct)
        {
            if (!Output.Writer.TryWrite(item)) Output.Writer.WriteAsync(item, ct).AsTask().GetAwaiter().GetResult();
        }

        public ValueTask FrameAsync(FrameRef reference, Mat frame, CancellationToken ct)
        {
            try
            {
                Put(new Decoded(reference, frame), ct);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask HeldAsync(FrameRef reference, CancellationToken ct)
        {
            Put(new Held(reference), ct);
            return ValueTask.CompletedTask;
        }

        public ValueTask WarningAsync(BatchWarning warning, CancellationToken ct)
        {
            Put(new Warned(warning), ct);
            return ValueTask.CompletedTask;
        }
    }
}
