namespace VideoDetect.Errors;

/// <summary>A clip asks for frames its video does not have (the file changed since it was planned): <see cref="ErrorIds.ClipOutOfRange"/>.</summary>
public sealed class ClipOutOfRangeException(string message) : VideoDetectException(ErrorIds.ClipOutOfRange, message);

/// <summary>
/// A frame arrived out of order (not after the last one of its source) or is not a frame of its
/// source (past its end): <see cref="ErrorIds.FrameOutOfOrder"/>. Writers raise it and keep going.
/// </summary>
public sealed class FrameOutOfOrderException(string path, long frameIndex, string message) : VideoDetectException(ErrorIds.FrameOutOfOrder, message)
{
    public string Path { get; } = path;
    public long FrameIndex { get; } = frameIndex;
}

/// <summary>A batch was preprocessed for another input than the model's: <see cref="ErrorIds.BatchDoesNotFitModel"/>.</summary>
public sealed class BatchDoesNotFitModelException(string message) : VideoDetectException(ErrorIds.BatchDoesNotFitModel, message);
