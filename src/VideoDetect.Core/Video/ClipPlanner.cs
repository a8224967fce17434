using VideoDetect.Errors;

namespace VideoDetect.Video;

/// <summary>How to cut a video into clips.</summary>
public sealed record ClipOptions
{
    /// <summary>Clip length, in frames or in time. Required, positive.</summary>
    public VideoPosition Length { get; init; }

    /// <summary>Distance between clip starts (frames or time); null means <see cref="Length"/>. Smaller overlaps, larger skips.</summary>
    public VideoPosition? Stride { get; init; }

    /// <summary>Where the first clip starts (frame, or time from the first frame); null is frame 0.</summary>
    public VideoPosition? Start { get; init; }

    /// <summary>Where cutting stops (exclusive; frame, or time from the first frame); null is the end of the video.</summary>
    public VideoPosition? End { get; init; }

    /// <summary>Leave out the last clip when it is shorter than <see cref="Length"/>.</summary>
    public bool DropPartial { get; init; }

    /// <summary>Throws <see cref="InvalidClipRangeException"/> (InvalidClipRange) for values that can never make sense.</summary>
    public void Validate()
    {
        if (Length.IsNegative || Length.IsZero) throw new InvalidClipRangeException($"The clip length must be positive (got {Length}).");
        if (Stride is { } s && (s.IsNegative || s.IsZero)) throw new InvalidClipRangeException($"The stride must be positive (got {s}).");
        if (Start is { IsNegative: true } st) throw new InvalidClipRangeException($"The start must not be negative (got {st}).");
        if (End is { IsNegative: true } en) throw new InvalidClipRangeException($"The end must not be negative (got {en}).");
        if (Start is { } a && End is { } b && a.IsTime == b.IsTime
            && (a.IsTime ? a.Time >= b.Time : a.Frames >= b.Frames))
            throw new InvalidClipRangeException($"The start ({a}) must come before the end ({b}).");
    }
}

/// <summary>
/// Cuts a probed video into <see cref="VideoClip"/> descriptors. Lengths in frames cut by frame
/// count; lengths in time cut by the decoder's timestamps (right for variable-rate video). A stride
/// given in the other unit is converted with the nominal frame rate. The last, shorter clip is kept
/// and flagged <see cref="VideoClip.IsPartial"/> unless <see cref="ClipOptions.DropPartial"/>; with
/// overlapping clips, cutting stops at the first clip that reaches the end (a later one would only
/// repeat its frames).
/// </summary>
public static class ClipPlanner
{
    public static IEnumerable<VideoClip> Plan(ProbedVideo video, ClipOptions options)
    {
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return PlanIterator(video, options);
    }

    private static IEnumerable<VideoClip> PlanIterator(ProbedVideo video, ClipOptions options)
    {
        var index = video.Index;
        long first = options.Start?.ToFrame(index) ?? 0;
        long end = options.End?.ToFrame(index) ?? index.FrameCount;
        if (first >= end) yield break;

        var stride = options.Stride ?? options.Length;
        int clipIndex = 0;
        if (!options.Length.IsTime)
        {
            long length = options.Length.Frames!.Value;
            long step = stride.IsTime ? Math.Max(1, (long)Math.Round(stride.Time!.Value.TotalMilliseconds / index.PeriodMs)) : stride.Frames!.Value;
            for (long start = first; start < end; start += step)
            {
                long stop = Math.Min(start + length, end);
                bool partial = stop - start < length;
                if (partial && options.DropPartial) yield break;
                yield return MakeClip(video, clipIndex++, first, start, stop, partial);
                if (stop == end) yield break;
            }
        }
        else
        {
            double lengthMs = options.Length.Time!.Value.TotalMilliseconds;
            double stepMs = stride.IsTime ? stride.Time!.Value.TotalMilliseconds : stride.Frames!.Value * index.PeriodMs;
            double rangeStartMs = index.TimeOfMs(first);
            double rangeEndMs = index.TimeOfMs(end);
            for (long k = 0; ; k++)
            {
                double windowStart = rangeStartMs + k * stepMs;
                if (windowStart >= rangeEndMs - 1e-6) yield break;
                double windowEnd = windowStart + lengthMs;
                long start = Math.Max(first, index.FrameAtOrAfter(windowStart));
                long stop = Math.Min(end, index.FrameAtOrAfter(windowEnd));
                if (stop <= start) continue; // a gap in a variable-rate video: no frame in this window
                bool partial = windowEnd > rangeEndMs + 1e-6;
                if (partial && options.DropPartial) yield break;
                yield return MakeClip(video, clipIndex++, first, start, stop, partial);
                if (stop == end) yield break;
            }
        }
    }

    /// <summary>
    /// The part of a plan a resumed run still has to do: the clips after <paramref name="lastDoneClip"/>
    /// (the last one a partial result file holds whole). When none is left, the plan's last clip, so the
    /// writer sees the video's frames end and completes the file (its frames are already stored and are
    /// passed over).
    /// </summary>
    public static IEnumerable<VideoClip> After(IEnumerable<VideoClip> plan, int lastDoneClip)
    {
        VideoClip? last = null;
        bool any = false;
        foreach (var clip in plan)
        {
            last = clip;
            if (clip.Index <= lastDoneClip) continue;
            any = true;
            yield return clip;
        }
        if (!any && last is not null) yield return last;
    }

    private static VideoClip MakeClip(ProbedVideo video, int clipIndex, long planStart, long start, long stop, bool partial) => new()
    {
        Path = video.Info.Path,
        Video = video.Info,
        Index = clipIndex,
        StartFrame = start,
        EndFrame = stop,
        FrameCount = stop - start,
        StartTime = video.Index.TimeOf(start),
        EndTime = video.Index.TimeOf(stop),
        IsPartial = partial,
        PlanStartFrame = planStart,
    };
}
