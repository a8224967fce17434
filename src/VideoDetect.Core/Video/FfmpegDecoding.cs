namespace VideoDetect.Video;

/// <summary>
/// Whether a file is decoded through the system's ffmpeg (<see cref="FfmpegFileSource"/>) for the motion
/// gate, and with which executable. Yes when: <c>VIDEODETECT_DECODER</c> is not <c>opencv</c>; ffmpeg
/// is found (<c>VIDEODETECT_FFMPEG</c> — a path, or <c>off</c> — else the PATH, as the encoders find it)
/// with ffprobe beside it; the file's index is a verified constant-rate one (timestamps and count
/// checked by the probe; a counted file with irregular timestamps stays with OpenCV, whose
/// timestamps its index recorded); and ffprobe says its first video stream is decodable so
/// (<see cref="FfmpegStreamInfo.Decodable"/>). The ffprobe answer is cached per file (also a failure),
/// so one run decides once per file. The decode itself then runs in this process through the same
/// FFmpeg's libraries where they load (<see cref="LibavApi"/>), else through the executable.
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

    /// <summary>True when gated decodes may run in this process (libavcodec, <see cref="LibavApi"/>) on this machine (the file still decides).</summary>
    public static bool InProcess => Enabled && LibavApi.Available;

    private static string? FindFfmpeg() =>
        string.Equals(Environment.GetEnvironmentVariable(DecoderVariable), "opencv", StringComparison.OrdinalIgnoreCase) ? null : FfmpegExecutables.Find();

    private static string? FfprobeBeside(string ffmpeg) => FfmpegExecutables.FfprobeBeside(ffmpeg);
}
