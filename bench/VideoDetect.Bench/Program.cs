using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenCvSharp;
using VideoDetect.Video;

// Planning cost (issue: Split-VideoClip must be exact without paying for a full decode when the
// container can be trusted). Every figure is a median of several runs, set against a plain decode
// of the same file in the same process.
string shared = args.Length > 0 ? args[0] : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared"));
string output = args.Length > 1 ? args[1] : Path.GetFullPath("out/bench");
const int Runs = 5;
Directory.CreateDirectory(output);
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

static double MedianMs(Action action, int runs)
{
    var times = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[times.Count / 2];
}

static int ReadAll(string path)
{
    using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
    using var frame = new Mat();
    int n = 0;
    while (cap.Read(frame)) n++;
    return n;
}

static int GrabAll(string path)
{
    using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
    int n = 0;
    while (cap.Grab()) n++;
    return n;
}

var report = new StringBuilder();
report.AppendLine($"# Planning cost — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
report.AppendLine();
report.AppendLine("| video | frames | plain decode (Read, BGR) | grab only | probe (default) | probe ÷ decode | counting pass (-Accurate) | count ÷ decode | cached probe |");
report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (string name in new[] { "vtest.avi", "Megamind.avi", "Megamind_bugy.avi", "tree.avi" })
{
    string path = Path.Combine(shared, "videos", name);
    if (!File.Exists(path)) { Console.Error.WriteLine($"skip {name}: not found under {shared}"); continue; }
    int frames = ReadAll(path); // warm-up (also the file cache)
    GrabAll(path);
    double read = MedianMs(() => ReadAll(path), Runs);
    double grab = MedianMs(() => GrabAll(path), Runs);
    ProbedVideo? probed = null;
    double probe = MedianMs(() => probed = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) }), Runs);
    double count = MedianMs(() => VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null), Accurate = true }), Runs);
    var cache = new VideoIndexCache(null);
    VideoProbe.Probe(path, new ProbeOptions { Cache = cache });
    double cached = MedianMs(() => VideoProbe.Probe(path, new ProbeOptions { Cache = cache }), 51);
    string Fps(double ms) => $"{ms:F1} ms ({frames / (ms / 1000):F0} fps)";
    report.AppendLine($"| {name} | {frames} ({probed!.Info.FrameCountMethod}) | {Fps(read)} | {Fps(grab)} | {probe:F1} ms | {probe / read:F3} | {Fps(count)} | {count / read:F2} | {cached * 1000:F0} µs |");
    Console.WriteLine($"{name}: read {read:F1} ms, grab {grab:F1} ms, probe {probe:F1} ms ({probe / read:P1} of a decode), count {count:F1} ms, cached {cached * 1000:F0} µs");
}
string file = Path.Combine(output, "planning.md");
File.WriteAllText(file, report.ToString());
Console.WriteLine(report);
Console.WriteLine($"Results written to {file}");
