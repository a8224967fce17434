using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Video;

namespace VideoDetect.Results;

/// <summary>What <see cref="FrameDetectionExport.Finish"/> wrote for one source.</summary>
/// <param name="File">The finished file; null when the frames ended before the video did (the partial file is kept).</param>
public sealed record FrameDetectionResult(FileInfo? File, string PartialPath, string SourcePath, bool Resumed, int ClipsAppended, long LastFrame, long FrameCount)
{
    public bool Complete => File is not null;

    public override string ToString() => File is not null
        ? $"Wrote {File.FullName}{(Resumed ? " (resumed)" : "")}: {ClipsAppended} clips appended, frames up to {LastFrame} of {FrameCount}."
        : $"The frames of {System.IO.Path.GetFileName(SourcePath)} end at frame {LastFrame} of {FrameCount}: kept as {PartialPath} (whole clips) until the rest comes (Split-VideoClip -ResumeFrom).";
}

/// <summary>What Export-FrameDetection writes and how.</summary>
public sealed record FrameDetectionExportOptions
{
    public ResultFormat Format { get; init; } = ResultFormat.JsonLines;
    /// <summary>Replace a finished file of the same source; start a mismatching partial file over.</summary>
    public bool Force { get; init; }
    /// <summary>Written into the header.</summary>
    public string? ModuleVersion { get; init; }
    /// <summary>The run's start time, written into the header of every file it begins.</summary>
    public DateTimeOffset StartTime { get; init; } = DateTimeOffset.Now;
    /// <summary>With a root, headers record source paths relative to it (<see cref="SourceIdentity.Of(string, string?)"/>).</summary>
    public string? Root { get; init; }
    /// <summary>How sources are probed (frame rate and count for the header).</summary>
    public ProbeOptions? Probe { get; init; }
}

/// <summary>
/// Export-FrameDetection's per-source state machine, the same lifecycle as the annotated video's:
/// <see cref="IsNewSource"/> → <see cref="Claim"/> (naming rule and conflict policy; a finished file of
/// the same source needs Force, one of an older version of the file is replaced) → the caller's
/// confirmation → <see cref="Open"/> (probe, header, partial file: new, resumed or started over) →
/// <see cref="Add"/> per frame (a clip is appended when the next clip's first frame arrives) →
/// <see cref="Finish"/> (last clip, atomic rename). Frames a resumed file already holds are passed
/// over; a frame not after the previous one is a <see cref="FrameOutOfOrderException"/>. A failure
/// skips the rest of that source and leaves its partial file with whole clips. Used on one thread;
/// owns the current <see cref="ResultFileWriter"/>.
/// </summary>
public sealed class FrameDetectionExport : IDisposable
{
    private readonly OutputClaims _claims;
    private readonly FrameDetectionExportOptions _options;
    private readonly CancellationToken _ct;
    private readonly List<FrameDetections> _clip = new();
    private string? _source;
    private string? _target;
    private ResultFileWriter? _writer;
    private long _lastFrame = -1;

    public FrameDetectionExport(OutputLocation output, FrameDetectionExportOptions options, CancellationToken cancellationToken = default)
    {
        _claims = new OutputClaims(output, options.Force);
        _options = options;
        _ct = cancellationToken;
    }

    public string Suffix => ResultFiles.Suffix(_options.Format);

    /// <summary>The writer of the current source, or null.</summary>
    public ResultFileWriter? Writer => _writer;

    public bool IsNewSource(FrameDetections frame) => !string.Equals(frame.Path, _source, StringComparison.Ordinal);

    /// <summary>Makes <paramref name="sourcePath"/> current and claims its target (returned); throws <see cref="OutputPathConflictException"/> or <see cref="OutputExistsException"/>.</summary>
    public string Claim(string sourcePath)
    {
        if (_writer is not null) throw new InvalidOperationException("Finish the current source first.");
        _source = sourcePath;
        _target = null;
        string target = _claims.Claim(sourcePath, Suffix, mayExist: true);
        if (File.Exists(target) && !_options.Force)
        {
            // A finished file of this very source is kept; one made from an older version of the file is replaced when the new one completes.
            var header = ResultStore.TryReadHeader(target, _options.Format, out _);
            SourceIdentity? now = null;
            try { now = SourceIdentity.Of(sourcePath, _options.Root); } catch (FileNotFoundException) { }
            if (header is null || now is null || !header.Source.Identity.DifferencesFrom(now).Any())
                throw new OutputExistsException(target, $"'{target}' exists and holds the results of this video; use -Force to replace it.");
        }
        _target = target;
        return target;
    }

    /// <summary>
    /// Opens the claimed source's partial file for <paramref name="first"/> (the source's first frame
    /// here): probes the source for the header, then creates, resumes or starts over the partial file.
    /// Throws SourceUnavailable (a <see cref="VideoException"/> wrapped), <see cref="ResumeMismatchException"/>,
    /// <see cref="OutputInUseException"/> or <see cref="InvalidOutputPathException"/>.
    /// </summary>
    public ResultFileWriter Open(FrameDetections first)
    {
        string target = _target ?? throw new InvalidOperationException("Claim a source first.");
        _target = null;
        string source = _source!;
        SourceIdentity identity;
        ProbedVideo probed;
        try
        {
            identity = SourceIdentity.Of(source, _options.Root);
            probed = VideoProbe.Probe(source, _options.Probe, _ct);
        }
        catch (Exception e) when (e is VideoException or FileNotFoundException)
        {
            throw new ResultSourceUnavailableException(source, $"'{source}' cannot be read to describe it in the header: {e.Message}", e);
        }
        var header = ResultHeader.For(identity, probed.Info, probed.Index.FrameCount, first.Run, _options.ModuleVersion, _options.StartTime);
        _claims.Location.EnsureDirectory();
        var writer = ResultFileWriter.Open(target, _options.Format, header, _options.Force);
        if (!writer.Resumed && first.ClipIndex > 0 && first.FrameIndex > 0)
        {
            // A file begun (or started over) here must hold the video from its first clip; these frames start at a later one.
            writer.Dispose();
            throw new ResumeMismatchException(target, new[] { $"the frames start at clip {first.ClipIndex} but the file holds no earlier clip{(writer.StartedOverBecause is { } why ? $" (started over: {why})" : "")}; run the video again from its start (without -ResumeFrom)" });
        }
        _writer = writer;
        _lastFrame = writer.StoredLastFrame;
        _clip.Clear();
        return writer;
    }

    /// <summary>
    /// Takes one frame: false when the source is skipped or the frame is already stored (a resumed
    /// file), true when it was taken. Throws <see cref="FrameOutOfOrderException"/> for a frame not
    /// after the last one (the source goes on); a write failure ends the source (<see cref="ResultWriteFailedException"/>).
    /// </summary>
    public bool Add(FrameDetections frame)
    {
        if (_writer is not { } writer) return false;
        if (frame.FrameIndex <= writer.StoredLastFrame) return false; // a resumed file holds it already
        if (frame.FrameIndex <= _lastFrame)
            throw new FrameOutOfOrderException(frame.Path, frame.FrameIndex, $"Frame {frame.FrameIndex} of '{frame.Path}' arrived after frame {_lastFrame}: frames must arrive in increasing order, each once.");
        if (_clip.Count > 0 && frame.ClipIndex != _clip[^1].ClipIndex) Flush();
        _clip.Add(frame);
        _lastFrame = frame.FrameIndex;
        return true;
    }

    private void Flush()
    {
        var writer = _writer!;
        try
        {
            writer.AppendClip(_clip);
            _clip.Clear();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _writer = null;
            _clip.Clear();
            writer.Dispose();
            throw new ResultWriteFailedException(writer.PartialPath, $"Writing '{writer.PartialPath}' failed (its whole clips are kept): {e.Message}", e);
        }
    }

    /// <summary>
    /// The source's frames ended: appends the last clip and, when the video is complete (its last
    /// frame, or with a frame stride the last one sampled, is stored), commits (the atomic rename).
    /// Frames that end earlier (a plan with -End, frames cut off upstream) leave the partial file, so
    /// nothing looks finished that is not. Null when the source was skipped.
    /// </summary>
    public FrameDetectionResult? Finish()
    {
        var writer = _writer;
        if (writer is null) { _target = null; return null; }
        if (_clip.Count > 0) Flush();
        _writer = null;
        long count = writer.Header.Source.FrameCount;
        int stride = Math.Max(1, writer.Header.Parameters?.FrameStride ?? 1);
        try
        {
            if (!HeldFrames.Covers(writer.LastFrame, count, stride))
                return new FrameDetectionResult(null, writer.PartialPath, _source!, writer.Resumed, writer.ClipsAppended, writer.LastFrame, count);
            var file = writer.Commit();
            return new FrameDetectionResult(file, writer.PartialPath, _source!, writer.Resumed, writer.ClipsAppended, writer.LastFrame, count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultWriteFailedException(writer.TargetPath, $"Committing '{writer.TargetPath}' failed (the partial file is kept): {e.Message}", e);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Stops without committing: the frames of the unfinished clip are dropped, the partial file keeps whole clips.</summary>
    public void Dispose()
    {
        _clip.Clear();
        _writer?.Dispose();
        _writer = null;
    }
}

/// <summary>A source could not be probed for its header: <see cref="ErrorIds.SourceUnavailable"/>.</summary>
public sealed class ResultSourceUnavailableException(string path, string message, Exception? inner = null) : VideoDetectException(ErrorIds.SourceUnavailable, message, inner)
{
    public string Path { get; } = path;
}

/// <summary>Writing a result file failed (disk full, permissions): <see cref="ErrorIds.OutputWriteFailed"/>.</summary>
public sealed class ResultWriteFailedException(string target, string message, Exception? inner = null) : VideoDetectException(ErrorIds.OutputWriteFailed, message, inner)
{
    public string Target { get; } = target;
}
