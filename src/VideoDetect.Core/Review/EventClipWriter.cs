using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>How Export-EventClip cuts and writes.</summary>
public sealed record EventClipOptions
{
    /// <summary>How long before an event's first frame the clip starts, a time or frames (clamped to the video).</summary>
    public VideoPosition PreRoll { get; init; } = VideoPosition.FromSeconds(2);

    /// <summary>How long after an event's last frame the clip ends, a time or frames (clamped to the video).</summary>
    public VideoPosition PostRoll { get; init; } = VideoPosition.FromSeconds(2);

    /// <summary>Clips of one video that overlap or touch become one.</summary>
    public bool Merge { get; init; }

    /// <summary>Keep the source's audio (cut to the clip).</summary>
    public bool Audio { get; init; } = true;

    /// <summary>Replace an existing clip.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>How a clip was made: its packets copied, or decoded and encoded again.</summary>
public enum ClipMethod
{
    Copied,
    Encoded,
}

/// <summary>A clip written: the file, its source frames and how it was made.</summary>
public sealed record WrittenClip(EventClip Clip, string Path, ClipMethod Method);

/// <summary>
/// Writes one clip, atomically (a <see cref="PendingFile.Hidden"/> temporary file beside the target,
/// which the orphan sweep knows, renamed onto it when complete). Copied without re-encoding when its
/// cut points are key frames, nothing is drawn and ffmpeg is there (<see cref="ClipCopy"/>, checked
/// frame for frame at both ends); else re-encoded through the annotated-video writer
/// (<see cref="AnnotatedVideoWriter"/>: the exact-seek reader, so the first and last frames are the
/// clip's by index; the renderer, drawing the given tracks' boxes; the encoder; the audio cut to the clip).
/// </summary>
public static class EventClipWriter
{
    /// <summary>
    /// Writes <paramref name="clip"/> to <paramref name="target"/>. <paramref name="keys"/>: the source's
    /// key frames (null: unknown, so re-encoded); <paramref name="boxes"/>: the boxes to draw (null: none,
    /// and the clip may be copied).
    /// </summary>
    public static WrittenClip Write(ProbedVideo video, EventClip clip, string target, EncoderChoice encoder, long[]? keys,
        TrackBoxes? boxes, EventClipOptions options, CancellationToken ct = default)
    {
        if (!options.Overwrite && File.Exists(target))
            throw new OutputExistsException(target, $"'{target}' exists; pass -Force to replace it.");
        if (boxes is null && encoder.FfmpegPath is { } ffmpeg && ClipCopy.CutsOnKeyFrames(keys, clip.First, clip.Last, video.Index.FrameCount))
        {
            using var pending = PendingFile.Hidden(target);
            var probe = AudioTrack.FfprobeBeside(ffmpeg) is { } ffprobe ? AudioTrack.Probe(ffprobe, clip.SourcePath, ct) : null;
            if (ClipCopy.Copy(ffmpeg, video, clip, probe, options.Audio, pending.TempPath, ct) && ClipCopy.Verify(video, clip, pending.TempPath))
            {
                pending.Commit(options.Overwrite);
                return new WrittenClip(clip, target, ClipMethod.Copied);
            }
            // Not exactly the clip's frames: thrown away (Dispose deletes it), and encoded below.
        }
        Encode(video, clip, target, encoder, boxes, options, ct);
        return new WrittenClip(clip, target, ClipMethod.Encoded);
    }

    private static void Encode(ProbedVideo video, EventClip clip, string target, EncoderChoice encoder, TrackBoxes? boxes, EventClipOptions options, CancellationToken ct)
    {
        var annotation = new AnnotationOptions { Audio = options.Audio, Overwrite = options.Overwrite, HoldDetections = true };
        using var writer = new AnnotatedVideoWriter(video, target, encoder, annotation, ct);
        var info = video.Info;
        FrameDetections Frame(long i, Detection[] detections) => new()
        {
            Path = clip.SourcePath, FrameIndex = i, Timestamp = video.Index.TimeOf(i),
            SourceWidth = info.Width, SourceHeight = info.Height, Detections = detections,
        };
        // The first and last frames always, and every frame the result file recorded: the writer
        // decodes the frames between and holds the last boxes over them (a -FrameStride gap).
        writer.Add(Frame(clip.First, boxes?.At(clip.First) ?? Array.Empty<Detection>()));
        for (long i = clip.First + 1; i < clip.Last; i++)
            if (boxes?.At(i) is { } detections) writer.Add(Frame(i, detections));
        if (clip.Last > clip.First) writer.Add(Frame(clip.Last, boxes?.At(clip.Last) ?? Array.Empty<Detection>()));
        writer.Commit();
    }

    /// <summary>The events of <paramref name="written"/>, each with <see cref="DetectionEvent.ClipPath"/> set.</summary>
    public static IEnumerable<DetectionEvent> Stamped(WrittenClip written) => written.Clip.Events.Select(e => e with { ClipPath = written.Path });
}
