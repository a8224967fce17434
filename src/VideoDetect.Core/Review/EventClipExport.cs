using VideoDetect.Batching;
using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>One video's clips, planned: the source (probed and checked), its key frames, the clips and where they go.</summary>
public sealed record PlannedClips(ProbedVideo Video, IReadOnlyList<EventClip> Clips, long[]? KeyFrames, string OutputDirectory, (string File, VideoDetect.Video.SourceIdentity Recorded)? Detections)
{
    /// <summary>The boxes the clips draw (all their events', over all their frames, read once); null when nothing is drawn.</summary>
    public TrackBoxes? Boxes { get; init; }

    /// <summary>Where <paramref name="clip"/> is written.</summary>
    public string TargetOf(EventClip clip) => Path.Combine(OutputDirectory, clip.FileName);
}

/// <summary>
/// Export-EventClip's work per video, in two steps so the cmdlet can ask before each file:
/// <see cref="Plan"/> (probe and check the source against its events and the result file that
/// holds its boxes, read its key frames, plan the clips) and <see cref="Write"/> (one clip: its
/// boxes read when drawing, then <see cref="EventClipWriter"/>).
/// </summary>
public sealed class EventClipExport(EncoderChoice encoder, EventClipOptions options, IReadOnlyList<string>? detections = null, VideoIndexCache? cache = null)
{
    /// <summary>Whether clips are drawn on (result files were given).</summary>
    public bool Annotates => detections is not null;

    /// <summary>
    /// Plans the clips of <paramref name="events"/> (all of the video at <paramref name="sourcePath"/>)
    /// into <paramref name="outputDirectory"/> (null: beside the video). Throws
    /// <see cref="VideoDetect.Results.SourceUnavailableException"/> when the video is gone or changed.
    /// </summary>
    public PlannedClips Plan(string sourcePath, IReadOnlyList<DetectionEvent> events, string? outputDirectory, CancellationToken ct = default)
    {
        var found = detections is null ? null : TrackBoxes.Find(detections, sourcePath);
        var video = EventSource.Open(sourcePath, events, found?.Recorded, cache, ct);
        // The clips read the file the probe checked (its full path), whatever form the events' Path has.
        var clips = EventClipPlan.Plan(events, video.Index, options.PreRoll, options.PostRoll, options.Merge).Select(c => c with { SourcePath = video.Info.Path }).ToList();
        // Key frames matter only to a clip that may be copied (nothing drawn).
        long[]? keys = Annotates ? null : KeyFrames.Of(video.Info.Path, video.Index, cache ?? VideoIndexCache.Shared, ct);
        string folder = outputDirectory ?? Path.GetDirectoryName(video.Info.Path)!;
        // The boxes of every clip, in one pass over the result file (one frame in memory at a time).
        var boxes = Annotates && clips.Count > 0 ? TrackBoxes.Read(found, events, clips.Min(c => c.First), clips.Max(c => c.Last), ct) : null;
        return new PlannedClips(video, clips, keys, folder, found) { Boxes = boxes };
    }

    /// <summary>Writes one planned clip (drawing its events' boxes when <see cref="Annotates"/>: a track's, or a per-label event's label's).</summary>
    public WrittenClip Write(PlannedClips plan, EventClip clip, CancellationToken ct = default)
    {
        var boxes = plan.Boxes?.Only(clip.Events, clip.First, clip.Last);
        return EventClipWriter.Write(plan.Video, clip, plan.TargetOf(clip), encoder, plan.KeyFrames, boxes, options, ct);
    }
}
