namespace VideoDetect.Video;

/// <summary>
/// Where the system's FFmpeg command-line tools are — the one rule for every stage that runs them (the
/// gated file decoder here, the encoders and the audio plan in Export): <c>$VIDEODETECT_FFMPEG</c> (a
/// path, or <c>off</c> to use none), else the first <c>ffmpeg</c> on PATH; ffprobe is the one beside it.
/// Read on every call (tests and users change the variable in a running session).
/// </summary>
public static class FfmpegExecutables
{
    public const string Variable = "VIDEODETECT_FFMPEG";

    /// <summary>The ffmpeg executable to use, or null (none on PATH, or VIDEODETECT_FFMPEG=off).</summary>
    public static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable(Variable);
        if (string.Equals(configured, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        string exe = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, exe);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The ffprobe beside <paramref name="ffmpeg"/>, or null when there is none.</summary>
    public static string? FfprobeBeside(string ffmpeg)
    {
        string name = OperatingSystem.IsWindows() ? "ffprobe.exe" : "ffprobe";
        string? dir = Path.GetDirectoryName(ffmpeg);
        string candidate = dir is null ? name : Path.Combine(dir, name);
        return File.Exists(candidate) ? candidate : null;
    }
}
