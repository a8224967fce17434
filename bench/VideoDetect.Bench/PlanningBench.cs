using System.Text;
using OpenCvSharp;
using VideoDetect.Video;

/// <summary>Planning cost: what Split-VideoClip pays to be exact, against a plain decode of the same file.</summary>
internal static class PlanningBench
{
    private const int Runs = 5;

    public static int ReadAll(string path)
    {
        using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        using var frame = new Mat();
        int n = 0;
        while (cap.Read(frame)) n++;
        return n;
    }

    private static int GrabAll(string path)
    {
        using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        int n = 0;
        while (cap.Grab()) n++;
        return n;
    }

    public static void Run(string shared, StringBuilder report)
    {
        report.AppendLine("## Planning cost (Get-VideoInfo / Split-VideoClip)");
        report.AppendLine();
        report.AppendLine("| video | frames | plain decode (Read, BGR) | grab only | probe (default) | probe ÷ decode | counting pass (-Accurate) | count ÷ decode | cached probe |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string name in new[] { "vtest.avi", "Megamind.avi", "Megamind_bugy.avi", "tree.avi" })
        {
            string path = Path.Combine(shared, "videos", name);
            if (!File.Exists(path)) { Console.Error.WriteLine($"skip {name}: not found under {shared}"); continue; }
            int frames = ReadAll(path); // warm-up (also the OS file cache)
            GrabAll(path);
            double read = Measure.MedianMs(() => ReadAll(path), Runs);
            double grab = Measure.MedianMs(() => GrabAll(path), Runs);
            ProbedVideo? probed = null;
            double probe = Measure.MedianMs(() => probed = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) }), Runs);
            double count = Measure.MedianMs(() => VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null), Accurate = true }), Runs);
            var cache = new VideoIndexCache(null);
            VideoProbe.Probe(path, new ProbeOptions { Cache = cache });
            double cached = Measure.MedianMs(() => VideoProbe.Probe(path, new ProbeOptions { Cache = cache }), 51);
            string Fps(double ms) => $"{ms:F1} ms ({frames / (ms / 1000):F0} fps)";
            report.AppendLine($"| {name} | {frames} ({probed!.Info.FrameCountMethod}) | {Fps(read)} | {Fps(grab)} | {probe:F1} ms | {probe / read:F3} | {Fps(count)} | {count / read:F2} | {cached * 1000:F0} µs |");
        }
        report.AppendLine();
    }
}
