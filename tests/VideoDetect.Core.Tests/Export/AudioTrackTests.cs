using System.Diagnostics;
using System.Globalization;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Export;

public class AudioTrackTests
{
    private static string Ffmpeg => Encoders.FindFfmpeg() ?? throw new InvalidOperationException("no ffmpeg");

    private static string Ffprobe => AudioTrack.FfprobeBeside(Ffmpeg) ?? throw new InvalidOperationException("no ffprobe beside ffmpeg");

    private static string Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{exe} {string.Join(' ', args)} failed: {err.Result}");
        return output;
    }

    /// <summary>
    /// A 4 s, 25 frames/s video whose audio is silent until 2.0 s and a 440 Hz tone after it, so the
    /// tone's onset marks the source's time in any cut of it.
    /// </summary>
    private static string MakeSource(TempDir dir, string name, string audioCodec, double audioSeconds = 4)
    {
        string path = dir.File(name);
        Run(Ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=4",
            "-f", "lavfi", "-i", $"aevalsrc='if(gte(t,2),0.5*sin(2*PI*440*t),0)':s=48000:d={audioSeconds.ToString(CultureInfo.InvariantCulture)}",
            "-c:v", "mpeg4", "-q:v", "5", "-c:a", audioCodec, path);
        return path;
    }

    private static ProbedVideo Probe(string path) => VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });

    /// <summary>Exports frames first..last (every frame, no boxes) of <paramref name="source"/> to <paramref name="target"/>.</summary>
    private static AudioInput? Export(ProbedVideo source, string target, long first, long last, EncoderChoice encoder, bool audio = true)
    {
        using var writer = new AnnotatedVideoWriter(source, target, encoder, new AnnotationOptions { Audio = audio });
        for (long i = first; i <= last; i++)
            writer.Add(new FrameDetections { Path = source.Info.Path, FrameIndex = i, SourceWidth = source.Info.Width, SourceHeight = source.Info.Height, Detections = Array.Empty<Detection>() });
        writer.Commit();
        return writer.Audio;
    }

    /// <summary>
    /// (codec, start, end) of each stream of <paramref name="path"/> in seconds, as ffprobe gives them
    /// (MP4: start and duration; Matroska: start and the DURATION tag, which is the end).
    /// </summary>
    private static Dictionary<string, (string Codec, double Start, double End)> Streams(string path)
    {
        var streams = new Dictionary<string, (string, double, double)>();
        using var json = System.Text.Json.JsonDocument.Parse(Run(Ffprobe, "-v", "error", "-show_entries", "stream=codec_type,codec_name,start_time,duration:stream_tags=DURATION", "-of", "json", path));
        foreach (var s in json.RootElement.GetProperty("streams").EnumerateArray())
        {
            double start = double.Parse(s.GetProperty("start_time").GetString()!, CultureInfo.InvariantCulture);
            double end = s.TryGetProperty("duration", out var d)
                ? start + double.Parse(d.GetString()!, CultureInfo.InvariantCulture)
                : TimeSpan.Parse(s.GetProperty("tags").GetProperty("DURATION").GetString()![..16], CultureInfo.InvariantCulture).TotalSeconds;
            streams[s.GetProperty("codec_type").GetString()!] = (s.GetProperty("codec_name").GetString()!, start, end);
        }
        return streams;
    }

    /// <summary>The video's length, and the audio's start, end and tone onset relative to the video's first frame.</summary>
    private static (double Video, double AudioStart, double AudioEnd, double Onset) Timeline(string path)
    {
        var s = Streams(path);
        var (v, a) = (s["video"], s["audio"]);
        return (v.End - v.Start, a.Start - v.Start, a.End - v.Start, ToneOnset(path) - v.Start);
    }

    /// <summary>Where the tone starts in <paramref name="path"/>'s audio (ffmpeg's silencedetect, read through ffprobe's lavfi input).</summary>
    private static double ToneOnset(string path)
    {
        string escaped = path.Replace("\\", "/").Replace(":", "\\\\:");
        string ends = Run(Ffprobe, "-v", "error", "-f", "lavfi", "-i", $"amovie={escaped},silencedetect=n=-30dB:d=0.05", "-show_entries", "frame_tags=lavfi.silence_end", "-of", "csv=p=0");
        return ends.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).First();
    }

    [Theory]
    [InlineData("source.mp4", "aac", "out.mp4", true)]        // the container takes AAC: copied
    [InlineData("source.mkv", "pcm_s16le", "out.mp4", false)] // MP4 does not take PCM: encoded to AAC
    [InlineData("source.mkv", "pcm_s16le", "out.mkv", true)]  // Matroska takes PCM: copied
    public void KeepsTheAudioCutToTheExportedFramesAndInSync(string sourceName, string sourceCodec, string targetName, bool copied)
    {
        using var dir = new TempDir();
        var source = Probe(MakeSource(dir, sourceName, sourceCodec));
        string target = dir.File(targetName);
        var audio = Export(source, target, 25, 74, new EncoderChoice(VideoCodec.H264, Ffmpeg)); // 1.0 s .. 3.0 s of the source
        Assert.NotNull(audio);
        Assert.Equal(copied, audio!.Copy);
        Assert.Equal(1.0, audio.StartSeconds, 3);

        var streams = Streams(target);
        Assert.Equal(copied ? sourceCodec : "aac", streams["audio"].Codec);
        var t = Timeline(target);
        Assert.Equal(2.0, t.Video, 2);
        // Starts with the video and is cut where it ends (within an audio packet: 1024 samples at 48 kHz are 21 ms;
        // a copy starts at the packet before the first frame's time, which the muxer keeps in sync).
        Assert.InRange(t.AudioStart, -0.05, 0.03);
        Assert.InRange(t.AudioEnd, 1.97, 2.05);
        // In sync: the tone, at 2.0 s in the source, starts 1.0 s after the first frame (1.0 s was cut).
        Assert.InRange(t.Onset, 0.97, 1.03);
    }

    [Fact]
    public void AnAudioTrackThatEndsEarlyIsPaddedAndNeverShortensTheVideo()
    {
        using var dir = new TempDir();
        var source = Probe(MakeSource(dir, "source.mp4", "aac", audioSeconds: 2.5));
        string target = dir.File("out.mp4");
        var audio = Export(source, target, 0, 99, new EncoderChoice(VideoCodec.H264, Ffmpeg));
        Assert.False(audio!.Copy); // the audio ends at 2.5 s, the video at 4 s: encoded, padded with silence
        var t = Timeline(target);
        Assert.Equal(4.0, t.Video, 2);
        Assert.InRange(t.AudioEnd, 3.97, 4.05);
        Assert.InRange(t.Onset, 1.97, 2.03);
    }

    [Fact]
    public void WithoutAudioWantedOrWithoutFfmpegTheVideoHasNoAudioStream()
    {
        using var dir = new TempDir();
        var source = Probe(MakeSource(dir, "source.mp4", "aac"));
        Assert.Null(Export(source, dir.File("none.mp4"), 0, 24, new EncoderChoice(VideoCodec.H264, Ffmpeg), audio: false));
        Assert.Equal(new[] { "video" }, Streams(dir.File("none.mp4")).Keys);
        Assert.Null(Export(source, dir.File("opencv.mp4"), 0, 24, new EncoderChoice(VideoCodec.Mp4v, null)));
        Assert.Equal(new[] { "video" }, Streams(dir.File("opencv.mp4")).Keys);
        Assert.NotNull(new EncoderChoice(VideoCodec.Mp4v, null).AudioWarning(true));
        Assert.Null(new EncoderChoice(VideoCodec.Mp4v, null).AudioWarning(false));
        Assert.Null(new EncoderChoice(VideoCodec.H264, Ffmpeg).AudioWarning(true));
    }

    [Fact]
    public void ASourceWithoutAudioGivesAVideoWithoutAudio()
    {
        using var dir = new TempDir();
        string path = dir.File("silent.avi");
        SyntheticVideo.Write(path, 20, "MJPG", 25);
        var source = Probe(path);
        Assert.Null(Export(source, dir.File("out.mp4"), 0, 19, new EncoderChoice(VideoCodec.H264, Ffmpeg)));
        Assert.Equal(new[] { "video" }, Streams(dir.File("out.mp4")).Keys);
    }

    [Theory]
    [InlineData("mp4", "aac", true)]
    [InlineData("mp4", "pcm_s16le", false)]
    [InlineData("mp4", "vorbis", false)]
    [InlineData("matroska", "vorbis", true)]
    [InlineData("avi", "opus", false)]
    [InlineData("mov", null, false)]
    public void ContainerTakes(string container, string? codec, bool takes) => Assert.Equal(takes, AudioTrack.ContainerTakes(container, codec));

    [Fact]
    public void PlanStartsAtTheFirstFrameAndCopiesOnlyAudioThatLastsToTheVideosEnd()
    {
        // The video stream starts 0.5 s into the file: a frame 1.0 s into the stream is 1.5 s into the file.
        var probe = AudioTrack.Parse("""{"streams":[{"codec_type":"video","codec_name":"h264","start_time":"0.500000","duration":"4.000000"},{"codec_type":"audio","codec_name":"aac","start_time":"0.000000","duration":"4.600000"}],"format":{"start_time":"0.000000"}}""");
        Assert.Equal(new AudioProbe("aac", 4.6, 0.5, 0.0, 4.5), probe);
        Assert.Equal(new AudioInput("s.mp4", 1.5, true), AudioTrack.Plan("s.mp4", "mp4", 1.0, probe));
        Assert.Equal(new AudioInput("s.mp4", 1.5, false), AudioTrack.Plan("s.mp4", "mp4", 1.0, probe with { AudioEnd = 4.4 }));
        Assert.Equal(new AudioInput("s.mp4", 1.5, false), AudioTrack.Plan("s.mp4", "avi", 1.0, probe with { AudioCodec = "opus" }));
        Assert.Equal(new AudioInput("s.mp4", 1.0, false), AudioTrack.Plan("s.mp4", "mp4", 1.0, null)); // no ffprobe: encoded
        // Matroska: the durations come as DURATION tags.
        var mkv = AudioTrack.Parse("""{"streams":[{"codec_name":"mpeg4","codec_type":"video","start_time":"0.000000","tags":{"DURATION":"00:00:04.000000000"}},{"codec_name":"pcm_s16le","codec_type":"audio","start_time":"0.000000","tags":{"DURATION":"00:01:02.500000000"}}],"format":{"start_time":"0.000000"}}""");
        Assert.Equal(new AudioProbe("pcm_s16le", 62.5, 0.0, 0.0, 4.0), mkv);
        Assert.Equal(new[] { "-ss", "1.5", "-i", "s.mp4" }, new AudioInput("s.mp4", 1.5, true).InputArguments());
    }
}
