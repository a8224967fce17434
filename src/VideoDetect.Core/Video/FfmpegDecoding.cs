namespace VideoDetect.Video;

/// <summary>
/// Whether a file is decoded through the system's ffmpeg (<see cref="FfmpegFileSource"/>) for the motion
/// gate, and with which executable. Yes when: <c>VIDEODETECT_DECODER</c> is not <c>opencv</c>; ffmpeg
/// is found (<c>VIDEODETECT_FFMPEG</c> — a path, or <c>off</c> — else the PATH, as the encoders find it)
/// with ffprobe beside it; the file's index is a verified constant-rate one (timestamps and count
/// checked by the probe; a counted file with irregular timestamps stays with OpenCV, whose
/// timestamps its index recorded); and ffprobe says its first video stream is decodable so
/// (<see cref="FfmpegStreamInfo.Decodable"/>). The ffprobe answer is cached per file (also a failure),
/// so one run decides once per file.
/// </summary>
public static class FfmpegDecoding
{
    /// <summary>Set to <c>opencv</c> to decode every file through OpenCV (<see cref="VideoReader"/>), e.g. to compare.</summary>
    public const string DecoderVariable = "VIDEODETECT_DECODER";

    /// <summary>The ffmpeg and what ffprobe said, or null: decode <paramref name="path"/> with OpenCV.</summary>
    internal static (string Ffmpeg, FfmpegStreamInfo Info)? For(string path, VideoIndex index)
    {
        if (index.HasRecordedTimestamps || index.FrameCount == 0) return null;
        if (FindFfmpeg() is not { } ffmpeg || FfprobeBeside(ffmpeg) is not { } ffprobe) return null;
        return FfmpegStreamInfo.Probe(ffprobe, path) is { Decodable: true } info ? (ffmpeg, info) : null;
    }

    /// <summary>True when gated decodes may go through ffmpeg on this machine (the file still decides).</summary>
    public static bool Enabled => FindFfmpeg() is { } f && FfprobeBeside(f) is not null;

    private static string? FindFfmpeg()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(DecoderVariable), "opencv", StringComparison.OrdinalIgnoreCase)) return null;
        string? configured = Environment.GetEnvironmentVariable("VIDEODETECT_FFMPEG");
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

    private static string? FfprobeBeside(string ffmpeg)
    {
        string name = OperatingSystem.IsWindows() ? "ffprobe.exe" : "ffprobe";
        string? dir = Path.GetDirectoryName(ffmpeg);
        string candidate = dir is null ? name : Path.Combine(dir, name);
        return File.Exists(candidate) ? candidate : null;
    }
}
