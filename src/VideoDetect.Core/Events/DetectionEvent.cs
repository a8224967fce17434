using System.Globalization;

namespace VideoDetect.Events;

/// <summary>
/// Something that happened in a source over a stretch of frames: an object (a track, or a label
/// while any such object is present) seen, in the whole frame or in a region; or a tracked object
/// crossing a line. Plain data, flat, so Export-Csv and ConvertTo-Json give one row / one object.
/// A record: copies are made with <c>with</c>, so none can drop a property.
/// </summary>
public sealed record DetectionEvent
{
    /// <summary><see cref="Presence"/> or <see cref="Crossing"/>.</summary>
    public string Kind { get; set; } = Presence;
    public string Path { get; set; } = "";
    public string Label { get; set; } = "";
    public int ClassId { get; set; }
    /// <summary>The track (tracked input); null for a per-label event.</summary>
    public int? TrackId { get; set; }
    /// <summary>The region the object's bottom-centre was in; null when no regions were given.</summary>
    public string? Region { get; set; }
    /// <summary>The line crossed (crossing events).</summary>
    public string? Line { get; set; }
    /// <summary>"In" (onto the right-hand side of the line, looking from its first point to its second, as drawn on screen) or "Out"; crossing events only.</summary>
    public string? Direction { get; set; }
    public long StartFrame { get; set; }
    /// <summary>The last frame the object was seen (inclusive).</summary>
    public long EndFrame { get; set; }
    public TimeSpan StartTime { get; set; }
    /// <summary>The timestamp of <see cref="EndFrame"/>.</summary>
    public TimeSpan EndTime { get; set; }
    public TimeSpan Duration => EndTime - StartTime;
    /// <summary>The time of day of <see cref="StartFrame"/> (the source's recording start plus <see cref="StartTime"/>, its zone explicit); null when the source's recording start is unknown.</summary>
    public DateTimeOffset? StartedAt { get; set; }
    /// <summary>The time of day of <see cref="EndFrame"/>; null when the source's recording start is unknown.</summary>
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Frames in which the object was seen (bridged gaps not counted).</summary>
    public int FrameCount { get; set; }
    public float MaxConfidence { get; set; }
    /// <summary>The frame of the highest confidence, and the box there (source pixels).</summary>
    public long PeakFrame { get; set; }
    public double X { get; set; }
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
    /// <summary>The object stayed put through the whole event (a stationary track; see Add-DetectionTrack -StationaryAfter). Only made with ConvertTo-DetectionEvent -IncludeStationary.</summary>
    public bool Stationary { get; set; }
    /// <summary>The JPEG Export-EventSnapshot wrote for this event (its -PassThru output); null until one is written.</summary>
    public string? SnapshotPath { get; set; }
    /// <summary>The MP4 Export-EventClip wrote for this event (its -PassThru output); null until one is written.</summary>
    public string? ClipPath { get; set; }
    /// <summary>True on the copy ConvertTo-DetectionEvent -EmitOpen writes when the event opens (for Send-DetectionEvent -OnOpen: a "new" message); false on every closed event.</summary>
    public bool IsOpen { get; set; }

    public const string Presence = "Presence";
    public const string Crossing = "Crossing";

    /// <summary>"person #3 2.0–5.1 s", "person #3 In Gate 4.2 s".</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        string who = TrackId is { } id ? $"{Label} #{id}" : Label;
        if (Kind == Crossing) return string.Format(inv, "{0} {1} {2} {3:0.0} s", who, Direction, Line, StartTime.TotalSeconds);
        string where = Region is null ? "" : " in " + Region;
        return string.Format(inv, "{0}{1} {2:0.0}–{3:0.0} s", who, where, StartTime.TotalSeconds, EndTime.TotalSeconds);
    }

    // Reference equality, as when this was a class (why: see VideoClip.Equals).
    public bool Equals(DetectionEvent? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public override string ToString() => $"{Describe()} ({System.IO.Path.GetFileName(Path)})";
}
