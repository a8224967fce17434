namespace VideoDetect.Video;

/// <summary>
/// A fixed-length piece of one video: which frames, and when. Holds no pixels and no native
/// handle; every property has a public setter so a plan survives Export-Clixml / Import-Clixml and
/// ConvertTo-Json / ConvertFrom-Json and can be run on another machine.
/// Frame indices count decoded frames from 0; times are the decoder's presentation timestamps.
/// A record: a changed copy is made with <c>with</c>, so a copy never drops a property (a hand copy
/// once lost <see cref="PlanStartFrame"/>).
/// </summary>
public sealed record VideoClip
{
    /// <summary>Full path of the source video.</summary>
    public string Path { get; set; } = "";

    /// <summary>The source video's description.</summary>
    public VideoInfo? Video { get; set; }

    /// <summary>0-based position of this clip among the clips cut from its video.</summary>
    public int Index { get; set; }

    /// <summary>First frame of the clip (inclusive).</summary>
    public long StartFrame { get; set; }

    /// <summary>One past the last frame of the clip (exclusive).</summary>
    public long EndFrame { get; set; }

    /// <summary>EndFrame - StartFrame.</summary>
    public long FrameCount { get; set; }

    /// <summary>Presentation time of <see cref="StartFrame"/>.</summary>
    public TimeSpan StartTime { get; set; }

    /// <summary>Presentation time of <see cref="EndFrame"/>, or the end of the video's last frame when the clip reaches it.</summary>
    public TimeSpan EndTime { get; set; }

    /// <summary>True when the clip is shorter than asked because the video (or -End) ran out.</summary>
    public bool IsPartial { get; set; }

    /// <summary>
    /// First frame of the plan the clip was cut from (Split-VideoClip's -Start; 0 without it).
    /// ConvertTo-FrameBatch -FrameStride counts from here, so every clip of one plan samples the same
    /// frames whether a run sees all of them, a shard, or the rest after a resume. 0 for clips made
    /// before this property existed.
    /// </summary>
    public long PlanStartFrame { get; set; }

    /// <summary>
    /// With Split-VideoClip -Root: <see cref="Path"/> relative to <see cref="Root"/>, with '/'
    /// separators. A machine that mounts the footage elsewhere resolves it against its own root
    /// (ConvertTo-FrameBatch -Root, or VIDEODETECT_ROOT). Null when the plan has no root.
    /// </summary>
    public string? RelativePath { get; set; }

    /// <summary>The root <see cref="RelativePath"/> is relative to, on the machine that planned the clip.</summary>
    public string? Root { get; set; }

    /// <summary>What the clip's frames come from: a seekable, re-readable file (the default) or a forward-only live source (<see cref="FrameSourceKind"/>).</summary>
    public FrameSourceKind SourceKind { get; set; }

    /// <summary>
    /// The time of day of the source's time 0 (its zone explicit): Split-VideoClip -RecordingStart, the
    /// file name (-RecordingStartPattern) or the container's creation time (<see cref="RecordingStarts"/>);
    /// null when unknown (file offsets only). Detections add their timestamps to it (FrameDetections.StartedAt).
    /// </summary>
    public DateTimeOffset? RecordingStart { get; set; }

    /// <summary>
    /// A live clip only: the stream dropped just before <see cref="StartFrame"/> for this long (the
    /// frames the camera sent meanwhile are lost; indices go on counting). Trackers do not carry a
    /// track across it. Null: no gap (always for files).
    /// </summary>
    public TimeSpan? GapBefore { get; set; }

    // Reference equality, as when this was a class: the properties are settable (PowerShell users and
    // the CliXml/JSON round trips need that), so a value hash would change under a key in a hash set;
    // and PowerShell's -eq, Compare-Object, Group-Object and Should -Be on these objects keep their meaning.
    public bool Equals(VideoClip? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}[{StartFrame}..{EndFrame})";
}
