using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VideoDetect.Video;

namespace VideoDetect.Export;

/// <summary>
/// The source's audio carried into an annotated video by the ffmpeg process that encodes it: the
/// source as ffmpeg's second input, seeked to the first exported frame (<see cref="StartSeconds"/>,
/// relative to the file's start, as ffmpeg's <c>-ss</c> counts), mapped as optional (<c>1:a:0?</c>:
/// a source without audio gives a video without audio), and cut where the video ends
/// (<c>-shortest</c>). <see cref="Copy"/>: the packets are copied; else the audio is encoded to AAC and
/// padded with silence, so an audio track that ends early never shortens the video.
/// </summary>
public sealed record AudioInput(string SourcePath, double StartSeconds, bool Copy)
{
    /// <summary>ffmpeg's arguments for the second input (before <c>-i</c> of the source).</summary>
    public IEnumerable<string> InputArguments() => new[] { "-ss", StartSeconds.ToString("0.######", CultureInfo.InvariantCulture), "-i", SourcePath };

    /// <summary>ffmpeg's output arguments: the maps, the audio codec and the cut.</summary>
    public IEnumerable<string> OutputArguments() => Copy
        ? new[] { "-map", "0:v:0", "-map", "1:a:0?", "-c:a", "copy", "-shortest" }
        : new[] { "-map", "0:v:0", "-map", "1:a:0?", "-c:a", "aac", "-b:a", "160k", "-af", "apad", "-shortest" };
}

/// <summary>What ffprobe says about a source's streams (times in seconds; null when not reported).</summary>
public sealed record AudioProbe(string? AudioCodec, double? AudioEnd, double? VideoStart, double? FileStart, double? VideoEnd);

/// <summary>
/// The audio policy of Export-AnnotatedVideo as plain functions: which codecs a container takes as
/// they are, when the packets are copied, where the audio input starts; and the one ffprobe call.
/// </summary>
public static class AudioTrack
{
    private static readonly Dictionary<string, HashSet<string>> Takes = new(StringComparer.Ordinal)
    {
        // Codecs each muxer stores as they are (ffmpeg 5.1's mp4/mov, matroska and avi muxers).
        ["mp4"] = new(StringComparer.Ordinal) { "aac", "mp3", "mp2", "ac3", "eac3", "alac", "opus" },
        ["mov"] = new(StringComparer.Ordinal) { "aac", "mp3", "mp2", "ac3", "eac3", "alac", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_f32le" },
        ["matroska"] = new(StringComparer.Ordinal) { "aac", "mp3", "mp2", "ac3", "eac3", "alac", "opus", "vorbis", "flac", "dts", "pcm_s16le", "pcm_s24le", "pcm_f32le" },
        ["avi"] = new(StringComparer.Ordinal) { "mp3", "mp2", "ac3", "aac", "pcm_s16le", "pcm_u8" },
    };

    /// <summary>True when the container (an ffmpeg muxer name, <see cref="Encoders.ContainerFor"/>) stores <paramref name="codec"/> (ffprobe's codec_name) as it is.</summary>
    public static bool ContainerTakes(string container, string? codec) =>
        codec is not null && Takes.TryGetValue(container, out var codecs) && codecs.Contains(codec);

    /// <summary>
    /// Plans the audio of an export that starts at <paramref name="firstFrameOffset"/> seconds into the
    /// video stream (the first exported frame's time less frame 0's). Copied when the container takes
    /// the codec and the audio lasts to the video's end (so the cut is the video's, never the audio's);
    /// else encoded to AAC. Without a probe (no ffprobe) it is encoded, and the video stream is taken
    /// to start with the file.
    /// </summary>
    public static AudioInput Plan(string sourcePath, string container, double firstFrameOffset, AudioProbe? probe)
    {
        double videoStart = probe?.VideoStart ?? 0, fileStart = probe?.FileStart ?? videoStart;
        double start = Math.Max(0, videoStart - fileStart + firstFrameOffset);
        bool lastsToTheEnd = probe is { AudioEnd: { } a, VideoEnd: { } v } && a >= v;
        bool copy = lastsToTheEnd && ContainerTakes(container, probe!.AudioCodec);
        return new AudioInput(sourcePath, start, copy);
    }

    /// <summary>The ffprobe beside <paramref name="ffmpeg"/> (same folder), else null.</summary>
    public static string? FfprobeBeside(string ffmpeg) => FfmpegExecutables.FfprobeBeside(ffmpeg);

    /// <summary>Asks ffprobe for the first audio stream's codec and end, the first video stream's start and end, and the file's start; null when ffprobe fails.</summary>
    public static AudioProbe? Probe(string ffprobe, string path, CancellationToken ct = default)
    {
        try
        {
            var psi = new ProcessStartInfo(ffprobe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (string a in new[] { "-v", "error", "-show_entries", "format=start_time:stream=codec_type,codec_name,start_time,duration:stream_tags=DURATION", "-of", "json", path })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEndAsync(ct);
            string json = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(30_000)) { p.Kill(true); return null; }
            err.Wait(ct);
            return p.ExitCode == 0 ? Parse(json) : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads ffprobe's JSON (<c>-show_entries format=start_time:stream=codec_type,codec_name,start_time,duration:stream_tags=DURATION -of json</c>;
    /// Matroska gives a stream's duration only as its DURATION tag).</summary>
    public static AudioProbe Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        double? fileStart = root.TryGetProperty("format", out var format) ? Seconds(format, "start_time") : null;
        string? audioCodec = null;
        double? audioEnd = null, videoStart = null, videoEnd = null;
        bool audio = false, video = false;
        if (root.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                string? type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                double? begin = Seconds(s, "start_time"), duration = Seconds(s, "duration") ?? TagDuration(s);
                double? end = duration is { } d ? (begin ?? 0) + d : null;
                if (type == "audio" && !audio)
                {
                    audio = true;
                    audioCodec = s.TryGetProperty("codec_name", out var c) ? c.GetString() : null;
                    audioEnd = end;
                }
                else if (type == "video" && !video)
                {
                    video = true;
                    (videoStart, videoEnd) = (begin, end);
                }
            }
        }
        return new AudioProbe(audioCodec, audioEnd, videoStart, fileStart, videoEnd);
    }

    private static double? TagDuration(JsonElement s) =>
        s.TryGetProperty("tags", out var tags) && tags.TryGetProperty("DURATION", out var d) && d.GetString() is { } text
            && TimeSpan.TryParse(text.Length > 16 ? text[..16] : text, CultureInfo.InvariantCulture, out var t) ? t.TotalSeconds : null;

    private static double? Seconds(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : null;
}
