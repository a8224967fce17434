using System.Diagnostics;
using System.Text;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using VideoDetect.Batching;
using VideoDetect.Video;

/// <summary>ConvertTo-FrameBatch's engine: decode, preprocessing against BlobFromImages, both together, peak memory.</summary>
internal static class BatchingBench
{
    private const int Runs = 5;
    private static readonly PreprocessOptions Letterbox416 = new() { Width = 416, Height = 416 };

    public static void Run(string shared, string output, StringBuilder report)
    {
        string vtest = Path.Combine(shared, "videos", "vtest.avi");
        if (!File.Exists(vtest)) { Console.Error.WriteLine("skip batching: vtest.avi not found"); return; }
        var probed = VideoProbe.Probe(vtest);
        long frames = probed.Index.FrameCount;
        report.AppendLine("## ConvertTo-FrameBatch (vtest.avi, 768×576, 795 frames; 416×416)");
        report.AppendLine();
        report.AppendLine("| what | time | frames/s | ratio to baseline |");
        report.AppendLine("|---|---:|---:|---:|");
        string Row(string what, double ms, long n, double baselineMs, string baseline) =>
            $"| {what} | {ms:F1} ms | {n / (ms / 1000):F0} | {baselineMs / ms:F2}× {baseline} |";

        // 1. Decode only: our reader (grab + BGR retrieve, as the batcher does) against a plain read loop.
        PlanningBench.ReadAll(vtest);
        double plain = Measure.MedianMs(() => PlanningBench.ReadAll(vtest), Runs);
        double ours = Measure.MedianMs(() =>
        {
            using var reader = new VideoReader(vtest, probed.Index);
            using var m = new Mat();
            while (reader.Grab()) reader.Retrieve(m);
        }, Runs);
        report.AppendLine(Row("plain OpenCvSharp read loop (baseline)", plain, frames, plain, "plain"));
        report.AppendLine(Row("decode only (VideoReader)", ours, frames, plain, "plain"));

        // 2. Preprocessing, 8 frames at a time, stretch to 416×416, RGB, /255: BlobFromImages against ours.
        var batch = ReadFrames(vtest, 64);
        var stretch = new PreprocessOptions { Width = 416, Height = 416, Resize = ResizeMode.Stretch };
        var pre = new FramePreprocessor(stretch);
        var tensor = new float[8 * stretch.FrameLength];
        double blob = Measure.MedianMs(() =>
        {
            for (int b = 0; b < batch.Count; b += 8)
                using (CvDnn.BlobFromImages(batch.Skip(b).Take(8), 1.0 / 255, new Size(416, 416), new Scalar(), true, false)) { }
        }, Runs);
        double single = Measure.MedianMs(() =>
        {
            for (int i = 0; i < batch.Count; i++) pre.Process(batch[i], tensor.AsSpan(i % 8 * stretch.FrameLength, stretch.FrameLength));
        }, Runs);
        double parallel = Measure.MedianMs(() =>
        {
            for (int b = 0; b < batch.Count; b += 8)
                Parallel.For(0, 8, i => pre.Process(batch[b + i], tensor.AsSpan(i * stretch.FrameLength, stretch.FrameLength)));
        }, Runs);
        report.AppendLine(Row("CvDnn.BlobFromImages, 8 per call (baseline)", blob, batch.Count, blob, "BlobFromImages"));
        report.AppendLine(Row("FramePreprocessor, one thread", single, batch.Count, blob, "BlobFromImages"));
        report.AppendLine(Row("FramePreprocessor, frames of a batch in parallel", parallel, batch.Count, blob, "BlobFromImages"));
        foreach (var m in batch) m.Dispose();

        // 3. Decode + preprocess: the whole batcher, batches disposed as a consumer would.
        var clips = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(64) }).ToList();
        double full = Measure.MedianMs(() =>
        {
            using var batcher = new FrameBatcher(new BatchOptions { BatchSize = 8, Preprocess = Letterbox416 });
            foreach (var c in clips) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e) if (e is BatchReady r) r.Batch.Dispose();
        }, Runs);
        report.AppendLine(Row("decode + letterbox preprocess (FrameBatcher, batch 8)", full, frames, plain, "plain"));
        report.AppendLine();

        // 4. Peak memory, each in a fresh process: vtest.avi against a video 10× longer.
        string longVideo = MakeLongVideo(vtest, output, 10);
        var (shortRss, shortFrames) = PeakRss(vtest);
        var (longRss, longFrames) = PeakRss(longVideo);
        report.AppendLine("| peak memory (RSS, whole process) | frames | MiB | ratio |");
        report.AppendLine("|---|---:|---:|---:|");
        report.AppendLine($"| vtest.avi | {shortFrames} | {shortRss / 1024.0:F0} | 1.00 |");
        report.AppendLine($"| vtest.avi × 10 | {longFrames} | {longRss / 1024.0:F0} | {(double)longRss / shortRss:F2} |");
        report.AppendLine();
    }

    private static List<Mat> ReadFrames(string path, int count)
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

    /// <summary>vtest.avi repeated <paramref name="times"/> times: ffmpeg stream copy when available, else re-encoded by OpenCV.</summary>
    private static string MakeLongVideo(string source, string output, int times)
    {
        string path = Path.Combine(output, $"vtest-x{times}.avi");
        if (File.Exists(path)) return path;
        try
        {
            var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
            foreach (var a in new[] { "-v", "error", "-nostdin", "-y", "-stream_loop", (times - 1).ToString(), "-i", source, "-c", "copy", path }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode == 0) return path;
        }
        catch (System.ComponentModel.Win32Exception) { /* no ffmpeg */ }
        using var writer = new VideoWriter(path, VideoWriter.FourCC("MJPG"), 10, new Size(768, 576));
        using var frame = new Mat();
        for (int i = 0; i < times; i++)
        {
            using var cap = new VideoCapture(source, VideoCaptureAPIs.FFMPEG);
            while (cap.Read(frame)) writer.Write(frame);
        }
        return path;
    }

    private static (long Kib, long Frames) PeakRss(string video)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        string self = typeof(BatchingBench).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") psi.ArgumentList.Add(self);
        foreach (var a in new[] { "memory", video, "8" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string[] parts = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        return (long.Parse(parts[0]), long.Parse(parts[1]));
    }

    /// <summary>In a child process: batch the whole video (batches disposed) and print peak RSS (KiB) and frames.</summary>
    public static void MemoryChild(string video, int batchSize)
    {
        var probed = VideoProbe.Probe(video);
        long n = 0;
        using (var batcher = new FrameBatcher(new BatchOptions { BatchSize = batchSize, Preprocess = Letterbox416 }))
        {
            foreach (var c in ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(64) })) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e) if (e is BatchReady r) { n += r.Batch.Count; r.Batch.Dispose(); }
        }
        string status = File.Exists("/proc/self/status") ? File.ReadAllText("/proc/self/status") : "";
        var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        long kib = line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1024 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Console.WriteLine($"{kib} {n}");
    }
}
