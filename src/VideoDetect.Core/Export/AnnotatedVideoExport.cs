using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Export;

/// <summary>What <see cref="AnnotatedVideoExport.CommitOldest"/> wrote.</summary>
public sealed record AnnotatedVideoResult(FileInfo File, string SourcePath, long FirstFrame, long LastFrame, long FramesWritten, EncoderChoice Encoder)
{
    public override string ToString() =>
        $"Wrote {File.FullName}: frames {FirstFrame}..{LastFrame} of {Path.GetFileName(SourcePath)}, {FramesWritten} frames ({Encoder}).";
}

/// <summary>
/// Export-AnnotatedVideo's per-source state machine: the frames arrive in frame order, one source
/// after another; each source gets one <see cref="AnnotatedVideoWriter"/> (one background worker that
/// re-decodes, draws and feeds its encoder) and one target file.
/// <para>
/// Per source: <see cref="IsNewSource"/> (a new Path starts a new source) → <see cref="Seal"/> of the
/// one before → <see cref="Claim"/> (the naming rule and the conflict/exists policy of
/// <see cref="OutputClaims"/>) → the caller's confirmation (ShouldProcess) → <see cref="Open"/>
/// (probes the source, creates the folder, starts the writer) → <see cref="Add"/> for each frame →
/// <see cref="Seal"/> → <see cref="CommitOldest"/> (the atomic rename). A source whose claim or open
/// failed, or that was not confirmed, is skipped: its frames go nowhere. Each failure is a
/// <see cref="VideoDetectException"/> carrying its error id, thrown once; the export goes on with
/// the next frame or source.
/// </para>
/// <para>
/// Several sources at once: a sealed source keeps encoding in the background while the next one's
/// frames arrive; at most <see cref="ThrottleLimit"/> sources encode at once (<see cref="CommitDue"/>
/// says when the caller must commit the oldest to make room), and they are committed in the order
/// they came, so results and errors come in input order. With a limit of 1 a source is committed
/// before the next one opens.
/// </para>
/// Used on one thread (the pipeline's); owns the current writer and the sealed ones, and disposes
/// them (a writer disposed before its commit kills its encoder and deletes its temporary file).
/// </summary>
public sealed class AnnotatedVideoExport : IDisposable
{
    /// <summary>The naming rule of -OutputDirectory: <c>&lt;source name&gt;.annotated.mp4</c>.</summary>
    public const string Suffix = ".annotated.mp4";

    private readonly OutputClaims _claims;
    private readonly EncoderChoice _encoder;
    private readonly AnnotationOptions _options;
    private readonly ProbeOptions? _probe;
    private readonly CancellationToken _ct;
    private readonly Func<SinkOptions, IFrameSink>? _sinkFactory;
    private readonly Queue<AnnotatedVideoWriter> _encoding = new(); // sealed, still to commit; oldest first
    private string? _source;         // the source whose frames are arriving
    private string? _target;         // its claimed target, until opened or skipped
    private AnnotatedVideoWriter? _writer; // null while the current source is skipped

    /// <param name="throttleLimit">Sources encoding at once (1..64).</param>
    /// <param name="sinkFactory">Opens each source's sink (tests); by default the encoder's.</param>
    public AnnotatedVideoExport(OutputLocation output, EncoderChoice encoder, AnnotationOptions options, CancellationToken cancellationToken = default,
        ProbeOptions? probe = null, int throttleLimit = 1, Func<SinkOptions, IFrameSink>? sinkFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        _claims = new OutputClaims(output, options.Overwrite);
        _encoder = encoder;
        ThrottleLimit = throttleLimit;
        _options = options;
        _probe = probe;
        _ct = cancellationToken;
        _sinkFactory = sinkFactory;
    }

    /// <summary>The most sources that encode at once.</summary>
    public int ThrottleLimit { get; }

    /// <summary>Checks -Path or -OutputDirectory for a video writer (extension, folders); throws <see cref="InvalidOutputPathException"/>.</summary>
    public static OutputLocation Resolve(string fullPath, bool isDirectory) =>
        isDirectory ? OutputLocation.ForDirectory(fullPath) : OutputLocation.ForFile(fullPath, Encoders.ExtensionProblem);

    /// <summary>The writer of the current source (for progress), or null.</summary>
    public AnnotatedVideoWriter? Writer => _writer;

    /// <summary>True when <paramref name="frame"/> belongs to another source than the current one: the caller finishes the current one and claims the new one.</summary>
    public bool IsNewSource(FrameDetections frame) => !string.Equals(frame.Path, _source, StringComparison.Ordinal);

    /// <summary>
    /// Makes <paramref name="sourcePath"/> the current source and claims its target (returned).
    /// Throws <see cref="OutputPathConflictException"/> or <see cref="OutputExistsException"/>; the
    /// source is then skipped. Call <see cref="Seal"/> first.
    /// </summary>
    public string Claim(string sourcePath)
    {
        if (_writer is not null) throw new InvalidOperationException("Seal the current source first.");
        _source = sourcePath;
        _target = null;
        _target = _claims.Claim(sourcePath, Suffix);
        return _target;
    }

    /// <summary>
    /// Starts writing the claimed source: probes it (the exact index the writer seeks with), creates
    /// the output folder, starts the writer. Throws <see cref="SourceUnavailableException"/> or
    /// <see cref="InvalidOutputPathException"/> (the source is then skipped);
    /// <see cref="OperationCanceledException"/> when stopped.
    /// </summary>
    public void Open()
    {
        string target = _target ?? throw new InvalidOperationException("Claim a source first.");
        string source = _source!;
        _target = null;
        ProbedVideo probed;
        try
        {
            probed = VideoProbe.Probe(source, _probe, _ct);
        }
        catch (VideoException e)
        {
            throw new SourceUnavailableException(source, e.Message, e);
        }
        if (_encoding.Count >= ThrottleLimit) throw new InvalidOperationException("Commit the oldest source first (CommitDue).");
        _claims.Location.EnsureDirectory();
        // FFmpeg threads from the sources encoding now, this one included: a source that encodes alone keeps FFmpeg's defaults.
        int encoding = 1 + _encoding.Count(w => !w.Encoded);
        var options = _options with { Threads = ExportParallelism.ThreadsPerSource(encoding, Environment.ProcessorCount) };
        _writer = new AnnotatedVideoWriter(probed, target, _encoder, options, _ct, _sinkFactory);
    }

    /// <summary>
    /// Hands one frame to the current writer; false (and nothing done) when the source is skipped.
    /// Throws <see cref="FrameOutOfOrderException"/> for a frame refused (the video goes on); any
    /// other failure ends the source (nothing left behind) and comes as
    /// <see cref="SourceUnavailableException"/> or <see cref="EncoderFailedException"/>;
    /// <see cref="OperationCanceledException"/> when stopped.
    /// </summary>
    public bool Add(FrameDetections frame)
    {
        if (_writer is null) return false;
        try
        {
            _writer.Add(frame);
            return true;
        }
        catch (Exception e) when (e is not FrameOutOfOrderException && !IsStop(e))
        {
            var writer = _writer;
            _writer = null;
            var error = Failure(e, writer);
            writer.Dispose(); // kills the encoder, deletes the temporary file
            throw error;
        }
    }

    /// <summary>
    /// Ends the current source's input: its writer goes on encoding in the background until
    /// <see cref="CommitOldest"/> commits it. A source that was skipped, or whose every frame was
    /// refused (FrameOutOfOrder, already reported), leaves nothing.
    /// </summary>
    public void Seal()
    {
        var writer = _writer;
        _writer = null;
        _target = null;
        if (writer is null) return;
        if (writer.FirstFrame < 0)
        {
            writer.Dispose();
            return;
        }
        writer.CompleteAdding();
        _encoding.Enqueue(writer);
    }

    /// <summary>
    /// Whether the caller should <see cref="CommitOldest"/> now: the oldest sealed source has finished
    /// encoding (committing it does not wait), the sealed sources fill <see cref="ThrottleLimit"/>
    /// (no room to open the next one), or, with <paramref name="all"/> (the end of the input), any is left.
    /// </summary>
    public bool CommitDue(bool all = false) =>
        _encoding.Count > 0 && (all || _encoding.Count >= ThrottleLimit || _encoding.Peek().Encoded);

    /// <summary>
    /// Commits the oldest sealed source (waiting for its encoder) and returns what was written. Throws
    /// <see cref="OutputExistsException"/> (the target appeared meanwhile), <see cref="SourceUnavailableException"/>
    /// or <see cref="EncoderFailedException"/>; nothing is left behind then;
    /// <see cref="OperationCanceledException"/> when stopped.
    /// </summary>
    public AnnotatedVideoResult CommitOldest()
    {
        var writer = _encoding.Dequeue();
        try
        {
            var file = writer.Commit();
            return new AnnotatedVideoResult(file, writer.SourcePath, writer.FirstFrame, writer.LastFrame, writer.FramesWritten, _encoder);
        }
        catch (IOException e) when (File.Exists(writer.TargetPath) && !_options.Overwrite)
        {
            throw new OutputExistsException(writer.TargetPath, $"'{writer.TargetPath}' appeared while it was being written; use -Force to replace it.", e);
        }
        catch (Exception e) when (!IsStop(e))
        {
            throw Failure(e, writer);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private bool IsStop(Exception e) => e is OperationCanceledException && _ct.IsCancellationRequested;

    private static VideoDetectException Failure(Exception e, AnnotatedVideoWriter writer) => e switch
    {
        SourceUnavailableException s => s,
        _ => new EncoderFailedException($"Writing '{writer.TargetPath}' failed; nothing was left behind: {e.Message}", e) { Target = writer.TargetPath },
    };

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        while (_encoding.TryDequeue(out var writer)) writer.Dispose();
    }
}
