using OpenCvSharp;
using Xunit;

namespace VideoDetect.Tests;

/// <summary>Where the shared, read-only fixtures are (../shared beside the repository, or VIDEODETECT_SHARED).</summary>
public static class Fixtures
{
    public static string? SharedDirectory { get; } = Locate();

    /// <summary>The shared files the real-video tests read; all must be there, or those tests skip.</summary>
    public static readonly string[] Files =
    {
        "videos/vtest.avi", "videos/Megamind.avi", "videos/Megamind_bugy.avi", "videos/tree.avi",
        "models/yolox_nano.onnx", "models/nanodet_m_416.onnx", "models/FastestDet.onnx", "models/version-RFB-320.onnx",
    };

    private static readonly string[] Absent = Files.Where(f => SharedDirectory is null || !File.Exists(Path.Combine(SharedDirectory, f))).ToArray();

    public static bool Available => Absent.Length == 0;

    public static string Missing => SharedDirectory is null
        ? "../shared is absent (set VIDEODETECT_SHARED to the folder holding videos/ and models/): real-video tests cannot run"
        : $"{SharedDirectory} lacks {string.Join(", ", Absent)}: real-video tests cannot run";

    public static string Video(string name) => Path.Combine(SharedDirectory ?? "", "videos", name);

    private static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable("VIDEODETECT_SHARED");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VideoDetect.sln")))
            {
                string shared = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                return Directory.Exists(shared) ? shared : null;
            }
        }
        return null;
    }

    /// <summary>Every frame's decoder timestamp (ms), by a plain sequential OpenCV decode — independent of the code under test.</summary>
    public static List<double> SequentialTimestamps(string path)
    {
        using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        var ts = new List<double>();
        while (cap.Grab()) ts.Add(cap.Get(VideoCaptureProperties.PosMsec));
        return ts;
    }
}

/// <summary>A fact that needs ../shared; skipped with the reason when it is absent.</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
    }
}

/// <summary>A fact that needs ../shared and a machine without CUDA; skipped with the reason otherwise.</summary>
public sealed class SharedFactWithoutCudaAttribute : FactAttribute
{
    public SharedFactWithoutCudaAttribute()
    {
        if (!Fixtures.Available) { Skip = Fixtures.Missing; return; }
        var (options, provider, _) = VideoDetect.Inference.Providers.Create(VideoDetect.Inference.ExecutionProvider.Auto, 0);
        options.Dispose();
        if (provider == VideoDetect.Inference.ExecutionProvider.Cuda) Skip = "CUDA is available on this machine: there is no CPU fallback to test";
    }
}

/// <summary>A fact about the Linux/macOS search; skipped with the reason on Windows.</summary>
public sealed class FactNotOnWindowsAttribute : FactAttribute
{
    public FactNotOnWindowsAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Windows searches the CUDA toolkit's bin on PATH, not these folders";
    }
}

/// <summary>A theory that needs ../shared; skipped with the reason when it is absent.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
    }
}

/// <summary>A temporary directory removed at dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vd-test-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A fact that needs the ffmpeg command (to make H.264 fixtures); skipped with the reason when it is absent.</summary>
public sealed class FfmpegFactAttribute : FactAttribute
{
    public FfmpegFactAttribute()
    {
        if (Ffmpeg.Path is null) Skip = "ffmpeg is not installed (build.ps1 deps installs it): H.264 fixtures cannot be made";
    }
}

public static class Ffmpeg
{
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => System.IO.Path.Combine(d, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg"))
        .FirstOrDefault(File.Exists);

    /// <summary>Runs ffmpeg with the arguments; throws with its output when it fails.</summary>
    public static void Run(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Path ?? "ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-y" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', args)} failed: {err}");
    }
}
