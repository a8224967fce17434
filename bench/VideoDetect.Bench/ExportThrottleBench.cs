using System.Diagnostics;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

/// <summary>
/// Export-AnnotatedVideo's -ThrottleLimit: <see cref="AnnotatedVideoExport"/> (the cmdlet's sink,
/// driven by the cmdlet's SourceSinkDriver) over four sources — copies of vtest.avi's first 240 frames — with
/// one box a frame made up front, so detections arrive faster than one source encodes (as from a GPU);
/// H.264 through libx264 at the cmdlet's default preset, no audio. Limits 1, 2 and 4, rounds
/// interleaved, medians; CPU time includes the ffmpeg encoders (children of this process).
/// </summary>
internal static class ExportThrottleBench
{
    private const int SourceFrames = 240;

    public static void Run(string vtest, string output, Results results, int repeats)
    {
        var encoder = Encoders.Choose(null);
        if (encoder.Codec != VideoCodec.H264)
        {
            results.Note("export -ThrottleLimit: ffmpeg with libx264 is missing; not measured.");
            return;
        }
        string dir = Path.Combine(output, "export-throttle");
        Directory.CreateDirectory(dir);
        var sources = Sources(vtest, dir);
        var frames = sources.SelectMany(s => Enumerable.Range(0, SourceFrames).Select(i => Frame(s, i))).ToList();
        var limits = new[] { 1, 2, 4 };
        Measure(frames, encoder, dir, 1); // warm-up: JIT, file cache
        var wall = limits.ToDictionary(l => l, _ => new List<double>());
        var cpu = limits.ToDictionary(l => l, _ => new List<double>());
        for (int round = 0; round < repeats; round++)
            foreach (int limit in limits)
            {
                var (w, c) = Measure(frames, encoder, dir, limit);
                wall[limit].Add(w);
                cpu[limit].Add(c / frames.Count);
            }
        double wall1 = Stats.Median(wall[1]), cpu1 = Stats.Median(cpu[1]);
        results.Note($"export -ThrottleLimit 1: {frames.Count / wall1 * 1000:F0} frames/s over {sources.Count} sources of {SourceFrames} frames (768×576, H.264 {encoder.Preset}); Auto is {ExportParallelism.Auto(Environment.ProcessorCount)} here.");
        foreach (int limit in limits.Where(l => l != 1))
        {
            results.Add(new Figure
            {
                Section = "11 export sources at once", Name = $"Export-AnnotatedVideo, {sources.Count} sources: wall time, -ThrottleLimit {limit}", Value = Stats.Median(wall[limit]), Unit = "ms",
                Baseline = "-ThrottleLimit 1", BaselineValue = wall1,
                Note = $"median of {repeats}; {frames.Count / Stats.Median(wall[limit]) * 1000:F0} frames/s",
            });
            results.Add(new Figure
            {
                Section = "11 export sources at once", Name = $"Export-AnnotatedVideo, {sources.Count} sources: CPU per frame (with the encoders), -ThrottleLimit {limit}", Value = Stats.Median(cpu[limit]), Unit = "ms CPU/frame",
                Baseline = "-ThrottleLimit 1", BaselineValue = cpu1,
                Note = "this process and its ffmpeg children, user + system",
            });
        }
    }

    /// <summary>Four sources named a..d: vtest.avi's first frames, cut once with ffmpeg (stream copy).</summary>
    private static List<string> Sources(string vtest, string dir)
    {
        string first = Path.Combine(dir, "a.avi");
        if (!File.Exists(first))
        {
            var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
            foreach (var a in new[] { "-v", "error", "-nostdin", "-y", "-i", vtest, "-frames:v", SourceFrames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "copy", first + ".tmp.avi" })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            File.Move(first + ".tmp.avi", first);
        }
        var list = new List<string> { first };
        foreach (string name in new[] { "b", "c", "d" })
        {
            string copy = Path.Combine(dir, name + ".avi");
            if (!File.Exists(copy)) File.Copy(first, copy);
            list.Add(copy);
        }
        return list;
    }

    private static FrameDetections Frame(string path, long index) => new()
    {
        Path = path,
        FrameIndex = index,
        Detections = new[] { new Detection { Path = path, FrameIndex = index, Label = "person", Confidence = 0.9f, X = 300 + index % 50, Y = 300, Width = 120, Height = 100 } },
    };

    /// <summary>Wall ms and CPU ms (this process and its waited-for children) of one export at <paramref name="limit"/>.</summary>
    private static (double WallMs, double CpuMs) Measure(List<FrameDetections> frames, EncoderChoice encoder, string dir, int limit)
    {
        string target = Path.Combine(dir, $"out-{limit}");
        if (Directory.Exists(target)) Directory.Delete(target, true);
        double cpu0 = CpuMs();
        var sw = Stopwatch.StartNew();
        var export = new AnnotatedVideoExport(encoder, new AnnotationOptions { Audio = false, Overwrite = true });
        using (var driver = new SourceSinkDriver(export, new OutputClaims(AnnotatedVideoExport.Resolve(target, isDirectory: true), force: true), new QuietHost(), limit))
        {
            foreach (var f in frames) driver.Push(f);
            driver.Complete();
        }
        return (sw.Elapsed.TotalMilliseconds, CpuMs() - cpu0);
    }

    /// <summary>Confirms every source; an error fails the bench.</summary>
    private sealed class QuietHost : ISinkHost
    {
        public bool Confirm(string sourcePath, string target) => true;
        public void Opened(ISourceOutput output) { }
        public void Added(FrameDetections frame, ISourceOutput output) { }
        public void SourceEnded() { }
        public void Committed(ISourceResult result) { }
        public void Failed(VideoDetect.Errors.VideoDetectException error, object? about) => throw error;
    }

    /// <summary>utime + stime + cutime + cstime of /proc/self/stat, in ms (clock ticks of 10 ms).</summary>
    private static double CpuMs()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 3, so utime (14) is index 11.
        return Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture)) * 10.0;
    }
}
