using OpenCvSharp;
using Xunit;

namespace VideoDetect.Tests;

/// <summary>Where the shared, read-only fixtures are (../shared beside the repository, or VIDEODETECT_SHARED).</summary>
public static class Fixtures
{
    public static string? SharedDirectory { get; } = Locate();

    public static bool Available => SharedDirectory is not null && File.Exists(Video("vtest.avi"));

    public static string Missing => "../shared/videos is absent (set VIDEODETECT_SHARED to the folder holding videos/ and models/): real-video tests cannot run";

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
