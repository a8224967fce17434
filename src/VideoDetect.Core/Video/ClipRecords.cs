using VideoDetect.Portable;

namespace VideoDetect.Video;

/// <summary>
/// Rebuilds a <see cref="VideoClip"/> from the property bag it becomes after CliXml, a job,
/// remoting or JSON: Path, StartFrame and EndFrame are required (they say which frames), the rest
/// defaults (Index 0, times zero, not partial). <see cref="VideoClip.Video"/> is not rebuilt:
/// ConvertTo-FrameBatch probes the source where it runs.
/// </summary>
public static class ClipRecords
{
    public static VideoClip ToClip(PropertyBag bag)
    {
        bag.Target = nameof(VideoClip);
        string path = bag.String(nameof(VideoClip.Path));
        if (path.Length == 0) throw bag.Wrong(nameof(VideoClip.Path), path, "a path");
        long start = bag.Int64(nameof(VideoClip.StartFrame)), end = bag.Int64(nameof(VideoClip.EndFrame));
        return new VideoClip
        {
            Path = path,
            Index = bag.Int32(nameof(VideoClip.Index), 0),
            StartFrame = start,
            EndFrame = end,
            FrameCount = end - start,
            StartTime = bag.TimeSpan(nameof(VideoClip.StartTime), TimeSpan.Zero),
            EndTime = bag.TimeSpan(nameof(VideoClip.EndTime), TimeSpan.Zero),
            IsPartial = bag.Boolean(nameof(VideoClip.IsPartial), false),
            // The stride phase's origin (frame 0 or the plan's -Start); a clip from before it existed starts at 0.
            PlanStartFrame = bag.Int64(nameof(VideoClip.PlanStartFrame), 0),
            RelativePath = bag.NullableString(nameof(VideoClip.RelativePath)),
            Root = bag.NullableString(nameof(VideoClip.Root)),
            SourceKind = Kind(bag),
            // Missing (a clip from before it existed) or null: the time of day is unknown.
            RecordingStart = bag.NullableDateTimeOffset(nameof(VideoClip.RecordingStart)),
        };
    }

    /// <summary>The clip's source kind: a name or number as CliXml, JSON or a job leave it; missing is a file (clips from before the property existed).</summary>
    private static FrameSourceKind Kind(PropertyBag bag)
    {
        if (!bag.TryGetValue(nameof(VideoClip.SourceKind), out object? value) || value is null) return FrameSourceKind.File;
        string text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return Enum.TryParse<FrameSourceKind>(text, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw bag.Wrong(nameof(VideoClip.SourceKind), text, string.Join(" or ", Enum.GetNames<FrameSourceKind>()));
    }
}
