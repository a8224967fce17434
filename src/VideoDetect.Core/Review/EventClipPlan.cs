using VideoDetect.Events;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>
/// One clip to write: source frames <see cref="First"/>..<see cref="Last"/> (inclusive) of
/// <see cref="SourcePath"/>, for <see cref="Events"/> (one, or several merged), named after the first of
/// them (<see cref="EventFileName"/>).
/// </summary>
public sealed record EventClip(string SourcePath, long First, long Last, IReadOnlyList<DetectionEvent> Events, string FileName)
{
    public long FrameCount => Last - First + 1;
}

/// <summary>
/// Plans the clips of one video's events: each event's frames widened by the pre- and post-roll
/// (frames, or a time read through the video's exact index, so a variable-rate video gets the right frames),
/// clamped to the video; with merging, clips that overlap or touch (the next starts at most one frame
/// after the last ends) become one, named after its earliest event.
/// </summary>
public static class EventClipPlan
{
    /// <summary>The clips for <paramref name="events"/> (all of one video, described by <paramref name="index"/>), in order of their first frame.</summary>
    public static IReadOnlyList<EventClip> Plan(IReadOnlyList<DetectionEvent> events, VideoIndex index, VideoPosition preRoll, VideoPosition postRoll, bool merge, string extension = ".mp4")
    {
        if (index.FrameCount == 0 || events.Count == 0) return Array.Empty<EventClip>();
        var single = new List<EventClip>(events.Count);
        foreach (var e in events)
        {
            var (first, last) = Range(e, index, preRoll, postRoll);
            single.Add(new EventClip(e.Path, first, last, new[] { e }, EventFileName.Of(e, extension)));
        }
        // Stable: events that start on one frame keep their input order.
        var ordered = single.OrderBy(c => c.First).ThenBy(c => c.Last).ToList();
        if (!merge) return ordered;
        var merged = new List<EventClip>();
        foreach (var clip in ordered)
        {
            if (merged.Count > 0 && clip.First <= merged[^1].Last + 1)
            {
                var open = merged[^1];
                merged[^1] = open with { Last = Math.Max(open.Last, clip.Last), Events = open.Events.Concat(clip.Events).ToArray() };
            }
            else
            {
                merged.Add(clip);
            }
        }
        return merged;
    }

    /// <summary>The first and last frame of <paramref name="e"/>'s clip: from its start less <paramref name="preRoll"/> to its end plus <paramref name="postRoll"/>, within the video.</summary>
    public static (long First, long Last) Range(DetectionEvent e, VideoIndex index, VideoPosition preRoll, VideoPosition postRoll)
    {
        long start = Math.Clamp(e.StartFrame, 0, index.FrameCount - 1), end = Math.Clamp(Math.Max(e.EndFrame, e.StartFrame), 0, index.FrameCount - 1);
        // A time: the first frame shown at or after start − pre-roll, the last shown at or before end + post-roll.
        long first = preRoll.Frames is { } before ? start - before : index.FrameAtOrAfter(index.TimeOfMs(start) - preRoll.Time!.Value.TotalMilliseconds);
        long last = postRoll.Frames is { } after ? end + after : index.FrameAtOrAfter(index.TimeOfMs(end) + postRoll.Time!.Value.TotalMilliseconds + 1e-3) - 1;
        return (Math.Clamp(first, 0, start), Math.Clamp(last, end, index.FrameCount - 1));
    }
}
