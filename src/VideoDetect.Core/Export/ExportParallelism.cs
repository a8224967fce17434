namespace VideoDetect.Export;

/// <summary>
/// How many sources Export-AnnotatedVideo encodes at once, and the FFmpeg threads each gets — plain
/// functions, measured in bench/README.md ("Export: several sources at once").
/// </summary>
public static class ExportParallelism
{
    /// <summary>
    /// The default -ThrottleLimit: half the cores, 2 to 8 (1 on one core). One source keeps about 1.6
    /// cores busy (its re-decode, drawing and colour conversion on its worker, libx264 on its own
    /// threads: 7.4 ms of CPU a frame at 221 frames/s on the 2-core VM), so even there a second source
    /// at once used the idle rest (0.82× the wall time, the same CPU a frame); sources encode side by
    /// side only when detections arrive faster than one source encodes, so the limit costs nothing
    /// when inference is the bottleneck.
    /// </summary>
    public static int Auto(int cores) => cores <= 1 ? 1 : Math.Clamp(cores / 2, 2, 8);

    /// <summary>
    /// FFmpeg threads per source (decoder and encoder) for <paramref name="sources"/> encoding at once
    /// (counted when a source opens), so that sources × threads ≈ cores; 0 (FFmpeg's defaults) for a
    /// source that encodes alone.
    /// </summary>
    public static int ThreadsPerSource(int sources, int cores) => sources <= 1 ? 0 : Math.Max(1, cores / sources);
}
