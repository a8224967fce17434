using VideoDetect.Errors;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>How clips become batches.</summary>
public sealed record BatchOptions
{
    /// <summary>Frames per batch (the last batch of a video may be shorter).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Take every k-th frame, counted from each clip's <see cref="VideoClip.PlanStartFrame"/> (frame 0,
    /// or the plan's -Start), so any subset of a plan's clips takes the frames the whole plan takes;
    /// indices stay the source's.
    /// </summary>
    public int FrameStride { get; init; } = 1;

    /// <summary>Batches decoded ahead of the consumer. Peak memory ≈ (QueueDepth + 2) × BatchSize frames.</summary>
    public int QueueDepth { get; init; } = 2;

    public PreprocessOptions Preprocess { get; init; } = new();

    /// <summary>
    /// -SkipStatic: frames that changed too little since the last frame sent to inference are held
    /// (not batched; carried by <see cref="FrameRef.HeldFrames"/>). Null: every frame is batched.
    /// </summary>
    public MotionGateOptions? SkipStatic { get; init; }

    /// <summary>
    /// Decode workers (each with its own capture). 1 decodes every clip in turn on one worker; more
    /// decode runs of consecutive clips, and several videos, side by side — the output is the same
    /// batches in the same order. <see cref="DecodeParallelism.Auto"/> gives the measured default.
    /// </summary>
    public int ThrottleLimit { get; init; } = 1;

    /// <summary>
    /// With several workers, the fewest frames a run of consecutive clips covers before the video is
    /// split for another worker (a split costs a seek: decoding from the key frame before it). Null
    /// lets <see cref="DecodeParallelism"/> choose from the video's length and key frames.
    /// </summary>
    internal long? MinRunFrames { get; init; }

    /// <summary>Where batch tensors come from; <see cref="TensorPool.Shared"/> when null.</summary>
    public TensorPool? Pool { get; init; }

    /// <summary>The index cache used to look up each video; <see cref="VideoIndexCache.Shared"/> when null.</summary>
    public VideoIndexCache? Cache { get; init; }

    /// <summary>
    /// Opens each clip's frame source; <see cref="FrameSources.Files"/> when null (files only). Clips of
    /// a forward-only (live) source need one that opens them, and <see cref="ThrottleLimit"/> 1.
    /// </summary>
    public FrameSources? Sources { get; init; }

    public void Validate()
    {
        if (BatchSize is < 1 or > 4096) throw new InvalidPreprocessingException($"BatchSize must be 1..4096 (got {BatchSize}).");
        if (FrameStride < 1) throw new InvalidPreprocessingException($"FrameStride must be at least 1 (got {FrameStride}).");
        if (QueueDepth is < 1 or > 64) throw new InvalidPreprocessingException($"QueueDepth must be 1..64 (got {QueueDepth}).");
        if (ThrottleLimit is < 1 or > 64) throw new InvalidPreprocessingException($"ThrottleLimit must be 1..64 (got {ThrottleLimit}).");
        Preprocess.Validate();
        SkipStatic?.Validate();
        long floats = (long)BatchSize * Preprocess.FrameLength;
        if (floats > Array.MaxLength)
            throw new InvalidPreprocessingException($"A batch of {BatchSize} frames of {Preprocess.Width}x{Preprocess.Height} needs {floats} floats, more than one array holds ({Array.MaxLength}): use a smaller -BatchSize or -Size.");
    }
}

/// <summary>What the background worker hands to the pipeline thread, in order.</summary>
public abstract record BatchEvent;

/// <summary>A batch is ready. The receiver now owns it (and disposes it when done).</summary>
public sealed record BatchReady(FrameBatch Batch, long FramesDone, long FramesTotal) : BatchEvent;

/// <summary>A clip could not be decoded at all (its file vanished or changed, it is out of range…); the others go on.</summary>
public sealed record ClipFailed(VideoClip Clip, Exception Error) : BatchEvent;

/// <summary>Something the user should know that did not stop the work (frames that failed to decode).</summary>
public sealed record BatchWarning(string Path, string Message) : BatchEvent;
