using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;

/// <summary>
/// Figure 5: the naive recipe, written as a first attempt would be — and honestly, not handicapped:
/// read every frame of the video into a List&lt;Mat&gt;; then, one frame at a time, letterbox it
/// (resize + border, as YOLOX wants), CvDnn.BlobFromImage, copy into a DenseTensor, run the session
/// (default options, the model file as is) and read the output; no overlap of any stage. Post-processing
/// is a score threshold only (no NMS), which favours the naive recipe. Runs in a child process so that
/// its peak memory (it holds the whole video) is its own.
/// </summary>
internal static class NaiveBench
{
    /// <summary>
    /// In a child process: prints "frames seconds peakRssKiB" (frames: those run through the model).
    /// <paramref name="readFrames"/> &gt; 0 reads only the video's first frames (the speed rounds use the
    /// pipeline's 256, so both sides see the same frames); <paramref name="inferFrames"/> &gt; 0 runs the
    /// model over only the first frames of the list (the memory figures: the peak is the list of every
    /// frame plus the session, reached before inference; the rest of the run would only add minutes).
    /// </summary>
    public static void Child(string modelPath, string video, int gpuDevice, int readFrames = 0, int inferFrames = 0)
    {
        using var options = new SessionOptions();
        if (gpuDevice >= 0) options.AppendExecutionProvider_CUDA(gpuDevice);
        using var session = new InferenceSession(modelPath, options);
        string inputName = session.InputMetadata.Keys.First();
        var dims = session.InputMetadata[inputName].Dimensions; // [1, 3, H, W]
        int h = dims[2], w = dims[3];

        // Warm-up run, untimed (the session's first run plans memory).
        session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(new[] { 1, 3, h, w })) }).Dispose();

        var sw = Stopwatch.StartNew();
        var frames = new List<Mat>();
        using (var cap = new VideoCapture(video, VideoCaptureAPIs.FFMPEG))
        {
            while (readFrames <= 0 || frames.Count < readFrames)
            {
                var m = new Mat();
                if (!cap.Read(m)) { m.Dispose(); break; }
                frames.Add(m);
            }
        }
        long kept = 0;
        int inferred = 0;
        foreach (var frame in inferFrames > 0 ? frames.Take(inferFrames) : frames)
        {
            inferred++;
            double scale = Math.Min((double)w / frame.Cols, (double)h / frame.Rows);
            int rw = (int)Math.Round(frame.Cols * scale), rh = (int)Math.Round(frame.Rows * scale);
            using var resized = frame.Resize(new Size(rw, rh));
            using var padded = new Mat();
            Cv2.CopyMakeBorder(resized, padded, 0, h - rh, 0, w - rw, BorderTypes.Constant, new Scalar(114, 114, 114));
            using var blob = CvDnn.BlobFromImage(padded, 1.0, new Size(w, h), new Scalar(), false, false);
            var data = new float[3 * h * w];
            System.Runtime.InteropServices.Marshal.Copy(blob.Data, data, 0, data.Length);
            var input = NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(data, new[] { 1, 3, h, w }));
            using var outputs = session.Run(new[] { input });
            var output = outputs.First().AsEnumerable<float>().ToArray(); // [1, anchors, 5 + classes]
            int stride = session.OutputMetadata.First().Value.Dimensions[2];
            for (int i = 0; i + stride <= output.Length; i += stride)
            {
                float objectness = output[i + 4];
                float best = 0;
                for (int c = 5; c < stride; c++) best = Math.Max(best, output[i + c]);
                if (objectness * best >= 0.3f) kept++;
            }
        }
        double seconds = sw.Elapsed.TotalSeconds;
        foreach (var m in frames) m.Dispose();
        GC.KeepAlive(kept);
        Console.WriteLine($"{inferred} {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Child_PeakRssKib()}");
    }

    /// <summary>Runs the naive recipe in a child process over <paramref name="video"/>.</summary>
    public static (long Frames, double Seconds, long PeakKib) Measure(string modelPath, string video, int gpuDevice, int readFrames = 0, int inferFrames = 0)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        var parts = Children.RunSelf("naive", modelPath, video, gpuDevice.ToString(ci), readFrames.ToString(ci), inferFrames.ToString(ci)).Split(' ');
        return (long.Parse(parts[0]), double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[2]));
    }

    internal static long Child_PeakRssKib() => Children.PeakRssKib();
}

/// <summary>Child processes of the benchmark itself, and peak RSS.</summary>
internal static class Children
{
    /// <summary>Starts this benchmark again with <paramref name="args"/>; returns its last line of output.</summary>
    public static string RunSelf(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") psi.ArgumentList.Add(typeof(Children).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"child '{string.Join(' ', args)}' failed with exit code {p.ExitCode}: {output}");
        return output.Trim().Split('\n')[^1].Trim();
    }

    /// <summary>This process's peak resident set (VmHWM), KiB.</summary>
    public static long PeakRssKib()
    {
        string status = File.Exists("/proc/self/status") ? File.ReadAllText("/proc/self/status") : "";
        var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1024 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    /// <summary><paramref name="source"/> repeated <paramref name="times"/> times (ffmpeg stream copy), made once under <paramref name="output"/>.</summary>
    public static string LongVideo(string source, string output, int times)
    {
        string path = Path.Combine(output, $"{Path.GetFileNameWithoutExtension(source)}-x{times}{Path.GetExtension(source)}");
        if (File.Exists(path)) return path;
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-y", "-stream_loop", (times - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", source, "-c", "copy", path + ".tmp.avi" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed making {path}: {err}");
        File.Move(path + ".tmp.avi", path);
        return path;
    }
}
