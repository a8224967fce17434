using System.Diagnostics;
using System.Threading.Channels;
using OpenCvSharp;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>
/// Decodes and preprocesses clips into <see cref="FrameBatch"/>es on one background worker, ahead of
/// the consumer: clips go in with <see cref="Add"/>; batches, per-clip errors and warnings come out,
/// in order, from <see cref="TryRead"/> / <see cref="Read"/> — so only the caller's thread (the
/// PowerShell pipeline thread) ever reports anything.
/// <para>
/// Consecutive clips of a video continue one sequential decode; frames shared by overlapping clips
/// are decoded and emitted once (for the first clip that holds them); a gap or a jump back seeks
/// exactly (<see cref="VideoReader"/>). A batch never spans two videos.
/// </para>
/// <para>
/// Memory: the output channel holds at most <see cref="BatchOptions.QueueDepth"/> batches, and the
/// worker holds two batches of decoded frames (2 × <c>BatchSize</c> Mats, reused: one being decoded
/// into while the other is preprocessed); the worker waits when
/// the channel is full, so memory does not grow with the video's length. Ownership: the worker owns
/// the capture and the frame Mats and disposes them when it ends; each batch read out belongs to the
/// reader; batches still queued when the batcher is disposed are disposed with it.
/// </para>
/// Failure: if the worker itself fails, the channel completes with that exception and the next read
/// rethrows it — a consumer never waits forever. <see cref="Dispose"/> cancels and waits for the worker.
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

    /// <summary>Clips added and not yet fully processed by the worker.</summary>
    public int PendingClips => Volatile.Read(ref _pendingClips);

    /// <summary>Queues a clip. Clips of one video should arrive in order for a single sequential decode.</summary>
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

    /// <summary>An event if one is ready now, without waiting.</summary>
    public bool TryRead(out BatchEvent? item) => _events.Reader.TryRead(out item);

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
        var state = new WorkerState(_options);
        try
        {
            await foreach (var clip in _clips.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await ProcessClipAsync(state, clip, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is VideoException or InvalidDataException or ArgumentException)
                {
                    await state.FlushAsync(_events.Writer, ct).ConfigureAwait(false);
                    state.CloseVideo();
                    await _events.Writer.WriteAsync(new ClipFailed(clip, e), ct).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _pendingClips);
                }
            }
            await state.FlushAsync(_events.Writer, ct).ConfigureAwait(false);
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
        finally
        {
            state.Dispose();
        }
    }

    private async Task ProcessClipAsync(WorkerState state, VideoClip clip, CancellationToken ct)
    {
        if (!string.Equals(state.Path, clip.Path, StringComparison.Ordinal))
        {
            await state.FlushAsync(_events.Writer, ct).ConfigureAwait(false);
            state.OpenVideo(clip, _options.Cache ?? VideoIndexCache.Shared);
        }
        var reader = state.Reader!;
        if (clip.StartFrame < 0 || clip.EndFrame > reader.Index.FrameCount || clip.StartFrame > clip.EndFrame)
            throw new ArgumentException($"Clip {clip.Index} of '{clip.Path}' asks for frames {clip.StartFrame}..{clip.EndFrame}, but the video has {reader.Index.FrameCount}: the file changed since the clip was planned. Run Split-VideoClip again.");

        // Frames shared with the previous clip (an overlap) are emitted once. A clip that starts before
        // the previous one is a deliberate jump back: it is decoded again, by seeking.
        long start = clip.StartFrame >= state.LastClipStart ? Math.Max(clip.StartFrame, state.NextUnemitted) : clip.StartFrame;
        state.LastClipStart = clip.StartFrame;
        if (start >= clip.EndFrame) return;
        if (reader.Position != start) reader.Seek(start);
        while (reader.Position < clip.EndFrame)
        {
            ct.ThrowIfCancellationRequested();
            if (!reader.Grab())
            {
                await _events.Writer.WriteAsync(new BatchWarning(clip.Path,
                    $"{System.IO.Path.GetFileName(clip.Path)}: decoding stopped at frame {reader.Position} of clip {clip.Index} (frames {reader.Position}..{clip.EndFrame - 1} did not decode); the batches carry what decoded."), ct).ConfigureAwait(false);
                break;
            }
            long frame = reader.Current;
            if (reader.SkippedBeforeCurrent > 0)
            {
                await _events.Writer.WriteAsync(new BatchWarning(clip.Path,
                    $"{System.IO.Path.GetFileName(clip.Path)}: frames {frame - reader.SkippedBeforeCurrent}..{frame - 1} failed to decode (corrupt data) and are missing; later frames keep their own indices."), ct).ConfigureAwait(false);
            }
            if (frame >= clip.EndFrame) { reader.Seek(frame); break; } // the gap ran past this clip: leave that frame for the next
            if ((frame - state.StrideAnchor) % _options.FrameStride != 0) continue;
            state.Add(reader, clip.Index, frame);
            if (state.IsFull) await state.FlushAsync(_events.Writer, ct, final: false).ConfigureAwait(false);
        }
        state.NextUnemitted = Math.Min(reader.Position, clip.EndFrame);
    }

    public void Dispose()
    {
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

    /// <summary>The worker's per-video state: the reader, the frames of the batch being built.</summary>
    private sealed class WorkerState : IDisposable
    {
        // The decode loop keeps one core busy while a batch is preprocessed beside it; preprocessing
        // spreads the frames of a batch over the other cores (measured on 2 cores: letting it take both
        // slowed decode + preprocess from 560 to 410 frames/s).
        private static readonly int PreprocessParallelism = Math.Max(1, Environment.ProcessorCount - 1);

        private readonly BatchOptions _options;
        private readonly FramePreprocessor _preprocessor;
        private readonly TensorPool _pool;
        private readonly List<FrameRef> _refs = new();
        private List<Mat> _mats = new();   // frames being decoded into
        private List<Mat> _spare = new();  // frames of the batch being preprocessed
        private Task<BatchReady>? _prepared;
        private int _batchIndex;
        // What continues when a video's clips resume after another video's (BatchIndex, stride phase).
        private readonly Dictionary<string, (int NextBatch, long Anchor)> _resume = new(StringComparer.Ordinal);

        public WorkerState(BatchOptions options)
        {
            _options = options;
            _preprocessor = new FramePreprocessor(options.Preprocess);
            _pool = options.Pool ?? TensorPool.Shared;
        }

        public string? Path { get; private set; }
        public VideoReader? Reader { get; private set; }
        public long NextUnemitted { get; set; }
        public long LastClipStart { get; set; }
        public long StrideAnchor { get; private set; }
        private long _framesTotal;
        public bool IsFull => _refs.Count == _options.BatchSize;

        public void OpenVideo(VideoClip clip, VideoIndexCache cache)
        {
            CloseVideo();
            var probed = VideoProbe.Probe(clip.Path, new ProbeOptions { Cache = cache });
            Reader = new VideoReader(probed.Info.Path, probed.Index);
            Path = clip.Path;
            NextUnemitted = 0;
            LastClipStart = 0;
            (_batchIndex, StrideAnchor) = _resume.TryGetValue(clip.Path, out var resume) ? resume : (0, clip.StartFrame);
            _framesTotal = probed.Index.FrameCount;
        }

        public void CloseVideo()
        {
            if (Path is not null) _resume[Path] = (_batchIndex, StrideAnchor);
            Reader?.Dispose();
            Reader = null;
            Path = null;
        }

        public void Add(VideoReader reader, int clipIndex, long frame)
        {
            int slot = _refs.Count;
            if (slot == _mats.Count) _mats.Add(new Mat());
            var mat = _mats[slot];
            if (!reader.Retrieve(mat) || mat.Empty())
                throw new InvalidDataException($"Frame {frame} of '{Path}' was decoded but could not be converted.");
            _refs.Add(new FrameRef
            {
                Path = Path!,
                ClipIndex = clipIndex,
                FrameIndex = frame,
                Timestamp = reader.Index.TimeOf(frame),
                SourceWidth = mat.Cols,
                SourceHeight = mat.Rows,
            });
        }

        /// <summary>
        /// Hands the decoded frames to preprocessing (in parallel, on the thread pool) and goes back to
        /// decoding into the spare set of Mats while it runs; the batch before it is queued first, so
        /// order is kept. <paramref name="final"/> also waits for this batch (end of a video).
        /// </summary>
        public async ValueTask FlushAsync(ChannelWriter<BatchEvent> writer, CancellationToken ct, bool final = true)
        {
            await EmitPreparedAsync(writer, ct).ConfigureAwait(false);
            int n = _refs.Count;
            if (n > 0)
            {
                var mats = _mats;
                var refs = _refs.ToArray();
                string path = Path!;
                int batchIndex = _batchIndex++;
                long total = _framesTotal;
                _prepared = Task.Run(() => Prepare(path, batchIndex, mats, refs, total, ct), ct);
                (_mats, _spare) = (_spare, _mats);
                _refs.Clear();
            }
            if (final) await EmitPreparedAsync(writer, ct).ConfigureAwait(false);
        }

        private BatchReady Prepare(string path, int batchIndex, List<Mat> mats, FrameRef[] refs, long total, CancellationToken ct)
        {
            int frameLength = _options.Preprocess.FrameLength;
            var tensor = _pool.Rent(refs.Length * frameLength);
            try
            {
                Parallel.For(0, refs.Length, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = PreprocessParallelism }, i =>
                {
                    refs[i].Transform = _preprocessor.Process(mats[i], tensor.AsSpan(i * frameLength, frameLength));
                });
            }
            catch
            {
                _pool.Return(tensor);
                throw;
            }
            var batch = new FrameBatch(path, batchIndex, refs, _options.Preprocess, tensor, _pool) { FrameStride = _options.FrameStride };
            return new BatchReady(batch, refs[^1].FrameIndex + 1, total);
        }

        private async ValueTask EmitPreparedAsync(ChannelWriter<BatchEvent> writer, CancellationToken ct)
        {
            if (_prepared is null) return;
            var task = _prepared;
            _prepared = null;
            var ready = await task.ConfigureAwait(false);
            try
            {
                await writer.WriteAsync(ready, ct).ConfigureAwait(false);
            }
            catch
            {
                ready.Batch.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            CloseVideo();
            if (_prepared is not null)
            {
                // Stopped mid-batch: let the preprocessing finish with its Mats before they are freed.
                try { _prepared.Wait(); _prepared.Result.Batch.Dispose(); }
                catch (AggregateException) { }
            }
            foreach (var m in _mats.Concat(_spare)) m.Dispose();
            _mats.Clear();
            _spare.Clear();
        }
    }
}
