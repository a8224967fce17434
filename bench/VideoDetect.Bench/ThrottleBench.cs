using System.Diagnostics;
using VideoDetect.Batching;
using VideoDetect.Video;

/// <summary>
/// ConvertTo-FrameBatch's -ThrottleLimit (decode + letterbox to 416×416, no inference), in process:
/// wall time and process CPU time per frame at 1, 2, 4 and Auto workers on vtest.avi and on a long-GOP
/// H.264 file (250-frame GOP, 3 B-frames, made with ffmpeg from vtest.avi), rounds interleaved so
/// that every setting sees the same load. CPU time per frame at 4 workers against 1 shows what the
/// split costs (the seeks' decoding from the key frame before them) and any spinning.
/// </summary>
internal static class ThrottleBench
{
    public static void Run(string vtest, string output, Results results, int repeats)
    {
        string h264 = Path.Combine(output, "vtest-gop250.mp4");
        if (!File.Exists(h264) && !MakeLongGop(vtest, h264))
            results.Note("throttle: ffmpeg is missing, so the long-GOP H.264 file was not made; only vtest.avi is measured.");
        var videos = new[] { vtest, h264 }.Where(File.Exists).ToArray();
        int auto = DecodeParallelism.Auto(Environment.ProcessorCount, inferenceOnGpu: false);
        // VIDEODETECT_BENCH_THROTTLE=1,4,8,16 picks the worker counts (1 is always the baseline).
        var limits = (Environment.GetEnvironmentVariable("VIDEODETECT_BENCH_THROTTLE") is { Length: > 0 } t
                ? t.Split(',').Select(int.Parse).Prepend(1)
                : new[] { 1, 2, 4, auto }).Distinct().ToArray();
        foreach (string video in videos) ThrottleProfile.Run(video, results);
        foreach (string video in videos)
        {
            var probed = VideoProbe.Probe(video);
            var clips = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(64) }).ToList();
            Measure(clips, 1); // warm-up: JIT, OS file cache, tensor pool
            foreach (int limit in new[] { 1, 4 })
                results.Note($"throttle CPU by thread, {Path.GetFileName(video)}, ms per frame, " + ThrottleProfile.ByThread(l => Measure(clips, l).Frames, limit));
            var wall = limits.ToDictionary(l => l, _ => new List<double>());
            var cpu = limits.ToDictionary(l => l, _ => new List<double>());
            for (int round = 0; round < repeats; round++)
                foreach (int limit in limits)
                {
                    var (w, c, frames) = Measure(clips, limit);
                    wall[limit].Add(w);
                    cpu[limit].Add(c / frames);
                }
            string name = Path.GetFileName(video);
            double wall1 = Stats.Median(wall[1]), cpu1 = Stats.Median(cpu[1]);
            foreach (int limit in limits.Where(l => l != 1))
            {
                string label = limit == auto ? $"{limit} (Auto)" : limit.ToString();
                results.Add(new Figure
                {
                    Section = "7 parallel decode", Name = $"{name}: wall time, -ThrottleLimit {label}", Value = Stats.Median(wall[limit]), Unit = "ms",
                    Baseline = "-ThrottleLimit 1", BaselineValue = wall1,
                    Goal = limit == 2 && Environment.ProcessorCount > 2 ? Target.AtMost(0.95) : null,
                    Note = $"median of {repeats}; {probed.Index.FrameCount} frames, 64-frame clips, batch 16, 416x416",
                });
                results.Add(new Figure
                {
                    Section = "7 parallel decode", Name = $"{name}: CPU time per frame, -ThrottleLimit {label}", Value = Stats.Median(cpu[limit]), Unit = "ms CPU/frame",
                    Baseline = "-ThrottleLimit 1", BaselineValue = cpu1,
                    Goal = limit == 4 ? Target.AtMost(1.1) : null,
                    Note = "process CPU time (user + system) over the frames",
                });
            }
            if (limits.Length == 1 || !limits.Contains(2))
                results.Note($"throttle: Auto is {auto} on this machine.");
        }
    }

    /// <summary>
    /// Memory bounded: peak RSS of FrameBatcher alone (a child process each) over vtest.avi × 2 and
    /// over it × 40 (20 times longer), at the same -ThrottleLimit (2: the parallel path, whatever Auto
    /// is here); and × 40 against × 20, to tell growth from the GC's first collections. The short
    /// video is vtest.avi twice because vtest.avi alone is not split between two workers (its only
    /// cheap split point leaves a 27-frame tail), so it would measure one worker's buffers against two.
    /// The short child runs 3 times (median): one child's peak moves by ±10 % with when the GC runs.
    /// </summary>
    public static void Memory(string vtest, string output, Results results)
    {
        const int limit = 2;
        string arg = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string shortVideo = Children.LongVideo(vtest, output, 2), middleVideo = Children.LongVideo(vtest, output, 20), longVideo = Children.LongVideo(vtest, output, 40);
        ChildPeak Run(string video)
        {
            var f = Children.RunSelf("throttle-rss", video, arg).Split(' ');
            return new ChildPeak(long.Parse(f[0]), long.Parse(f[1]) / 1024.0, long.Parse(f[2]), int.Parse(f[3]));
        }
        var shorts = Enumerable.Range(0, 3).Select(_ => Run(shortVideo)).ToList();
        var middle = Run(middleVideo);
        var longest = Run(longVideo);
        var shortMedian = shorts.OrderBy(c => c.PeakMiB).ElementAt(1);
        string Describe(ChildPeak c) => $"{c.Frames} frames: {c.PeakMiB:F0} MiB, {c.Tensors} tensor buffers allocated, {c.Gen0} gen0 collections";
        results.Add(new Figure
        {
            Section = "7 parallel decode", Name = $"peak RSS, vtest.avi × 40 ({longest.Frames} frames), -ThrottleLimit {limit}", Value = longest.PeakMiB, Unit = "MiB",
            Baseline = $"vtest.avi × 2 ({shortMedian.Frames} frames), -ThrottleLimit {limit}", BaselineValue = shortMedian.PeakMiB, Goal = Target.AtMost(1.1),
            Note = $"FrameBatcher alone in a child process (VmHWM), batch 16, 416x416, 64-frame clips; × 2: {string.Join(" / ", shorts.Select(c => $"{c.PeakMiB:F0}"))} MiB (median); {Describe(shortMedian)}; {Describe(longest)}",
        });
        results.Add(new Figure
        {
            Section = "7 parallel decode", Name = $"peak RSS, vtest.avi × 40 against × 20 ({middle.Frames} frames), -ThrottleLimit {limit}", Value = longest.PeakMiB, Unit = "MiB",
            Baseline = $"vtest.avi × 20, -ThrottleLimit {limit}", BaselineValue = middle.PeakMiB,
            Note = $"growth once the GC has collected: {Describe(middle)}",
        });
    }

    private sealed record ChildPeak(long Frames, double PeakMiB, long Tensors, int Gen0);

    /// <summary>The child of <see cref="Memory"/>: batches <paramref name="video"/> and prints frames, peak RSS (KiB), tensor buffers allocated and gen0 collections.</summary>
    public static void Child(string video, int limit)
    {
        var probed = VideoProbe.Probe(video);
        var clips = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(64) }).ToList();
        var (_, _, frames) = Measure(clips, limit);
        Console.WriteLine($"{frames} {Children.PeakRssKib()} {TensorPool.Shared.Allocations} {GC.CollectionCount(0)}");
    }

    private static (double WallMs, double CpuMs, long Frames) Measure(List<VideoClip> clips, int limit)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        long frames = 0;
        using (var batcher = new FrameBatcher(new BatchOptions { BatchSize = 16, ThrottleLimit = limit, Preprocess = new PreprocessOptions { Width = 416, Height = 416 } }))
        {
            foreach (var c in clips) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e)
                if (e is BatchReady r) { frames += r.Batch.Count; r.Batch.Dispose(); }
        }
        double wall = sw.Elapsed.TotalMilliseconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalMilliseconds, frames);
    }

    private static bool MakeLongGop(string source, string target)
    {
        try
        {
            var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-v", "error", "-y", "-i", source, "-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-keyint_min", "250",
                         "-sc_threshold", "0", "-bf", "3", "-pix_fmt", "yuv420p", target })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 && File.Exists(target);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

}
