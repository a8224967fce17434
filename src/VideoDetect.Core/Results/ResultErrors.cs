using VideoDetect.Errors;

namespace VideoDetect.Results;

/// <summary>
/// A partial result file was made with another model or other parameters than the frames now
/// arriving: <see cref="ErrorIds.ResumeMismatch"/>. Nothing is overwritten; -Force starts the video over.
/// </summary>
public sealed class ResumeMismatchException(string target, IReadOnlyList<string> differences)
    : VideoDetectException(ErrorIds.ResumeMismatch,
        $"'{target}' was begun with other settings ({string.Join("; ", differences)}); it is kept as it is. Run with the same model and parameters to resume it, or use -Force to start this video over.")
{
    public string Target { get; } = target;
    public IReadOnlyList<string> Differences { get; } = differences;
}

/// <summary>A result file that cannot be read (truncated, corrupt, not a result file): <see cref="ErrorIds.ResultFileCorrupt"/>, naming the file and line.</summary>
public sealed class ResultFileCorruptException(string path, long line, string message, Exception? inner = null)
    : VideoDetectException(ErrorIds.ResultFileCorrupt, line > 0 ? $"{path}:{line}: {message}" : $"{path}: {message}", inner)
{
    public string Path { get; } = path;
    /// <summary>The 1-based line (0: the file as a whole).</summary>
    public long Line { get; } = line;
}

/// <summary>Another process (or another command) is writing the same result file: <see cref="ErrorIds.OutputInUse"/>. Nothing of it is touched.</summary>
public sealed class OutputInUseException(string target, Exception? inner = null)
    : VideoDetectException(ErrorIds.OutputInUse, $"'{target}' is being written by another process; its frames are skipped here (the file is left to that writer).", inner)
{
    public string Target { get; } = target;
}
