using VideoDetect.Errors;

namespace VideoDetect.Review;

/// <summary>
/// A -Database file that is not a VideoDetect events database: not SQLite at all, another
/// application's SQLite database, or one of a newer schema than this module knows
/// (<see cref="ErrorIds.InvalidEventDatabase"/>). Nothing is written to it.
/// </summary>
public sealed class InvalidEventDatabaseException(string path, string message, Exception? inner = null)
    : VideoDetectException(ErrorIds.InvalidEventDatabase, $"'{path}' is not a VideoDetect events database: {message}", inner)
{
    public string Path { get; } = path;
}
