using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// One kind of output written per source (the result store's file, an annotated video, and the
/// snapshots, clips or database rows that come): a new kind is one class implementing this and
/// <see cref="ISourceOutput"/>; <see cref="SourceSinkDriver"/> runs the lifecycle every kind shares
/// (a new Path starts a new source → claim → the caller's confirmation → open → add each frame →
/// seal → commit atomically, in input order; a failure abandons the source and leaves nothing that
/// looks finished). Used on the pipeline thread only.
/// </summary>
public interface ISourceSink
{
    /// <summary>
    /// The kind of output this sink makes (Detections, AnnotatedVideo, …): the name under which the
    /// store's outputs record (<see cref="SourceOutputs"/>) keeps it and Get-DetectionStore -MissingOutput finds it.
    /// Each sink names it (no default from its type name, which would change with a rename).
    /// </summary>
    string OutputKind { get; }

    /// <summary>
    /// Claims the target of <paramref name="sourcePath"/>'s output with <paramref name="claims"/> (the
    /// naming rule, one write per target, -Force) and any check of its own (e.g. a finished result file
    /// of the same source), and returns it. Throws <see cref="OutputPathConflictException"/> or
    /// <see cref="OutputExistsException"/>: the source is then skipped.
    /// </summary>
    string Claim(OutputClaims claims, string sourcePath);

    /// <summary>
    /// Opens the output of <see cref="SinkTarget.SourcePath"/> at its first frame (not added yet; the
    /// driver adds it next). Throws a <see cref="VideoDetectException"/> (SourceUnavailable,
    /// InvalidOutputPath, ResumeMismatch, OutputInUse, …): the source is then skipped, nothing is left.
    /// </summary>
    ISourceOutput Open(SinkTarget target, FrameDetections first);
}

/// <summary>
/// The claimed target of one source. <paramref name="Alongside"/>: outputs of earlier sources still
/// completing in the background (a sink that encodes shares the cores with them).
/// </summary>
public sealed record SinkTarget(string SourcePath, string Path, OutputLocation Location, int Alongside);

/// <summary>
/// One source's output while it is written. Frames come in frame order through <see cref="Add"/>;
/// <see cref="Seal"/> ends them (work may go on in the background); <see cref="Commit"/> makes the
/// output final, atomically. <see cref="IDisposable.Dispose"/> before a commit abandons it: nothing
/// that looks finished is left at the target (a resumable partial file may stay, as a crash leaves it).
/// </summary>
public interface ISourceOutput : IDisposable
{
    /// <summary>The source whose frames these are.</summary>
    string SourcePath { get; }

    /// <summary>
    /// Takes one frame: false when it is not needed (already stored by a resumed output). Throws
    /// <see cref="FrameOutOfOrderException"/> for a frame refused (the source goes on); any other
    /// <see cref="VideoDetectException"/> means the output failed (the driver abandons it).
    /// </summary>
    bool Add(FrameDetections frame);

    /// <summary>No more frames: returns false when there is nothing to commit (every frame refused); the driver then abandons it.</summary>
    bool Seal();

    /// <summary>True when <see cref="Commit"/> will not wait (the background work is done).</summary>
    bool Completed { get; }

    /// <summary>Waits for the background work and makes the output final; throws a <see cref="VideoDetectException"/> when it failed (nothing is left then).</summary>
    ISourceResult Commit();
}

/// <summary>What one source's output left.</summary>
public interface ISourceResult
{
    string SourcePath { get; }

    /// <summary>The finished file; null when the output is kept unfinished (a result file whose frames ended before the video did), which <see cref="object.ToString"/> explains.</summary>
    FileInfo? File { get; }
}

/// <summary>
/// What the caller of <see cref="SourceSinkDriver"/> decides and hears (the cmdlet: ShouldProcess,
/// progress, the output and error streams). Called on the pipeline thread.
/// </summary>
public interface ISinkHost
{
    /// <summary>Whether to write <paramref name="target"/> for <paramref name="sourcePath"/> (-WhatIf, -Confirm); false skips the source.</summary>
    bool Confirm(string sourcePath, string target);

    /// <summary>A source's output was opened.</summary>
    void Opened(ISourceOutput output);

    /// <summary>A frame was taken by the current output.</summary>
    void Added(FrameDetections frame, ISourceOutput output);

    /// <summary>The current source's frames ended (a new source, the end of the input, or its output failed).</summary>
    void SourceEnded();

    /// <summary>A source's output was committed (in input order).</summary>
    void Committed(ISourceResult result);

    /// <summary>A typed error about <paramref name="about"/> (the frame refused, or the source's path); the export goes on.</summary>
    void Failed(VideoDetectException error, object? about);

    /// <summary>An orphaned temporary file (a killed writer's) was removed from a folder written into (<see cref="OrphanSweep"/>).</summary>
    void Removed(string orphanPath) { }
}
