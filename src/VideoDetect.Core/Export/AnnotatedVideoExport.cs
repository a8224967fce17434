using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Export;

/// <summary>What <see cref="AnnotatedVideoOutput.Commit"/> wrote.</summary>
public sealed record AnnotatedVideoResult(FileInfo File, string SourcePath, long FirstFrame, long LastFrame, long FramesWritten, EncoderChoice Encoder) : ISourceResult
{
    /// <summary>Each line's final counts as drawn ("Gate in 2 out 1"), when lines were drawn.</summary>
    public IReadOnlyList<string> LineCounts { get; init; } = Array.Empty<string>();

    /// <summary>Frames the source did not give, each replaced by the next (for a live source: dropped by the stream, or by the kept frames when drawing fell behind).</summary>
    public long FramesLost { get; init; }

    public override string ToString() =>
        $"Wrote {File.FullName}: frames {FirstFrame}..{LastFrame} of {Path.GetFileName(SourcePath)}, {FramesWritten} frames ({Encoder})."
        + (FramesLost > 0 ? $" {FramesLost} frames lost, each replaced by the next." : "")
        + (LineCounts.Count > 0 ? " Lines: " + string.Join(", ", LineCounts) + "." : "");
}

/// <summary>
/// Export-AnnotatedVideo's sink (<see cref="ISourceSink"/>, run by <see cref="SourceSinkDriver"/>):
/// one annotated video per source, <c>&lt;source name&gt;.annotated.mp4</c> with -OutputDirectory.
/// Each source gets one <see cref="AnnotatedVideoWriter"/> (one background worker that re-decodes,
/// draws and feeds its encoder, to a hidden temporary file renamed on commit): a sealed source keeps
/// encoding while the next one's frames arrive, as many at once as the driver's -ThrottleLimit.
/// A live source (an rtsp/http/udp URL) cannot be decoded a second time: its writer draws on the
/// frames kept from the first decode (the taps of the <see cref="LiveFrameKeep"/> lease it is given,
/// bounded; the cmdlet takes it in BeginProcessing), so it must run in the pipeline that decodes the
/// stream; otherwise the source is <see cref="SourceNotSeekableException"/> (SourceNotSeekable).
/// A file's writer draws on the frames the batcher kept of it in the same lease (<see cref="LiveFrameKeep.Files"/>)
/// and decodes only those not kept (<see cref="KeptFrameSource"/>); <see cref="Claim"/> announces each
/// source so that a finished or skipped file's frames are let go.
/// </summary>
public sealed class AnnotatedVideoExport : ISourceSink
{
    /// <summary>The naming rule of -OutputDirectory: <c>&lt;source name&gt;.annotated.mp4</c>.</summary>
    public const string Suffix = ".annotated.mp4";

    /// <summary>The annotated video, as the store's outputs record names it (Get-DetectionStore -MissingOutput AnnotatedVideo).</summary>
    public string OutputKind => "AnnotatedVideo";

    private readonly EncoderChoice _encoder;
    private readonly AnnotationOptions _options;
    private readonly ProbeOptions? _probe;
    private readonly CancellationToken _ct;
    private readonly Func<SinkOptions, IFrameSink>? _sinkFactory;
    private readonly LiveFrameKeep? _liveFrames;

    /// <param name="sinkFactory">Opens each source's encoder sink (tests); by default the encoder's.</param>
    /// <param name="liveFrames">The lease whose taps hold live sources' frames (owned by the caller); null: live sources are SourceNotSeekable.</param>
    public AnnotatedVideoExport(EncoderChoice encoder, AnnotationOptions options, CancellationToken cancellationToken = default,
        ProbeOptions? probe = null, Func<SinkOptions, IFrameSink>? sinkFactory = null, LiveFrameKeep? liveFrames = null)
    {
        _liveFrames = liveFrames;
        _encoder = encoder;
        _options = options;
        _probe = probe;
        _ct = cancellationToken;
        _sinkFactory = sinkFactory;
    }

    /// <summary>Replace an existing target (-Force).</summary>
    internal bool Overwrite => _options.Overwrite;

    /// <summary>Checks -Path or -OutputDirectory for a video writer (extension, folders); throws <see cref="InvalidOutputPathException"/>.</summary>
    public static OutputLocation Resolve(string fullPath, bool isDirectory) =>
        isDirectory ? OutputLocation.ForDirectory(fullPath) : OutputLocation.ForFile(fullPath, Encoders.ExtensionProblem);

    /// <summary>Claims the target; throws <see cref="OutputPathConflictException"/> or <see cref="OutputExistsException"/>.</summary>
    public string Claim(OutputClaims claims, string sourcePath)
    {
        AnnounceKept(sourcePath);
        return claims.Claim(sourcePath, Suffix);
    }

    /// <summary>The export moves on to <paramref name="sourcePath"/>: the frames kept of the files before it, whose writers are gone, are let go (<see cref="FileFrameTaps.Announce"/>).</summary>
    internal void AnnounceKept(string sourcePath)
    {
        if (_liveFrames?.Files is { } files && !LiveUrl.IsLive(sourcePath)) files.Announce(Path.GetFullPath(sourcePath));
    }

    /// <summary>
    /// Starts writing the claimed source: probes it (the exact index the writer seeks with), creates
    /// the output folder, starts the writer. Throws <see cref="SourceUnavailableException"/> or
    /// <see cref="InvalidOutputPathException"/>; <see cref="OperationCanceledException"/> when stopped.
    /// </summary>
    public ISourceOutput Open(SinkTarget target, FrameDetections first) => OpenAt(target, first, -1);

    /// <summary>
    /// <see cref="Open"/>, the video starting at <paramref name="startFrame"/> when that comes before
    /// <paramref name="first"/> (a segment continuing where the one before ended; -1: at <paramref name="first"/>).
    /// A live source's writer draws on its kept frames; none kept is <see cref="SourceNotSeekableException"/>.
    /// </summary>
    internal AnnotatedVideoOutput OpenAt(SinkTarget target, FrameDetections first, long startFrame)
    {
        AnnounceKept(target.SourcePath); // a segment's writer: its source is the current one
        LiveFrameTap? tap = null;
        ProbedVideo probed;
        if (LiveUrl.IsLive(target.SourcePath))
        {
            tap = _liveFrames?.Find(target.SourcePath) ?? throw new SourceNotSeekableException(target.SourcePath,
                $"'{target.SourcePath}' is a live source: its frames cannot be decoded a second time, and none were kept from the first decode. " +
                $"Export-AnnotatedVideo draws on a live source only in the pipeline that decodes it (Split-VideoClip -Path {target.SourcePath} | ConvertTo-FrameBatch | Invoke-FrameDetection | Export-AnnotatedVideo).");
            probed = LiveSource(tap, first);
        }
        else
        {
            try
            {
                probed = VideoProbe.Probe(target.SourcePath, _probe, _ct);
            }
            catch (VideoException e)
            {
                throw new SourceUnavailableException(target.SourcePath, e.Message, e);
            }
        }
        target.Location.EnsureDirectory();
        // FFmpeg threads from the sources encoding now, this one included: a source that encodes alone keeps FFmpeg's defaults.
        var options = _options with { Threads = ExportParallelism.ThreadsPerSource(1 + target.Alongside, Environment.ProcessorCount) };
        // A file draws on the frames the batcher kept of it, when it kept any (the lease's Files), else decodes it again.
        var writer = new AnnotatedVideoWriter(probed, target.Path, _encoder, options, _ct, _sinkFactory, tap, startFrame, tap is null ? _liveFrames?.Files : null);
        return new AnnotatedVideoOutput(writer, _encoder, _options.Overwrite, _ct);
    }

    /// <summary>What the writer needs of a live source: its URL, frame size (the kept frames', else the detections') and nominal rate (FFmpeg's; 25 when it said none).</summary>
    private static ProbedVideo LiveSource(LiveFrameTap tap, FrameDetections first)
    {
        double fps = tap.FramesPerSecond ?? 25;
        var info = new VideoInfo
        {
            Path = tap.Url,
            Width = tap.Width > 0 ? tap.Width : first.SourceWidth,
            Height = tap.Height > 0 ? tap.Height : first.SourceHeight,
            FrameRate = Rational.FromDouble(fps, 1001),
            FramesPerSecond = fps,
        };
        return new ProbedVideo(info, VideoIndex.ConstantRate(0, 0, 1000 / fps));
    }
}

/// <summary>
/// One source's annotated video while it is written (<see cref="ISourceOutput"/> over its
/// <see cref="AnnotatedVideoWriter"/>): any failure other than a refused frame or a stop comes as
/// <see cref="SourceUnavailableException"/> or <see cref="EncoderFailedException"/>. Abandoned
/// (disposed before the commit), the writer kills its encoder and deletes its temporary file.
/// </summary>
public sealed class AnnotatedVideoOutput : ISourceOutput
{
    private readonly EncoderChoice _encoder;
    private readonly bool _overwrite;
    private readonly CancellationToken _ct;

    internal AnnotatedVideoOutput(AnnotatedVideoWriter writer, EncoderChoice encoder, bool overwrite, CancellationToken ct)
    {
        Writer = writer;
        _encoder = encoder;
        _overwrite = overwrite;
        _ct = ct;
    }

    /// <summary>The source's writer (for progress).</summary>
    public AnnotatedVideoWriter Writer { get; }

    public string SourcePath => Writer.SourcePath;

    public bool Completed => Writer.Encoded;

    /// <summary>Hands one frame to the writer; throws <see cref="FrameOutOfOrderException"/> for a frame refused (the video goes on).</summary>
    public bool Add(FrameDetections frame)
    {
        try
        {
            Writer.Add(frame);
            return true;
        }
        catch (Exception e) when (e is not FrameOutOfOrderException && !IsStop(e))
        {
            throw Failure(e);
        }
    }

    /// <summary>Ends the input: the writer goes on encoding in the background. False when every frame was refused (nothing to write).</summary>
    public bool Seal()
    {
        if (Writer.FirstFrame < 0) return false;
        Writer.CompleteAdding();
        return true;
    }

    /// <summary>
    /// Waits for the encoder and renames the file onto the target. Throws <see cref="OutputExistsException"/>
    /// (the target appeared meanwhile), <see cref="SourceUnavailableException"/> or <see cref="EncoderFailedException"/>;
    /// <see cref="OperationCanceledException"/> when stopped.
    /// </summary>
    public ISourceResult Commit()
    {
        try
        {
            var file = Writer.Commit();
            return new AnnotatedVideoResult(file, Writer.SourcePath, Writer.FirstFrame, Writer.LastFrame, Writer.FramesWritten, _encoder)
            {
                FramesLost = Writer.FramesLost,
                LineCounts = Writer.Overlay is { } overlay ? overlay.Counts.Keys.Select(overlay.CountText).ToList() : Array.Empty<string>(),
            };
        }
        catch (IOException e) when (File.Exists(Writer.TargetPath) && !_overwrite)
        {
            throw new OutputExistsException(Writer.TargetPath, $"'{Writer.TargetPath}' appeared while it was being written; use -Force to replace it.", e);
        }
        catch (Exception e) when (!IsStop(e))
        {
            throw Failure(e);
        }
    }

    private bool IsStop(Exception e) => e is OperationCanceledException && _ct.IsCancellationRequested;

    private VideoDetectException Failure(Exception e) => e switch
    {
        SourceUnavailableException s => s,
        _ => new EncoderFailedException($"Writing '{Writer.TargetPath}' failed; nothing was left behind: {e.Message}", e) { Target = Writer.TargetPath },
    };

    /// <summary>Stops the writer; without a commit it kills the encoder and deletes the temporary file.</summary>
    public void Dispose() => Writer.Dispose();
}
