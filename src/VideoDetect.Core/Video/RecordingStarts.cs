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
/// (<c>-RecordingStart</c>), the file name (<c>-RecordingStartPattern</c>, when given and the name
/// matches), the container's creation time, none. The explicit choices come first: a camera or a
/// remux often leaves a container time that is not the recording's. A container time (UTC) is shown
/// in <c>zone</c>; every result carries its offset, so it names one instant whatever the machine.
/// </summary>
public static class RecordingStarts
{
    /// <summary>The recording start of <paramref name="path"/>, where it came from, and a note (a pattern that did not apply) or null.</summary>
    public static (DateTimeOffset? Start, RecordingStartSource Source, string? Note) Resolve(
        string path, DateTimeOffset? given, RecordingStartPattern? pattern, TimeZoneInfo zone)
    {
        if (given is { } g) return (g, RecordingStartSource.Parameter, null);
        string? note = null;
        if (pattern is not null)
        {
            var (value, why) = pattern.Match(path, zone);
            if (value is { } v) return (v, RecordingStartSource.FileName, why);
            note = why;
        }
        if (LiveUrl.IsLive(path)) return (null, RecordingStartSource.None, note);
        if (ContainerTime.Read(path) is { } c) return (TimeZoneInfo.ConvertTime(c, zone), RecordingStartSource.Container, note);
        return (null, RecordingStartSource.None, note);
    }
}
