using VideoDetect.Events;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>
/// One row of the events database's <c>videos</c> table: the source as events name it, its identity
/// (path relative to the root when there is one, size, last-write time; null when the file cannot be
/// read now), its recording start, and its frame count and state in the result store (null without one).
/// </summary>
public sealed record EventVideo(string Path, SourceIdentity? Identity, DateTimeOffset? RecordingStart, long? Frames, string? State)
{
    /// <summary>
    /// The row of <paramref name="sourcePath"/>, whose events are <paramref name="events"/>: the recording
    /// start is the first known StartedAt − StartTime; identity from the file now; frames and state from
    /// the result store <paramref name="store"/> when given (Get-DetectionStore's view of that source).
    /// </summary>
    public static EventVideo Describe(string sourcePath, IEnumerable<DetectionEvent> events, string? root, string? store)
    {
        DateTimeOffset? start = events.FirstOrDefault(e => e.StartedAt is not null) is { } timed ? timed.StartedAt - timed.StartTime : null;
        SourceIdentity? identity = null;
        try
        {
            if (File.Exists(sourcePath)) identity = SourceIdentity.Of(sourcePath, root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable since the events were made: the row keeps the path alone.
        }
        long? frames = null;
        string? state = null;
        if (store is not null && identity is not null)
        {
            var entry = StoreSummary.Of(store, new[] { System.IO.Path.GetFullPath(sourcePath) }, root).First();
            state = entry.State.ToString();
            frames = entry.FrameCount > 0 ? entry.FrameCount : null;
        }
        return new EventVideo(sourcePath, identity, start, frames, state);
    }
}
