using System.Diagnostics;
using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Video;

/// <summary>
/// Where -ThrottleLimit's CPU goes, stage by stage, each stage run alone in this process so that the
/// process CPU time is the stage's: the key-frame scan (raw packets), decode + BGR conversion of the
/// whole video by one capture at 0 (OpenCV's default), 1 and 2 FFmpeg threads, the same split into
/// 4 captures of 2 threads each reading a quarter (the seek cost of a split), and the letterbox to
/// 416×416. Figures go to the results as notes (CPU ms per frame of the video).
/// </summary>
internal static class ThrottleProfile
{
    public static void Run(string video, Results results)
    {
        var probed = VideoProbe.Probe(video);
        var index = probed.Index;
        string name = Path.GetFileName(video);
        long frames = index.FrameCount;
        var parts = new List<string>();
        var (scanCpu, scanWall) = Cpu(() => KeyFrames.Scan(video, index, CancellationToken.None));
        parts.Add($"key-frame scan {scanCpu / frames:0.00} ({scanWall:0} ms wall)");
        foreach (int threads in new[] { 0, 1, 2 })
        {
            Decode(video, index, threads, 0, frames); // warm (file cache)
            var (cpu, wall) = Cpu(() => Decode(video, index, threads, 0, frames));
            parts.Add($"decode, 1 capture, {(threads == 0 ? "default" : threads.ToString())} threads {cpu / frames:0.00} ({wall:0} ms wall)");
        }
        var (splitCpu, splitWall) = Cpu(() =>
        {
            for (int q = 0; q < 4; q++) Decode(video, index, 2, frames * q / 4, frames * (q + 1) / 4);
        });
        parts.Add($"decode, 4 captures × 2 threads over quarters {splitCpu / frames:0.00} ({splitWall:0} ms wall)");
        var pre = new FramePreprocessor(new PreprocessOptions { Width = 416, Height = 416 });
        using var frame = new Mat();
        using (var reader = new VideoReader(video, index))
        {
            reader.Grab();
            reader.Retrieve(frame);
        }
        var tensor = new float[pre.Options.FrameLength];
        var (preCpu, _) = Cpu(() => { for (int i = 0; i < 200; i++) pre.Process(frame, tensor); });
        parts.Add($"letterbox 416 {preCpu / 200:0.00}");
        results.Note($"throttle profile, {name} ({frames} frames), CPU ms per frame: " + string.Join("; ", parts) + ".");
    }

    private static void Decode(string video, VideoIndex index, int threads, long first, long end)
    {
        using var reader = new VideoReader(video, index, threads);
        using var mat = new Mat();
        if (first > 0) reader.Seek(first);
        while (reader.Position < end && reader.Grab()) reader.Retrieve(mat);
    }

    private static (double CpuMs, double WallMs) Cpu(Action action)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        action();
        double wall = sw.Elapsed.TotalMilliseconds;
        process.Refresh();
        return ((process.TotalProcessorTime - cpu0).TotalMilliseconds, wall);
    }
}
