namespace VideoDetect.Export;

/// <summary>
/// How many sources Export-AnnotatedVideo encodes at once, and the FFmpeg threads each gets — plain
/// functions, measured in bench/README.md ("Export: several sources at once").
/// </summary>
public static class ExportParallelism
{
    /// <summary>
    /// The default -ThrottleLimit: one source per 4 cores, 1 to 4. One source already keeps about 1.5
    /// cores busy (its re-decode, drawing and colour conversion on its worker, libx264 on its own
    /// threads), and the stages upstream (decode, inference) need the rest; so 1 on 2 cores.
    /// </summary>
    public static int Auto(int cores) => Math.Clamp(cores / 4, 1, 4);

    /// <summary>FFmpeg threads per source (decoder and encoder) so that sources × threads ≈ cores; 0 (FFmpeg's defaults) for one source.</summary>
    public static int ThreadsPerSource(int sources, int cores) => sources <= 1 ? 0 : Math.Max(1, cores / sources);
}
