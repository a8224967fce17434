using System.Threading.Channels;
using OpenCvSharp;

namespace VideoDetect.Batching;

/// <summary>
/// Packs decoded frames, in the order they come, into batches of one video and preprocesses each full
/// batch on the thread pool while the next one fills; emits <see cref="BatchReady"/> in order. Each
/// video keeps its own <see cref="FrameBatch.BatchIndex"/> numbering, also when its clips resume after
/// another video's. Runs on one thread (the batcher's assembler); not thread-safe.
/// <para>
/// Ownership: <see cref="Add"/> takes the frame's Mat; it goes back to the <see cref="MatPool"/> once
/// its batch is preprocessed. A batch written out belongs to the channel's reader.
/// </para>
/// </summary>
internal sealed class BatchBuilder : IDisposable
{
    // The decode loop keeps one core busy while a batch is preprocessed beside it; preprocessing
    // spreads the frames of a batch over the other cores (bench/README.md has the measurement).
    private static readonly int PreprocessParallelism = Math.Max(1, Environment.ProcessorCount - 1);

    private readonly BatchOptions _options;
    private readonly FramePreprocessor _preprocessor;
    private readonly TensorPool _pool;
    private readonly MatPool _mats;
    private readonly List<FrameRef> _refs = new();
    private List<Mat> _frames = new();
    private Task<BatchReady>? _prepared;
    private int _batchIndex;
    private long _framesTotal;
    private readonly Dictionary<string, int> _nextBatch = new(StringComparer.Ordinal);

    public BatchBuilder(BatchOptions options, MatPool mats)
    {
        _options = options;
        _preprocessor = new FramePreprocessor(options.Preprocess);
        _pool = options.Pool ?? TensorPool.Shared;
        _mats = mats;
    }

    /// <summary>The video whose frames are being packed, or null between videos.</summary>
    public string? Path { get; private set; }

    public bool IsFull => _refs.Count == _options.BatchSize;

    /// <summary>Starts packing frames of <paramref name="path"/> (after a flush of the previous video).</summary>
    public void Begin(string path, long framesTotal)
    {
        End();
        Path = path;
        _framesTotal = framesTotal;
        _batchIndex = _nextBatch.TryGetValue(path, out int next) ? next : 0;
    }

    /// <summary>No more frames of this video for now (call after a final flush).</summary>
    public void End()
    {
        if (Path is not null) _nextBatch[Path] = _batchIndex;
        Path = null;
    }

    /// <summary>Adds a decoded frame; takes ownership of <paramref name="frame"/>.</summary>
    public void Add(FrameRef reference, Mat frame)
    {
        _refs.Add(reference);
        _frames.Add(frame);
    }

    /// <summary>A frame the gate held: it follows the last frame packed (which the gate inferred).</summary>
    public void Hold(FrameRef held)
    {
        if (_refs.Count == 0) throw new InvalidOperationException($"Held frame {held.FrameIndex} has no inferred frame before it.");
        _refs[^1].AddHeld(new HeldFrame(held.FrameIndex, held.Timestamp));
    }

    /// <summary>
    /// Hands the packed frames to preprocessing (in parallel, on the thread pool) and returns while it
    /// runs; the batch before it is written first, so order is kept. <paramref name="final"/> also
    /// waits for this batch (end of a video, or before an error is reported).
    /// </summary>
    public async ValueTask FlushAsync(ChannelWriter<BatchEvent> writer, CancellationToken ct, bool final = true)
    {
        await EmitPreparedAsync(writer, ct).ConfigureAwait(false);
        if (_refs.Count > 0)
        {
            var frames = _frames;
            var refs = _refs.ToArray();
            string path = Path!;
            int batchIndex = _batchIndex++;
            long total = _framesTotal;
            _prepared = Task.Run(() => Prepare(path, batchIndex, frames, refs, total, ct), CancellationToken.None);
            _frames = new List<Mat>(_options.BatchSize);
            _refs.Clear();
        }
        if (final) await EmitPreparedAsync(writer, ct).ConfigureAwait(false);
    }

    private BatchReady Prepare(string path, int batchIndex, List<Mat> frames, FrameRef[] refs, long total, CancellationToken ct)
    {
        int frameLength = _options.Preprocess.FrameLength;
        var tensor = _pool.Rent(refs.Length * frameLength);
        try
        {
            Parallel.For(0, refs.Length, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = PreprocessParallelism }, i =>
            {
                refs[i].Transform = _preprocessor.Process(frames[i], tensor.AsSpan(i * frameLength, frameLength));
            });
        }
        catch
        {
            _pool.Return(tensor);
            throw;
        }
        finally
        {
            foreach (var m in frames) _mats.Return(m);
        }
        var batch = new FrameBatch(path, batchIndex, refs, _options.Preprocess, tensor, _pool) { FrameStride = _options.FrameStride, SkipStatic = _options.SkipStatic };
        var last = refs[^1];
        long done = (last.HeldFrames.Count > 0 ? last.HeldFrames[^1].FrameIndex : last.FrameIndex) + 1;
        return new BatchReady(batch, done, total);
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
        if (_prepared is not null)
        {
            // Stopped mid-batch: let the preprocessing finish with its Mats before they are freed.
            try { _prepared.Wait(); _prepared.Result.Batch.Dispose(); }
            catch (AggregateException) { }
            _prepared = null;
        }
        foreach (var m in _frames) m.Dispose();
        _frames.Clear();
        _refs.Clear();
    }
}
