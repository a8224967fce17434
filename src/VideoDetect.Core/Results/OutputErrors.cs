using VideoDetect.Errors;

namespace VideoDetect.Results;

/// <summary>The target file exists and replacing it was not asked for (-Force): <see cref="ErrorIds.OutputExists"/>.</summary>
public sealed class OutputExistsException(string target, string message, Exception? inner = null) : VideoDetectException(ErrorIds.OutputExists, message, inner)
{
    public string Target { get; } = target;
}

/// <summary>
/// A target this command already wrote (or is writing) is asked for again, by another source or by
/// a source that came back: <see cref="ErrorIds.OutputPathConflict"/>. Also a file another process
/// holds for writing.
/// </summary>
public sealed class OutputPathConflictException(string source, string target, string message, Exception? inner = null) : VideoDetectException(ErrorIds.OutputPathConflict, message, inner)
{
    public string SourcePath { get; } = source;
    public string Target { get; } = target;
}

/// <summary>An output path that cannot be written to (not a file-system path, a folder that is missing, a bad extension): <see cref="ErrorIds.InvalidOutputPath"/>.</summary>
public sealed class InvalidOutputPathException(string target, string message, Exception? inner = null) : VideoDetectException(ErrorIds.InvalidOutputPath, message, inner)
{
    public string Target { get; } = target;
}

/// <summary>
/// A source a writer needs cannot be read: it cannot be probed for a result file's header, or cannot
/// be decoded again to draw on (gone, changed, ended early): <see cref="ErrorIds.SourceUnavailable"/>.
/// The one type of that id, whichever writer raises it.
/// </summary>
public sealed class SourceUnavailableException(string path, string message, Exception? inner = null) : VideoDetectException(ErrorIds.SourceUnavailable, message, inner)
{
    public string Path { get; } = path;
}

/// <summary>
/// An output cannot be created or written (a folder not writable, a folder in the file's place, disk
/// full) — a result file, an annotated video, any sink's: <see cref="ErrorIds.OutputWriteFailed"/>.
/// The one type of that id (named when only result files raised it); the source is skipped, the next one goes on.
/// </summary>
public sealed class ResultWriteFailedException(string target, string message, Exception? inner = null) : VideoDetectException(ErrorIds.OutputWriteFailed, message, inner)
{
    /// <summary>The file that could not be written (or the source, when a sink did not say which file).</summary>
    public string Target { get; } = target;
}
