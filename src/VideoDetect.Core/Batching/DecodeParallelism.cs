namespace VideoDetect.Batching;

/// <summary>
/// How many decode workers, how many FFmpeg threads each, and where a video may be split between
/// workers — plain functions, measured in bench/README.md.
/// </summary>
public static class DecodeParallelism
{
    /// <summary>What a seek costs when the container does not say where its key frames are: a long H.264 GOP.</summary>
    internal const long UnknownSeekCost = 250;

    /// <summary>A split may cost at most 1/<see cref="SplitCostDivisor"/> of the run before it (5 %): total decode stays within 10 % of one pass.</summary>
    internal const long SplitCostDivisor = 20;

    /// <summary>
    /// The default -ThrottleLimit. One worker already keeps about 1.5–1.8 cores busy (FFmpeg's own
    /// threads, colour conversion, preprocessing on the thread pool), so on 2 cores a second worker
    /// only competes with inference: 1. Beyond that, CPU inference needs most cores itself (a quarter
    /// go to decoding); a GPU leaves them to decoding (half of them), at most 8 workers.
    /// <para>A gated decode in process (<paramref name="gated"/>: -SkipStatic where
    /// <see cref="VideoDetect.Video.FfmpegDecoding.InProcess"/>) is different: most of its frames are
    /// only decoded and compared in grey (no conversion, no copy, no inference), so one worker is one
    /// decoder, and FFmpeg's frame threads cost a third more CPU than two single-threaded decoders over
    /// the two halves of the video. So at least 2 workers on 2 cores or more: on the 55-minute fixed
    /// camera (2-core VM, bench case 12) the gated pipeline took 15.7 s at 2 against 20.6 s at 1
    /// (ffmpeg's decode 12.5 s); on a busy scene (vtest.avi, 781 of 795 frames inferred) 2 was as fast
    /// as 1 (7.9–8.4 s both). Through the ffmpeg pipe instead, 2 was slower (33.6 s against 30.3 s:
    /// the pipe's copies already fill the cores), so the caller passes false there.</para>
    /// </summary>
    public static int Auto(int cores, bool inferenceOnGpu, bool gated = false)
    {
        int workers = cores <= 2 ? 1 : inferenceOnGpu ? Math.Clamp(cores / 2, 1, 8) : Math.Clamp(cores / 4, 1, 8);
        return gated ? Math.Max(workers, Math.Min(cores, 2)) : workers;
    }

    /// <summary>
    /// FFmpeg decoding threads per capture so that captures × threads ≈ cores, for
    /// <paramref name="captures"/> decoding at once (the workers' runs, decoding or waiting; at most
    /// -ThrottleLimit): 0 (OpenCV's default, min(cores, 16)) for one, which has the cores to itself —
    /// a video that is not split decodes as fast at -ThrottleLimit 4 as at 1. With several on few
    /// cores each capture gets 1: the workers are the parallelism, and FFmpeg's threads beside them
    /// only added CPU time per frame (thread hand-offs, frame-threading delay), measured in
    /// bench/README.md.
    /// </summary>
    public static int DecodeThreads(int captures, int cores) => captures <= 1 ? 0 : Math.Max(1, cores / captures);

    /// <summary>
    /// The fewest frames a run covers before its video may be split for another worker: enough to
    /// spread one video over the workers (two runs each), never less than 4 batches.
    /// </summary>
    public static long MinRunFrames(long videoFrames, int workers, int batchSize) =>
        Math.Max(4L * batchSize, videoFrames / (2L * Math.Max(1, workers)));

    /// <summary>
    /// Whether a run of <paramref name="runFrames"/> frames ends before a range whose first frame costs
    /// <paramref name="seekCost"/> frames of extra decoding to seek to (null: unknown key frames), with
    /// <paramref name="framesLeft"/> frames of the video from there. Both sides must be long enough: a
    /// short tail (vtest.avi split 18 frames after its last key frame, 27 frames before its end) gains
    /// nothing, and it makes the long run decode beside another capture, with one FFmpeg thread.
    /// </summary>
    public static bool ShouldSplit(long runFrames, long framesLeft, long minRunFrames, long? seekCost) =>
        runFrames >= minRunFrames && framesLeft >= minRunFrames && (seekCost ?? UnknownSeekCost) * SplitCostDivisor <= runFrames;
}
