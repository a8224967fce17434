namespace VideoDetect.Errors;

/// <summary>
/// A user error raised by Core (bad input, bad parameter, a file that changed), carrying its id from
/// <see cref="ErrorIds"/>. Standard exceptions (<see cref="ArgumentException"/> and the like) are
/// kept for programming bugs, so a bug is never reported as a user error and vice versa.
/// </summary>
public abstract class VideoDetectException : Exception
{
    protected VideoDetectException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;

    /// <summary>The id from <see cref="ErrorIds"/>.</summary>
    public string ErrorId { get; }
}
