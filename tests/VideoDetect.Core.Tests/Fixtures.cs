using OpenCvSharp;
using Xunit;

namespace VideoDetect.Tests;

/// <summary>
/// Where the read-only fixtures are. Models: ../shared/models beside the repository (or under
/// VIDEODETECT_SHARED) only. Sample videos: ../shared/videos, else OpenCV's own copies of the same
/// files, which `build.ps1 deps` obtains (Debian's opencv-doc, or out/samples unpacked from it).
/// </summary>
public static class Fixtures
{
    // Declared first: the static initialisers below read them.
    /// <summary>The sample videos the real-video tests read; all must be in one folder, or those tests skip.</summary>
    public static readonly string[] Videos = { "vtest.avi", "Megamind.avi", "Megamind_bugy.avi", "tree.avi" };

    /// <summary>The fixture models (../shared/models only); all must be there, or the model tests skip.</summary>
    public static readonly string[] Models = { "yolox_nano.onnx", "nanodet_m_416.onnx", "FastestDet.onnx", "version-RFB-320.onnx" };

    public static string? SharedDirectory { get; } = Locate();

    /// <summary>The folder holding vtest.avi, Megamind.avi, tree.avi and Megamind_bugy.avi, or null.</summary>
    public static string? VideoDirectory { get; } = LocateVideos(SharedDirectory, RepositoryRoot());

    private static readonly string[] AbsentModels = Models.Where(m => SharedDirectory is null || !File.Exists(Path.Combine(SharedDirectory, "models", m))).ToArray();

    public static bool Available => VideoDirectory is not null;

    public static bool ModelsAvailable => AbsentModels.Length == 0;

    public static string Missing => "no sample videos (" + string.Join(", ", Videos) + "): neither ../shared/videos (or VIDEODETECT_SHARED/videos) nor OpenCV's (opencv-doc, installed by build.ps1 deps): real-video tests cannot run";

    public static string MissingModels => SharedDirectory is null
        ? "../shared/models is absent (set VIDEODETECT_SHARED to the folder holding videos/ and models/): tests of the COCO fixture models cannot run"
        : $"{Path.Combine(SharedDirectory, "models")} lacks {string.Join(", ", AbsentModels)}: tests of the fixture models cannot run";

    public static string Video(string name) => Path.Combine(VideoDirectory ?? "", name);

    /// <summary>Debian's opencv-doc ships OpenCV's sample videos here, uncompressed.</summary>
    internal const string OpenCvDocData = "/usr/share/doc/opencv-doc/examples/data";

    /// <summary>The first candidate folder that holds the sample videos: shared/videos, opencv-doc's, the build's out/samples.</summary>
    internal static string? LocateVideos(string? shared, string? repository)
    {
        var candidates = new List<string>();
        if (shared is not null) candidates.Add(Path.Combine(shared, "videos"));
        candidates.Add(OpenCvDocData);
        if (repository is not null) candidates.Add(Path.Combine(repository, "out", "samples"));
        return candidates.FirstOrDefault(d => Videos.All(v => File.Exists(Path.Combine(d, v))));
    }

    internal static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VideoDetect.sln"))) return dir.FullName;
        return null;
    }

    private static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable("VIDEODETECT_SHARED");
        if (!string.IsNullOrEmpty(env)) return env;
        if (RepositoryRoot() is not { } root) return null;
        string shared = Path.Combine(Path.GetDirectoryName(root) ?? root, "shared");
        return Directory.Exists(shared) ? shared : null;
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

/// <summary>A fact that needs the sample videos; skipped with the reason when it is absent.</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
    }
}

/// <summary>A theory that needs the sample videos; skipped with the reason when it is absent.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
    }
}

/// <summary>A fact that needs the sample videos and the COCO fixture models of ../shared/models; skipped with the reason when either is absent.</summary>
public sealed class ModelsFactAttribute : FactAttribute
{
    public ModelsFactAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
        else if (!Fixtures.ModelsAvailable) Skip = Fixtures.MissingModels;
    }
}

/// <summary>A theory that needs the sample videos and the COCO fixture models of ../shared/models; skipped with the reason when either is absent.</summary>
public sealed class ModelsTheoryAttribute : TheoryAttribute
{
    public ModelsTheoryAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
        else if (!Fixtures.ModelsAvailable) Skip = Fixtures.MissingModels;
    }
}

/// <summary>A temporary directory removed at dispose.</summary>
/// <summary>A fact that needs the fixture models and a machine without CUDA; skipped with the reason otherwise.</summary>
public sealed class ModelsFactWithoutCudaAttribute : FactAttribute
{
    public ModelsFactWithoutCudaAttribute()
    {
        if (!Fixtures.Available) { Skip = Fixtures.Missing; return; }
        if (!Fixtures.ModelsAvailable) { Skip = Fixtures.MissingModels; return; }
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

/// <summary>A theory that needs the ffmpeg command (to make H.264 fixtures); skipped with the reason when it is absent.</summary>
public sealed class FfmpegTheoryAttribute : TheoryAttribute
{
    public FfmpegTheoryAttribute()
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
