using System.Collections.Concurrent;
using System.Diagnostics;
using VideoDetect.Video;

namespace VideoDetect.Export;

/// <summary>The codecs Export-AnnotatedVideo writes.</summary>
public enum VideoCodec
{
    /// <summary>H.264 (libx264, yuv420p): plays in browsers. Needs an ffmpeg executable with libx264.</summary>
    H264,
    /// <summary>MPEG-4 Part 2 ("mp4v"): plays in most desktop players, not in browsers.</summary>
    Mp4v,
    /// <summary>Motion JPEG: every frame a JPEG; large, simple, seekable to any frame.</summary>
    Mjpg,
}

/// <summary>What will encode: the codec, and the ffmpeg executable (null: OpenCV's bundled FFmpeg).</summary>
/// <param name="Warning">Set when the codec is not the one asked for by default, saying why (shown once).</param>
public sealed record EncoderChoice(VideoCodec Codec, string? FfmpegPath, string? Warning = null)
{
    /// <summary>
    /// libx264's speed/size preset for H.264 (ignored by the other codecs). Default ultrafast: on a
    /// 2-core machine the encoder shares the cores with inference, and ultrafast costs 3.7 ms of CPU a
    /// frame for vtest.avi against 8.2 ms for veryfast (files about 2.9× larger at the same -crf 23):
    /// with veryfast, export added 42 % to the pipeline's time, with ultrafast 26 % (21 % once frames
    /// went to ffmpeg as yuv420p, see <see cref="FfmpegFrameSink"/>).
    /// </summary>
    public string Preset { get; init; } = DefaultPreset;

    public const string DefaultPreset = "ultrafast";

    /// <summary>libx264's presets, fastest first.</summary>
    public static IReadOnlyList<string> Presets { get; } = new[] { "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow" };

    /// <summary>
    /// What to say, once, when the source's audio is wanted (<paramref name="audio"/>) but this encoder
    /// cannot carry it: OpenCV's writer writes video only. Null when nothing is lost.
    /// </summary>
    public string? AudioWarning(bool audio) => audio && FfmpegPath is null
        ? "The source's audio is dropped: without an ffmpeg executable the video is written by OpenCV's writer, which writes no audio. Install ffmpeg to keep it, or pass -NoAudio to drop it without this warning."
        : null;

    public override string ToString() => FfmpegPath is null ? $"{Codec} (OpenCV)" : $"{Codec} (ffmpeg {FfmpegPath})";
}

/// <summary>The requested codec cannot be written on this machine: <see cref="VideoDetect.Errors.ErrorIds.EncoderUnavailable"/>.</summary>
public sealed class EncoderUnavailableException(string message) : VideoDetect.Errors.VideoDetectException(VideoDetect.Errors.ErrorIds.EncoderUnavailable, message);

/// <summary>
/// Finds the encoders: an <c>ffmpeg</c> executable (<c>$VIDEODETECT_FFMPEG</c>: a path, or <c>off</c>
/// to use none; else the first on PATH) and whether it has libx264. OpenCvSharp's bundled FFmpeg has
/// no H.264 encoder, so H.264 needs the executable; mp4v and MJPG go through the executable when there
/// is one (exact rational frame rates) and through OpenCV's VideoWriter otherwise.
/// </summary>
public static class Encoders
{
    public const string FfmpegVariable = FfmpegExecutables.Variable;
    private static readonly ConcurrentDictionary<string, string> EncoderLists = new(StringComparer.Ordinal);

    /// <summary>The ffmpeg executable to use, or null (none on PATH, or VIDEODETECT_FFMPEG=off). Read on every call.</summary>
    public static string? FindFfmpeg() => FfmpegExecutables.Find();

    /// <summary>True when <paramref name="ffmpeg"/> lists the encoder (e.g. libx264). Asked once per executable.</summary>
    public static bool HasEncoder(string ffmpeg, string encoder)
    {
        string list = EncoderLists.GetOrAdd(ffmpeg, ListEncoders);
        foreach (string line in list.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[1] == encoder) return true;
        }
        return false;
    }

    private static string ListEncoders(string ffmpeg)
    {
        try
        {
            var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (string a in new[] { "-hide_banner", "-encoders" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(30_000)) { p.Kill(true); return ""; }
            err.Wait();
            return p.ExitCode == 0 ? output : "";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return "";
        }
    }

    /// <summary>
    /// Chooses the encoder. <paramref name="requested"/> null means the default: H.264 when an ffmpeg
    /// with libx264 is present, else mp4v with a warning saying why. A codec asked for explicitly that
    /// cannot be written throws <see cref="EncoderUnavailableException"/>.
    /// </summary>
    public static EncoderChoice Choose(VideoCodec? requested)
    {
        string? ffmpeg = FindFfmpeg();
        string? h264Missing = ffmpeg is null
            ? (Environment.GetEnvironmentVariable(FfmpegVariable) is { Length: > 0 } v ? $"{FfmpegVariable} is '{v}'" : "no ffmpeg executable is on the PATH")
            : !HasEncoder(ffmpeg, "libx264") ? $"ffmpeg at {ffmpeg} has no libx264 encoder" : null;
        switch (requested)
        {
            case null when h264Missing is null:
            case VideoCodec.H264 when h264Missing is null:
                return new EncoderChoice(VideoCodec.H264, ffmpeg);
            case VideoCodec.H264:
                throw new EncoderUnavailableException($"H.264 cannot be written: {h264Missing} (OpenCV's bundled FFmpeg has no H.264 encoder). Install ffmpeg with libx264 (apt-get install ffmpeg), or use -Codec Mp4v.");
            case null:
                return new EncoderChoice(VideoCodec.Mp4v, WithEncoder(ffmpeg, "mpeg4"),
                    $"Writing MPEG-4 Part 2 (mp4v) instead of H.264, which browsers do not play: {h264Missing} and OpenCV's bundled FFmpeg has no H.264 encoder. Install ffmpeg with libx264 for H.264, or pass -Codec Mp4v to choose mp4v without this warning.");
            case VideoCodec.Mp4v:
                return new EncoderChoice(VideoCodec.Mp4v, WithEncoder(ffmpeg, "mpeg4"));
            default:
                return new EncoderChoice(VideoCodec.Mjpg, WithEncoder(ffmpeg, "mjpeg"));
        }
    }

    private static string? WithEncoder(string? ffmpeg, string encoder) => ffmpeg is not null && HasEncoder(ffmpeg, encoder) ? ffmpeg : null;

    /// <summary>The container (ffmpeg muxer name) for an output file's extension; null when unsupported.</summary>
    public static string? ContainerFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".mp4" or ".m4v" => "mp4",
        ".mov" => "mov",
        ".mkv" => "matroska",
        ".avi" => "avi",
        _ => null,
    };

    /// <summary>The file extensions <see cref="ContainerFor"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = new[] { ".mp4", ".m4v", ".mov", ".mkv", ".avi" };

    /// <summary>The one container check: null when <paramref name="path"/>'s extension names a container, else what is wrong.</summary>
    public static string? ExtensionProblem(string path) =>
        ContainerFor(path) is null ? $"'{path}': use one of the extensions {string.Join(", ", SupportedExtensions)}." : null;
}
