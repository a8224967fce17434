using System.Threading.Channels;
using OpenCvSharp;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Export;

/// <summary>How <see cref="AnnotatedVideoWriter"/> draws and encodes.</summary>
public sealed record AnnotationOptions
{
    /// <summary>Blur inside the boxes instead of drawing them.</summary>
    public bool Blur { get; init; }

    /// <summary>Frames that were not detected on (a -FrameStride gap, a -SkipStatic held frame) carry the most recent detections (true) or none (<see cref="HeldFrames.Shown"/>).</summary>
    public bool HoldDetections { get; init; } = true;

    /// <summary>Centre points drawn per track (tracked detections; 0: none).</summary>
    public int Trail { get; init; }

    /// <summary>
    /// Carry the source's audio, cut to the exported range (<see cref="AudioInput"/>; ffmpeg encoders
    /// only: OpenCV's writer writes video alone).
    /// </summary>
    public bool Audio { get; init; } = true;

    /// <summary>Replace an existing target on commit.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Frames' detections waiting to be drawn and encoded (the bound of the background queue). Deep,
    /// because they hold no pixels (about a kilobyte a frame at ten detections; the worker re-decodes
    /// the source): the pipeline can hand over most of a source and go on to the next one while this
    /// one is still encoding (<see cref="AnnotatedVideoExport"/> encodes several sources at once).
    /// </summary>
    public int QueueDepth { get; init; } = 4096;

    /// <summary>FFmpeg threads for the source's decoder and for the encoder (0: their defaults); set when several sources encode at once.</summary>
    public int Threads { get; init; }

    /// <summary>Regions and lines to draw, lines with live in/out counts (<see cref="RegionOverlay"/>); null: none.</summary>
    public Events.EventOptions? Overlay { get; init; }
}

/// <summary>
/// Writes one annotated copy of one source video, atomically, without holding frames.
/// <para>
/// The caller (the pipeline thread) hands in <see cref="FrameDetections"/> in frame order with
/// <see cref="Add"/>; they wait in a bounded queue. One background worker re-decodes the source
/// sequentially in lockstep with them (frames between two detected frames, e.g. a -FrameStride gap,
/// are decoded too and carry the most recent detections or none), draws, and feeds the sink (an
/// ffmpeg process encodes beside it; OpenCV's writer encodes on the worker). The processed range is
/// from the first to the last frame handed in.
/// </para>
/// <para>
/// Atomic: frames go to a hidden temporary file beside the target (<see cref="PendingFile.Hidden"/>:
/// <c>.name.xxxxxxxx.tmp.ext</c>); <see cref="Commit"/> renames it onto the target. Dispose without a successful commit (an error,
/// cancellation) stops the worker, kills the encoder and deletes the temporary file.
/// </para>
/// Second decode: a file is read again through the frame-source seam (<see cref="FrameSources.OpenFile"/>,
/// the exact, seekable kind of <see cref="IFrameSource"/>), only for the frames the batcher did not keep
/// when the writer is given kept frames (<see cref="FileFrameTaps"/>, read through <see cref="KeptFrameSource"/>:
/// the same pixels, without the decode); a forward-only (live) source cannot be read
/// again, so a live writer draws on the frames kept from the first decode instead (its
/// <see cref="LiveFrameTap"/>, read through <see cref="LiveTapFrameSource"/>; no audio).
/// Ownership: the worker owns the frame source, the one frame <see cref="Mat"/> and the
/// sink (opened at the first frame, whose time is where the source's audio starts: <see cref="AudioInput"/>),
/// and frees them when it ends. Failure: the worker's exception completes the queue, so a
/// waiting <see cref="Add"/> or <see cref="Commit"/> rethrows it (never a hang).
/// </summary>
public sealed class AnnotatedVideoWriter : IDisposable
{
    private readonly ProbedVideo _source;
    private readonly AnnotationOptions _options;
    private readonly Channel<FrameDetections> _queue;
    private readonly CancellationTokenSource _cts;
    private readonly Func<long, IFrameSink> _openSink;
    private readonly EncoderChoice _encoder;
    private readonly string _container;
    private readonly Task _worker;
    private readonly PendingFile _file;
    private readonly LiveFrameTap? _tap;  // a live source: the frames kept from the first decode
    private readonly FileFrameTaps? _keptFiles; // a file: the frames the batcher kept of it (some, all or none)
    private readonly long _startFrame;    // the first frame to encode when before the first handed in (-1: that one)
    private long _framesWritten;
    private long _framesLost;
    private long _framesKept;
    private bool _committed;
    private bool _disposed;

    /// <summary>
    /// Starts the worker. <paramref name="sinkFactory"/> opens the sink on the given temporary path
    /// (tests use it to inject failures); by default <see cref="SinkOptions.Open"/> with <paramref name="encoder"/>.
    /// </summary>
    public AnnotatedVideoWriter(ProbedVideo source, string targetPath, EncoderChoice encoder, AnnotationOptions? options = null,
        CancellationToken cancellationToken = default, Func<SinkOptions, IFrameSink>? sinkFactory = null)
        : this(source, targetPath, encoder, options, cancellationToken, sinkFactory, null, -1, null)
    {
    }

    /// <summary>
    /// Starts the worker over a file (<paramref name="tap"/> null) or over a live source's kept frames
    /// (<paramref name="source"/> then says only its URL, size and rate). <paramref name="startFrame"/>:
    /// the first frame to encode when it comes before the first frame handed in (a segment that starts
    /// where the one before ended, -FrameStride frames included); -1: the first frame handed in.
    /// <paramref name="keptFiles"/>: a file's frames kept from the first decode, drawn on where kept (null: decode every frame again).
    /// </summary>
    internal AnnotatedVideoWriter(ProbedVideo source, string targetPath, EncoderChoice encoder, AnnotationOptions? options,
        CancellationToken cancellationToken, Func<SinkOptions, IFrameSink>? sinkFactory, LiveFrameTap? tap, long startFrame, FileFrameTaps? keptFiles)
    {
        _source = source;
        _tap = tap;
        _keptFiles = tap is null ? keptFiles : null;
        _startFrame = startFrame;
        _options = options ?? new AnnotationOptions();
        string full = Path.GetFullPath(targetPath);
        // The caller checked the extension (Encoders.ExtensionProblem, through OutputLocation): one here is a bug.
        string container = Encoders.ContainerFor(full) ?? throw new ArgumentException(Encoders.ExtensionProblem(full), nameof(targetPath));
        _file = PendingFile.Hidden(full);
        var info = source.Info;
        var sink = new SinkOptions(TempPath, info.Width, info.Height, info.FrameRate.IsPositive ? info.FrameRate : Rational.FromDouble(info.FramesPerSecond), encoder.Codec, container)
        {
            Threads = _options.Threads,
        };
        _encoder = encoder;
        _container = container;
        // Opened by the worker at the first frame, whose time is where the audio starts.
        _openSink = first =>
        {
            Audio = PlanAudio(first);
            return (sinkFactory ?? (o => SinkOptions.Open(o, encoder)))(sink with { Audio = Audio });
        };
        _queue = Channel.CreateBounded<FrameDetections>(new BoundedChannelOptions(Math.Max(1, _options.QueueDepth))
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _worker = Task.Run(RunAsync);
    }

    public string SourcePath => _source.Info.Path;
    /// <summary>How many frames the source has (0: a live source, which has no end).</summary>
    public long SourceFrameCount => _tap is null ? _source.Index.FrameCount : 0;

    /// <summary>True when the frames drawn on are a live source's, kept from the first decode.</summary>
    public bool IsLive => _tap is not null;
    public string TargetPath => _file.TargetPath;
    /// <summary>The hidden file the frames are written to until <see cref="Commit"/>.</summary>
    public string TempPath => _file.TempPath;
    /// <summary>The first and last frame handed in (-1 before any).</summary>
    public long FirstFrame { get; private set; } = -1;
    public long LastFrame { get; private set; } = -1;
    /// <summary>The regions and lines drawn, with the lines' counts so far (null without <see cref="AnnotationOptions.Overlay"/>; set by the worker).</summary>
    public RegionOverlay? Overlay { get; private set; }

    /// <summary>The source's audio being carried (set by the worker at the first frame; null: none).</summary>
    public AudioInput? Audio { get; private set; }

    /// <summary>
    /// Ends the input without waiting: the worker encodes what it was given and closes the file;
    /// <see cref="Commit"/> later waits for it and renames. No <see cref="Add"/> after this.
    /// </summary>
    public void CompleteAdding() => _queue.Writer.TryComplete();

    /// <summary>True once the worker has ended (the file is encoded, or it failed): <see cref="Commit"/> will not wait.</summary>
    public bool Encoded => _worker.IsCompleted;

    /// <summary>Frames drawn from those kept from the first decode instead of decoded again (a file's; set when the worker has encoded the last).</summary>
    public long FramesKept => Interlocked.Read(ref _framesKept);

    /// <summary>Frames encoded so far (read from any thread).</summary>
    public long FramesWritten => Interlocked.Read(ref _framesWritten);

    /// <summary>Frames the source did not give (corrupt data; for a live source, frames the stream or the kept frames dropped), each replaced by the next one.</summary>
    public long FramesLost => Interlocked.Read(ref _framesLost);

    /// <summary>
    /// Queues one frame's detections (waits while the queue is full). Throws
    /// <see cref="FrameOutOfOrderException"/>, and queues nothing, for a frame not after the last one
    /// or past the source's end; rethrows the worker's failure; <see cref="OperationCanceledException"/> when stopped.
    /// </summary>
    public void Add(FrameDetections frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.FrameIndex <= LastFrame)
            throw new FrameOutOfOrderException(SourcePath, frame.FrameIndex, $"Frame {frame.FrameIndex} of '{SourcePath}' arrived after frame {LastFrame}: frames must arrive in increasing order, each once.");
        if (frame.FrameIndex < 0 || (_tap is null && frame.FrameIndex >= _source.Index.FrameCount))
            throw new FrameOutOfOrderException(SourcePath, frame.FrameIndex, $"Frame {frame.FrameIndex} is not a frame of '{SourcePath}', which has {_source.Index.FrameCount}.");
        try
        {
            _queue.Writer.WriteAsync(frame, _cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            ThrowWorkerFailure();
            throw;
        }
        if (FirstFrame < 0) FirstFrame = frame.FrameIndex;
        LastFrame = frame.FrameIndex;
    }

    /// <summary>
    /// Finishes: waits for the worker to encode every queued frame, closes the file and renames it
    /// onto the target (replacing it only with <see cref="AnnotationOptions.Overwrite"/>). Throws the
    /// worker's failure, <see cref="IOException"/> when the target exists, or <see cref="InvalidOperationException"/> when no frame came.
    /// </summary>
    public FileInfo Commit()
    {
        if (FirstFrame < 0) throw new InvalidOperationException($"No frames of '{SourcePath}' were given: nothing to write.");
        _queue.Writer.TryComplete();
        try
        {
            _worker.Wait(_cts.Token);
        }
        catch (AggregateException)
        {
            ThrowWorkerFailure();
        }
        var file = _file.Commit(_options.Overwrite);
        _committed = true;
        return file;
    }

    private void ThrowWorkerFailure()
    {
        try
        {
            _worker.Wait(_cts.Token);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private async Task RunAsync()
    {
        var ct = _cts.Token;
        try
        {
            IFrameSink? sink = null;
            try
            {
                using var reader = OpenReader();
                using var frame = new Mat();
                var renderer = new AnnotationRenderer(_source.Info.Width, _source.Info.Height, _options.Blur, _options.Trail);
                var overlay = _options.Overlay is { } shapes ? new RegionOverlay(shapes, _source.Info.Width, _source.Info.Height) : null;
                Overlay = overlay;
                IReadOnlyList<Detection> held = Array.Empty<Detection>();
                bool started = false;
                var timings = new ExportTimings();
                timings.Mark();
                await foreach (var detections in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    timings.Waited();
                    if (!started)
                    {
                        long start = _startFrame >= 0 && _startFrame < detections.FrameIndex ? _startFrame : detections.FrameIndex;
                        sink = _openSink(start);
                        if (start > 0) reader.Seek(start);
                        started = true;
                    }
                    // The gap before this frame: decoded and written with what was held (or nothing).
                    while (reader.Position <= detections.FrameIndex)
                    {
                        ct.ThrowIfCancellationRequested();
                        bool isTarget = Decode(reader, frame) >= detections.FrameIndex;
                        timings.Decoded();
                        var draw = HeldFrames.Shown(isTarget ? detections : null, held, _options.HoldDetections);
                        if (overlay is not null)
                        {
                            // Counted at the frame itself (each frame once), drawn under the boxes.
                            if (isTarget) overlay.Observe(detections);
                            overlay.Draw(frame);
                        }
                        renderer.Draw(frame, draw);
                        timings.Drawn();
                        // A frame the decoder dropped (corrupt data) is replaced by the next one that decodes.
                        if (reader.SkippedBeforeCurrent > 0) Interlocked.Add(ref _framesLost, reader.SkippedBeforeCurrent);
                        for (long i = 0; i <= reader.SkippedBeforeCurrent; i++)
                        {
                            sink!.Write(frame);
                            Interlocked.Increment(ref _framesWritten);
                            timings.Frames++;
                        }
                        timings.Written();
                    }
                    held = detections.Detections;
                    timings.Mark();
                }
                ct.ThrowIfCancellationRequested();
                timings.Mark();
                sink?.Complete();
                timings.Written(); // the encoder's tail: the pipe closed, ffmpeg finishing
                if (reader is KeptFrameSource kept) Interlocked.Exchange(ref _framesKept, timings.Kept = kept.FramesKept);
                timings.Report(SourcePath);
            }
            finally
            {
                sink?.Dispose();
            }
        }
        catch (Exception e)
        {
            // A reader that cannot seek or decode where the index says: the source changed or went away.
            var error = e is InvalidDataException or VideoException ? new SourceUnavailableException(SourcePath, e.Message, e) : e;
            _queue.Writer.TryComplete(error);
            if (!ReferenceEquals(error, e)) throw error;
            throw;
        }
    }

    /// <summary>
    /// The audio to carry for an export starting at <paramref name="first"/>: none without ffmpeg, with
    /// <see cref="AnnotationOptions.Audio"/> off, when the container's header declares no audio stream
    /// (<see cref="ContainerAudio"/>: no ffprobe process then), or when ffprobe finds none.
    /// </summary>
    private AudioInput? PlanAudio(long first)
    {
        if (!_options.Audio || _tap is not null || _encoder.FfmpegPath is not { } ffmpeg) return null;
        if (ContainerAudio.HasAudio(SourcePath) == false) return null;
        var probe = AudioTrack.FfprobeBeside(ffmpeg) is { } ffprobe ? AudioTrack.Probe(ffprobe, SourcePath, _cts.Token) : null;
        if (probe is { AudioCodec: null }) return null;
        double offset = (_source.Index.TimeOfMs(first) - _source.Index.TimeOfMs(0)) / 1000;
        return AudioTrack.Plan(SourcePath, _container, offset, probe);
    }

    private IFrameSource OpenReader()
    {
        if (_tap is not null) return new LiveTapFrameSource(_tap, _cts.Token);
        try
        {
            VideoProbe.CheckFile(_source.Info.Path);
            var file = FrameSources.OpenFile(_source.Info.Path, _source.Index, _options.Threads);
            return _keptFiles is null ? file : new KeptFrameSource(file, _source.Index, _keptFiles, SourceIdentity.Of(_source.Info));
        }
        catch (VideoException e)
        {
            throw new SourceUnavailableException(_source.Info.Path, $"The source '{_source.Info.Path}' cannot be read again to draw on: {e.Message}", e);
        }
    }

    /// <summary>Decodes the next frame into <paramref name="frame"/>; returns its index.</summary>
    private long Decode(IFrameSource reader, Mat frame)
    {
        if (!reader.Grab() || !reader.Retrieve(frame) || frame.Empty())
        {
            _cts.Token.ThrowIfCancellationRequested(); // a stop ended the kept frames: not a failure of the source
            throw new SourceUnavailableException(SourcePath, _tap is not null
                ? $"The frames of the live source '{SourcePath}' kept from the first decode ended before frame {reader.Position} (the pipeline stopped)."
                : $"'{SourcePath}' did not decode frame {reader.Position}; it has changed since it was probed ({_source.Index.FrameCount} frames).");
        }
        if (frame.Cols != _source.Info.Width || frame.Rows != _source.Info.Height || frame.Type() != MatType.CV_8UC3)
            throw new SourceUnavailableException(SourcePath, $"Frame {reader.Current} of '{SourcePath}' is {frame.Cols}x{frame.Rows}, not {_source.Info.Width}x{_source.Info.Height}: a size change mid-video cannot be encoded.");
        return reader.Current;
    }

    /// <summary>Stops and waits for the worker; without a commit, kills the encoder and deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _queue.Writer.TryComplete();
        if (!_committed) _cts.Cancel();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(60));
        }
        catch (AggregateException)
        {
            // already reported through Add/Commit, or the run was cancelled
        }
        _file.Dispose(); // deletes the temporary file unless committed
        _cts.Dispose();
    }
}
