using System.Diagnostics;
using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Video;

/// <summary>
/// Where -ThrottleLimit's CPU goes, stage by stage, each stage run alone in this process so that the
/// process CPU time is the stage's: the key-frame scan (raw packets), decode + BGR conversion of the
/// whole video by one capture at 0 (OpenCV's default), 1 and 2 FFmpeg threads, the same split into
/// one capture per run where -ThrottleLimit 4 splits it (the first clip boundary after a key frame; the
/// seeks' cost), and the letterbox to 416×416. Figures go to the results as notes (CPU ms per frame of
/// the video; frames decoded, also to reach a seek target).
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
        var keys = KeyFrames.Scan(video, index, CancellationToken.None) ?? new long[] { 0 };
        var cuts = keys.Where(k => k > 0).Select(k => (k + 63) / 64 * 64).Where(c => c < frames).Distinct().Prepend(0L).Append(frames).ToArray();
        foreach (int threads in new[] { 1, 2 })
        {
            long grabbed = 0;
            int seeks = 0;
            var (splitCpu, splitWall) = Cpu(() =>
            {
                for (int r = 0; r + 1 < cuts.Length; r++)
                {
                    var (g, s) = Decode(video, index, threads, cuts[r], cuts[r + 1]);
                    grabbed += g;
                    seeks += s;
                }
            });
            parts.Add($"decode, {cuts.Length - 1} captures × {threads} threads split at {string.Join("/", cuts[1..^1])} {splitCpu / frames:0.00} " +
                $"({splitWall:0} ms wall, {grabbed} frames grabbed, {seeks} seeks)");
        }
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

    /// <summary>
    /// CPU time by thread while FrameBatcher runs <paramref name="clips"/> at <paramref name="limit"/>
    /// (Linux: /proc/self/task sampled every 20 ms, so threads that end in between are counted up to
    /// their last sample): decode workers, FFmpeg's and other native threads, the .NET thread pool
    /// (preprocessing, the assembler, the dispatcher). CPU ms per frame.
    /// </summary>
    public static string ByThread(Func<int, long> run, int limit)
    {
        if (!Directory.Exists("/proc/self/task")) return "no /proc";
        var first = new Dictionary<int, (string Name, long Ticks)>();
        var last = new Dictionary<int, (string Name, long Ticks)>();
        foreach (var (tid, name, ticks) in Threads()) first[tid] = (name, ticks);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var (tid, name, ticks) in Threads()) lock (last) last[tid] = (name, ticks);
                Thread.Sleep(20);
            }
        });
        long frames = run(limit);
        stop.Cancel();
        sampler.Wait();
        foreach (var (tid, name, ticks) in Threads()) last[tid] = (name, ticks);
        var byGroup = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (tid, (name, ticks)) in last)
        {
            long used = ticks - (first.TryGetValue(tid, out var f) ? f.Ticks : 0);
            if (used <= 0) continue;
            string group = name.StartsWith("VideoDetect", StringComparison.Ordinal) ? "decode workers"
                : name.StartsWith(".NET TP", StringComparison.Ordinal) || name.StartsWith(".NET Long", StringComparison.Ordinal) ? "thread pool"
                : name.StartsWith(".NET", StringComparison.Ordinal) ? "runtime" : "native (FFmpeg) and main";
            byGroup[group] = byGroup.GetValueOrDefault(group) + used;
        }
        // /proc counts in clock ticks of 10 ms
        return $"-ThrottleLimit {limit}: " + string.Join(", ", byGroup.Select(g => $"{g.Key} {g.Value * 10.0 / frames:0.00}")) +
            $" (total {byGroup.Values.Sum() * 10.0 / frames:0.00})";
    }

    private static IEnumerable<(int Tid, string Name, long Ticks)> Threads()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
            var rest = stat[(close + 2)..].Split(' ');
            yield return (int.Parse(stat[..open].Trim()), stat[(open + 1)..close], long.Parse(rest[11]) + long.Parse(rest[12]));
        }
    }

    private static (long Grabbed, int Seeks) Decode(string video, VideoIndex index, int threads, long first, long end)
    {
        using var reader = new VideoReader(video, index, threads);
        using var mat = new Mat();
        if (first > 0) reader.Seek(first);
        while (reader.Position < end && reader.Grab()) reader.Retrieve(mat);
        return (reader.FramesGrabbed, reader.SeekCount);
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
