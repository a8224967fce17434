using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using VideoDetect.Batching;
using VideoDetect.Video;

/// <summary>
/// A short BenchmarkDotNet job, in process (no generated project to build), so the two micro suites
/// take well under a minute each on two cores: 1 launch, 2 warm-up and 5 measured iterations.
/// </summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig(string artifacts)
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)));
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddLogger(ConsoleLogger.Default);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
        ArtifactsPath = artifacts;
        Options |= ConfigOptions.DisableLogFile;
    }
}

/// <summary>Figure 1: decode only. Our reader (grab + BGR retrieve, as the batcher does) against a plain OpenCvSharp read loop.</summary>
public class DecodeBenchmarks
{
    public static string Video { get; set; } = "";
    private ProbedVideo? _probed;

    [GlobalSetup]
    public void Setup() => _probed = VideoProbe.Probe(Video);

    [Benchmark(Baseline = true, Description = "plain OpenCvSharp read loop")]
    public int PlainReadLoop()
    {
        using var cap = new VideoCapture(Video, VideoCaptureAPIs.FFMPEG);
        using var frame = new Mat();
        int n = 0;
        while (cap.Read(frame)) n++;
        return n;
    }

    [Benchmark(Description = "VideoReader (the batcher's decode)")]
    public int VideoReaderLoop()
    {
        using var reader = new VideoReader(Video, _probed!.Index);
        using var m = new Mat();
        int n = 0;
        while (reader.Grab()) { reader.Retrieve(m); n++; }
        return n;
    }
}

/// <summary>
/// Figure 2: preprocessing 8 frames (768×576 → 416×416 stretched, BGR→RGB, ×1/255, NCHW): our
/// kernel against CvDnn.BlobFromImages with the same settings. <see cref="Verify"/> checks that
/// both produce the same numbers before anything is timed.
/// </summary>
public class PreprocessBenchmarks
{
    public const int Frames = 8;
    public static string Video { get; set; } = "";
    public static readonly PreprocessOptions Stretch = new() { Width = 416, Height = 416, Resize = ResizeMode.Stretch, ChannelOrder = ChannelOrder.RGB, Scale = 1f / 255 };
    private static readonly int Parallelism = Math.Max(1, Environment.ProcessorCount - 1);
    private List<Mat> _frames = new();
    private FramePreprocessor _pre = null!;
    private float[] _tensor = Array.Empty<float>();

    [GlobalSetup]
    public void Setup()
    {
        _frames = ReadFrames(Video, Frames);
        _pre = new FramePreprocessor(Stretch);
        _tensor = new float[Frames * Stretch.FrameLength];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var m in _frames) m.Dispose();
    }

    [Benchmark(Baseline = true, Description = "CvDnn.BlobFromImages")]
    public long BlobFromImages()
    {
        using var blob = CvDnn.BlobFromImages(_frames, 1.0 / 255, new Size(416, 416), new Scalar(), true, false);
        return blob.Total();
    }

    [Benchmark(Description = "FramePreprocessor, one thread")]
    public int OneThread()
    {
        int len = Stretch.FrameLength;
        for (int i = 0; i < _frames.Count; i++) _pre.Process(_frames[i], _tensor.AsSpan(i * len, len));
        return _frames.Count;
    }

    [Benchmark(Description = "FramePreprocessor, as the batcher runs it")]
    public int AsBatcher()
    {
        int len = Stretch.FrameLength;
        Parallel.For(0, _frames.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, i => _pre.Process(_frames[i], _tensor.AsSpan(i * len, len)));
        return _frames.Count;
    }

    /// <summary>Largest absolute difference between BlobFromImages and our tensor, over all 8 frames.</summary>
    public static double Verify(string video)
    {
        var b = new PreprocessBenchmarks();
        Video = video;
        b.Setup();
        try
        {
            b.OneThread();
            using var blob = CvDnn.BlobFromImages(b._frames, 1.0 / 255, new Size(416, 416), new Scalar(), true, false);
            if (blob.Total() != b._tensor.Length) throw new InvalidOperationException($"BlobFromImages gave {blob.Total()} floats, we {b._tensor.Length}.");
            var theirs = new float[b._tensor.Length];
            System.Runtime.InteropServices.Marshal.Copy(blob.Data, theirs, 0, theirs.Length);
            double max = 0;
            for (int i = 0; i < theirs.Length; i++) max = Math.Max(max, Math.Abs(theirs[i] - b._tensor[i]));
            return max;
        }
        finally
        {
            b.Cleanup();
        }
    }

    internal static List<Mat> ReadFrames(string path, int count)
    {
        var list = new List<Mat>();
        using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        for (int i = 0; i < count; i++)
        {
            var m = new Mat();
            if (!cap.Read(m)) { m.Dispose(); break; }
            list.Add(m);
        }
        return list;
    }
}

/// <summary>Runs the two BenchmarkDotNet suites and turns their medians into figures.</summary>
internal static class MicroBench
{
    public static void Run(string vtest, string output, Results results)
    {
        long frames = VideoProbe.Probe(vtest).Index.FrameCount;
        var config = new ShortConfig(Path.Combine(output, "BenchmarkDotNet"));

        DecodeBenchmarks.Video = vtest;
        var decode = BenchmarkRunner.Run<DecodeBenchmarks>(config);
        double plain = Fps(decode, nameof(DecodeBenchmarks.PlainReadLoop), frames);
        results.Add(new Figure { Section = "1 decode", Name = "plain OpenCvSharp read loop", Value = plain, Unit = "frames/s", Note = "baseline" });
        results.Add(new Figure
        {
            Section = "1 decode", Name = "VideoReader (the batcher's decode)", Value = Fps(decode, nameof(DecodeBenchmarks.VideoReaderLoop), frames), Unit = "frames/s",
            Baseline = "plain read loop", BaselineValue = plain, Goal = Target.AtLeast(0.95),
        });

        double diff = PreprocessBenchmarks.Verify(vtest);
        const double Tolerance = 1e-5;
        if (diff > Tolerance)
        {
            results.Note($"preprocessing: FramePreprocessor differs from BlobFromImages by {diff:G3} (> {Tolerance}); not timed.");
            return;
        }
        PreprocessBenchmarks.Video = vtest;
        var pre = BenchmarkRunner.Run<PreprocessBenchmarks>(config);
        int n = PreprocessBenchmarks.Frames;
        double blob = Fps(pre, nameof(PreprocessBenchmarks.BlobFromImages), n);
        string same = $"same numbers: max |difference| {diff:G3} over {n} frames";
        results.Add(new Figure { Section = "2 preprocess", Name = "CvDnn.BlobFromImages, 8 frames", Value = blob, Unit = "frames/s", Note = same });
        results.Add(new Figure
        {
            Section = "2 preprocess", Name = "FramePreprocessor, one thread", Value = Fps(pre, nameof(PreprocessBenchmarks.OneThread), n), Unit = "frames/s",
            Baseline = "BlobFromImages", BaselineValue = blob, Goal = Target.AtLeast(2), Note = same,
        });
        results.Add(new Figure
        {
            Section = "2 preprocess", Name = "FramePreprocessor, as the batcher runs it", Value = Fps(pre, nameof(PreprocessBenchmarks.AsBatcher), n), Unit = "frames/s",
            Baseline = "BlobFromImages", BaselineValue = blob, Note = $"{Math.Max(1, Environment.ProcessorCount - 1)} thread(s)",
        });
        var alloc = pre.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(PreprocessBenchmarks.OneThread))?.GcStats.GetBytesAllocatedPerOperation(pre.Reports[0].BenchmarkCase);
        if (alloc is { } a) results.Add(new Figure { Section = "2 preprocess", Name = "FramePreprocessor managed allocation", Value = (double)a / n, Unit = "B/frame" });
    }

    private static double Fps(Summary summary, string method, long framesPerOp)
    {
        var report = summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
        double ns = report.ResultStatistics?.Median ?? throw new InvalidOperationException($"{method}: no result (see the BenchmarkDotNet log above).");
        return framesPerOp / (ns / 1e9);
    }
}
