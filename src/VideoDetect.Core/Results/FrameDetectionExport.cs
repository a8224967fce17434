using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Video;

namespace VideoDetect.Results;

/// <summary>What <see cref="FrameDetectionOutput.Commit"/> wrote for one source.</summary>
/// <param name="File">The finished file; null when the frames ended before the video did (the partial file is kept).</param>
public sealed record FrameDetectionResult(FileInfo? File, string PartialPath, string SourcePath, bool Resumed, int ClipsAppended, long LastFrame, long FrameCount) : ISourceResult
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
/// Export-FrameDetection's sink (<see cref="ISourceSink"/>, run by <see cref="SourceSinkDriver"/>):
/// one result file per source. <see cref="Claim"/> applies the naming rule and conflict policy (a
/// finished file of the same source needs Force, one of an older version of the file is replaced);
/// <see cref="Open"/> probes the source, writes the header and creates, resumes or starts over the
/// partial file (<see cref="FrameDetectionOutput"/>).
/// </summary>
public sealed class FrameDetectionExport(FrameDetectionExportOptions options, CancellationToken cancellationToken = default) : ISourceSink
{
    private readonly FrameDetectionExportOptions options = options.Format == ResultFormat.Mot
        ? throw new ArgumentException("The MOT format is written by MotExport, not the result store.", nameof(options))
        : options;

    public string Suffix => ResultFiles.Suffix(options.Format);

    /// <summary>The result file, as the store's outputs record names it.</summary>
    public string OutputKind => StoreOutputs.Detections;

    /// <summary>Claims the target; throws <see cref="OutputPathConflictException"/> or <see cref="OutputExistsException"/>.</summary>
    public string Claim(OutputClaims claims, string sourcePath)
    {
        string target = claims.Claim(sourcePath, Suffix, mayExist: true);
        if (File.Exists(target) && !options.Force)
        {
            // A finished file of this very source is kept; one made from an older version of the file is replaced when the new one completes.
            var header = ResultStore.TryReadHeader(target, options.Format, out _);
            SourceIdentity? now = null;
            try { now = SourceIdentity.Of(sourcePath, options.Root); } catch (FileNotFoundException) { }
            if (header is null || now is null || !header.Source.Identity.DifferencesFrom(now).Any())
                throw new OutputExistsException(target, $"'{target}' exists and holds the results of this video; use -Force to replace it.");
        }
        return target;
    }

    /// <summary>
    /// Opens the claimed source's partial file for <paramref name="first"/> (the source's first frame
    /// here): probes the source for the header, then creates, resumes or starts over the partial file.
    /// Throws <see cref="SourceUnavailableException"/>, <see cref="ResumeMismatchException"/>,
    /// <see cref="OutputInUseException"/> or <see cref="InvalidOutputPathException"/>.
    /// </summary>
    public ISourceOutput Open(SinkTarget target, FrameDetections first)
    {
        var header = HeaderFor(target.SourcePath, first);
        target.Location.EnsureDirectory();
        var writer = ResultFileWriter.Open(target.Path, options.Format, header, options.Force);
        if (!writer.Resumed && first.ClipIndex > 0 && first.FrameIndex > 0)
        {
            // A file begun (or started over) here must hold the video from its first clip; these frames start at a later one.
            writer.Dispose();
            throw new ResumeMismatchException(target.Path, new[] { $"the frames start at clip {first.ClipIndex} but the file holds no earlier clip{(writer.StartedOverBecause is { } why ? $" (started over: {why})" : "")}; run the video again from its start (without -ResumeFrom)" });
        }
        return new FrameDetectionOutput(target.SourcePath, writer);
    }

    /// <summary>
    /// The header of <paramref name="source"/>'s result file, whose first frame here is <paramref name="first"/>:
    /// a file is probed (its identity, frame rate and count); a live stream (<see cref="LiveUrl.IsLive"/>) has
    /// no whole to probe, so its header names the URL, the frame size, the rate the stream declares and no frame count.
    /// </summary>
    internal ResultHeader HeaderFor(string source, FrameDetections first)
    {
        if (LiveUrl.IsLive(source))
        {
            // The rate the stream declares, from its reader in this process (unknown, 0/0, when it is not received here).
            var rate = LiveStreams.NominalFrameRate(source) ?? default;
            var live = new VideoInfo { Path = source, Width = first.SourceWidth, Height = first.SourceHeight, FrameRate = rate, FramesPerSecond = rate.IsPositive ? rate.Value : 0 };
            return ResultHeader.For(new SourceIdentity(source, 0, default), live, 0, first.Run, options.ModuleVersion, options.StartTime, first.RecordingStart);
        }
        SourceIdentity identity;
        ProbedVideo probed;
        try
        {
            identity = SourceIdentity.Of(source, options.Root);
            probed = VideoProbe.Probe(source, options.Probe, cancellationToken);
        }
        catch (Exception e) when (e is VideoException or FileNotFoundException)
        {
            throw new SourceUnavailableException(source, $"'{source}' cannot be read to describe it in the header: {e.Message}", e);
        }
        return ResultHeader.For(identity, probed.Info, probed.Index.FrameCount, first.Run, options.ModuleVersion, options.StartTime, first.RecordingStart);
    }
}

/// <summary>
/// One source's result file while it is written: <see cref="Add"/> per frame (a clip is appended
/// when the next clip's first frame arrives), <see cref="Seal"/> appends the last clip,
/// <see cref="Commit"/> renames the partial file onto the target when the video is complete. Frames
/// a resumed file already holds are passed over; a frame not after the previous one is a
/// <see cref="FrameOutOfOrderException"/>. Abandoned (disposed before the commit), the partial file
/// keeps its whole clips for a later resume. Owns its <see cref="ResultFileWriter"/>.
/// </summary>
public sealed class FrameDetectionOutput : ISourceOutput
{
    private readonly List<FrameDetections> _clip = new();
    private ResultFileWriter? _writer;
    private long _lastFrame;

    internal FrameDetectionOutput(string sourcePath, ResultFileWriter writer)
    {
        SourcePath = sourcePath;
        _writer = writer;
        _lastFrame = writer.StoredLastFrame;
    }

    public string SourcePath { get; }

    /// <summary>The file's writer (whether it was resumed or started over), until the output fails or is committed.</summary>
    public ResultFileWriter Writer => _writer ?? throw new InvalidOperationException("The output failed or was committed.");

    /// <summary>Always true: the commit is a rename.</summary>
    public bool Completed => true;

    /// <summary>
    /// Takes one frame: false when the frame is already stored (a resumed file). Throws
    /// <see cref="FrameOutOfOrderException"/> for a frame not after the last one (the source goes on);
    /// a write failure ends the source (<see cref="ResultWriteFailedException"/>).
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

    /// <summary>The source's frames ended: appends the last clip (a resumed file with nothing new still commits when complete).</summary>
    public bool Seal()
    {
        if (_writer is null) return false;
        if (_clip.Count > 0) Flush();
        return true;
    }

    /// <summary>
    /// Commits (the atomic rename) when the video is complete (its last frame, or with a frame stride
    /// the last one sampled, is stored). Frames that end earlier (a plan with -End, frames cut off
    /// upstream) leave the partial file, so nothing looks finished that is not.
    /// </summary>
    public ISourceResult Commit()
    {
        var writer = _writer ?? throw new InvalidOperationException("The output failed or was committed.");
        _writer = null;
        long count = writer.Header.Source.FrameCount;
        int stride = Math.Max(1, writer.Header.Parameters?.FrameStride ?? 1);
        try
        {
            var file = HeldFrames.Covers(writer.LastFrame, count, stride) ? writer.Commit() : null;
            return new FrameDetectionResult(file, writer.PartialPath, SourcePath, writer.Resumed, writer.ClipsAppended, writer.LastFrame, count);
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
