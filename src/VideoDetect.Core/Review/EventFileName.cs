using VideoDetect.Events;

namespace VideoDetect.Review;

/// <summary>
/// The file name of what is written per event (Export-EventClip's MP4s), by the one rule of
/// <see cref="SnapshotNames"/> (Export-EventSnapshot's JPEGs): <c>&lt;video&gt;.&lt;label&gt;-&lt;track or n&gt;.&lt;start frame, 6 digits&gt;[.&lt;where&gt;].&lt;ext&gt;</c>,
/// e.g. <c>cam1.person-3.000120.mp4</c> beside <c>cam1.person-3.000120.jpg</c>, so an event's clip and
/// snapshot share a name. Deterministic, so a re-run finds (and with -Force replaces) what an earlier run wrote.
/// </summary>
public static class EventFileName
{
    /// <summary>The file name (no folder) for <paramref name="e"/> with <paramref name="extension"/> (".mp4", ".jpg").</summary>
    public static string Of(DetectionEvent e, string extension) => SnapshotNames.Stem(e) + extension;
}
