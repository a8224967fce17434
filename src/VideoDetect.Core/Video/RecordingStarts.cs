namespace VideoDetect.Video;

/// <summary>Where a source's recording start came from.</summary>
public enum RecordingStartSource
{
    /// <summary>Unknown: events and counts carry file offsets only.</summary>
    None,
    /// <summary>Given: Split-VideoClip -RecordingStart.</summary>
    Parameter,
    /// <summary>From the file name: Split-VideoClip -RecordingStartPattern.</summary>
    FileName,
    /// <summary>From the container's header (<see cref="ContainerTime"/>).</summary>
    Container,
}

/// <summary>
/// Decides a source's recording start (the time of day of its time 0), in this order: the one given
/// (<c>-RecordingStart</c>), the container's creation time, the file name (<c>-RecordingStartPattern</c>,
/// when given and the name matches), none — the order the issue (27) gives: a value given for the call
/// first, then what the file states about itself, then what its name suggests. A container time (UTC) is shown
/// in <c>zone</c>; every result carries its offset, so it names one instant whatever the machine.
/// </summary>
public static class RecordingStarts
{
    /// <summary>The recording start of <paramref name="path"/>, where it came from, and a note (a pattern that did not apply) or null.</summary>
    public static (DateTimeOffset? Start, RecordingStartSource Source, string? Note) Resolve(
        string path, DateTimeOffset? given, RecordingStartPattern? pattern, TimeZoneInfo zone)
    {
        if (given is { } g) return (g, RecordingStartSource.Parameter, null);
        bool live = LiveUrl.IsLive(path);
        DateTimeOffset? container = live ? null : ContainerTime.Read(path);
        if (container is { } c)
        {
            // The container's own statement comes before a name pattern (the order); say so when a pattern was given too.
            string? skipped = pattern is null ? null : "the container's creation time is used; -RecordingStartPattern applies only to files without one";
            return (TimeZoneInfo.ConvertTime(c, zone), RecordingStartSource.Container, skipped);
        }
        string? note = null;
        if (pattern is not null)
        {
            var (value, why) = pattern.Match(path, zone);
            if (value is { } v) return (v, RecordingStartSource.FileName, why);
            note = why;
        }
        return (null, RecordingStartSource.None, note);
    }
}
