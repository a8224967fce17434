using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;
using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Review;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Review;

/// <summary>
/// Clips cut from H.264 videos whose every frame carries its index in its pixels (<see cref="SyntheticVideo"/>)
/// and which have an audio track: each clip is checked frame by frame (ffprobe's count, and the index read
/// from every decoded frame), so a clip that starts or ends one frame off fails.
/// </summary>
public class EventClipWriterTests
{
    private const int Frames = 150; // 6 s at 25 frames/s

    private static string Ffprobe => AudioTrack.FfprobeBeside(Encoders.FindFfmpeg()!)!;

    /// <summary>An H.264 + AAC MP4 of <see cref="Frames"/> indexed frames with a key frame every <paramref name="gop"/> frames and B-frames.</summary>
    private static string MakeSource(TempDir dir, int gop, string name = "cam1.mp4", bool openGop = false)
    {
        string raw = dir.File("raw.avi"), path = dir.File(name);
        SyntheticVideo.Write(raw, Frames, "MJPG", 25);
        Ffmpeg.Run("-i", raw, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "10", "-g", gop.ToString(CultureInfo.InvariantCulture), "-keyint_min", gop.ToString(CultureInfo.InvariantCulture),
            "-sc_threshold", "0", "-bf", "2", "-x264-params", openGop ? "open-gop=1" : "open-gop=0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path);
        return path;
    }

    private static (EventClipExport Export, EventClipOptions Options) Exporter(VideoPosition pre, VideoPosition post, bool merge = false, IReadOnlyList<string>? detections = null)
    {
        var options = new EventClipOptions { PreRoll = pre, PostRoll = post, Merge = merge };
        return (new EventClipExport(Encoders.Choose(VideoCodec.H264), options, detections, new VideoIndexCache(null)), options);
    }

    private static DetectionEvent Event(string path, long start, long end, int? track = 3) => new()
    {
        Path = path, Label = "person", TrackId = track, StartFrame = start, EndFrame = end,
        StartTime = TimeSpan.FromMilliseconds(start * 40), EndTime = TimeSpan.FromMilliseconds(end * 40),
    };

    /// <summary>The index painted in each decoded frame of <paramref name="clip"/>.</summary>
    private static List<int> PaintedIndices(string clip)
    {
        var indices = new List<int>();
        using var capture = new VideoCapture(clip);
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty()) indices.Add(SyntheticVideo.ReadIndex(frame));
        return indices;
    }

    private static string Probe(string path, params string[] args)
    {
        var psi = new ProcessStartInfo(Ffprobe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-v", "error" }.Concat(args).Append(path)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }

    /// <summary>ffprobe's decoded frame count of the video stream, and the audio stream's duration (null: none).</summary>
    private static (int VideoFrames, double? Audio, double Video) Streams(string path)
    {
        int frames = int.Parse(Probe(path, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"), CultureInfo.InvariantCulture);
        string video = Probe(path, "-select_streams", "v:0", "-show_entries", "stream=duration", "-of", "csv=p=0");
        string audio = Probe(path, "-select_streams", "a:0", "-show_entries", "stream=duration", "-of", "csv=p=0");
        return (frames, audio.Length == 0 ? null : double.Parse(audio, CultureInfo.InvariantCulture), double.Parse(video, CultureInfo.InvariantCulture));
    }

    private static void AssertExactly(string clip, long first, long last)
    {
        var expected = Enumerable.Range((int)first, (int)(last - first + 1)).ToList();
        Assert.Equal(expected, PaintedIndices(clip));
        var (frames, audio, video) = Streams(clip);
        Assert.Equal(expected.Count, frames);
        Assert.NotNull(audio);
        Assert.InRange(audio!.Value, video - 0.15, video + 0.15); // the audio is kept, cut to the clip
    }

    [FfmpegFact]
    public void A_clip_cut_on_key_frames_is_copied_with_exactly_its_frames_and_the_audio()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25);
        // Frames 52..70, widened by 0.08 s before (to 50, a key frame) and 1.16 s after (to 99: 100 is a key frame).
        var (export, _) = Exporter(VideoPosition.FromSeconds(0.08), VideoPosition.FromSeconds(1.16));
        var plan = export.Plan(source, new[] { Event(source, 52, 70) }, dir.Path);
        var written = export.Write(plan, Assert.Single(plan.Clips));
        Assert.Equal(ClipMethod.Copied, written.Method);
        Assert.Equal(dir.File("cam1.person-3.000052.mp4"), written.Path);
        AssertExactly(written.Path, 50, 99);
        Assert.Empty(Directory.GetFiles(dir.Path, ".*")); // no temporary file left
    }

    [FfmpegFact]
    public void The_check_after_a_copy_refuses_a_file_one_frame_off()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25);
        var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var clip = new EventClip(source, 50, 99, new[] { Event(source, 50, 99) }, "x.mp4");
        string output = dir.File("copy.mp4");
        Assert.True(ClipCopy.Copy(Encoders.FindFfmpeg()!, probed, clip, null, audio: false, output, default));
        Assert.True(ClipCopy.Verify(probed, clip, output));
        Assert.False(ClipCopy.Verify(probed, clip with { First = 51, Last = 100 }, output)); // same length, shifted
        Assert.False(ClipCopy.Verify(probed, clip with { Last = 100 }, output)); // one frame short
        Assert.False(ClipCopy.Verify(probed, clip with { Last = 98 }, output)); // one frame long
    }

    [FfmpegFact]
    public void A_clip_cut_between_key_frames_is_re_encoded_with_exactly_its_frames_and_the_audio()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25);
        var (export, _) = Exporter(VideoPosition.FromSeconds(0.12), VideoPosition.FromSeconds(0.28));
        var plan = export.Plan(source, new[] { Event(source, 56, 70) }, dir.Path);
        var written = export.Write(plan, Assert.Single(plan.Clips));
        Assert.Equal(ClipMethod.Encoded, written.Method);
        AssertExactly(written.Path, 53, 77);
    }

    [FfmpegFact]
    public void A_long_GOP_source_is_re_encoded_never_cut_at_a_far_key_frame()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 1000); // one key frame, at 0
        var (export, _) = Exporter(VideoPosition.FromSeconds(0.4), VideoPosition.FromSeconds(0.4));
        var plan = export.Plan(source, new[] { Event(source, 110, 120) }, dir.Path);
        Assert.Equal(new long[] { 0 }, plan.KeyFrames);
        var written = export.Write(plan, Assert.Single(plan.Clips));
        Assert.Equal(ClipMethod.Encoded, written.Method);
        AssertExactly(written.Path, 100, 130);
        // A clip from the one key frame to the end is copied.
        var (whole, _) = Exporter(VideoPosition.FromSeconds(10), VideoPosition.FromSeconds(10));
        var all = whole.Plan(source, new[] { Event(source, 60, 61, track: 4) }, dir.Path);
        var copied = whole.Write(all, Assert.Single(all.Clips));
        Assert.Equal(ClipMethod.Copied, copied.Method);
        AssertExactly(copied.Path, 0, Frames - 1);
    }

    [FfmpegFact]
    public void An_open_GOP_source_gives_exactly_the_clips_frames_however_it_is_cut()
    {
        // Open GOPs: B-frames after a key frame refer to the GOP before it, so packets copied from a
        // key frame may not decode to the clip's frames; the check after the copy then re-encodes.
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25, openGop: true);
        var (export, _) = Exporter(VideoPosition.FromFrames(0), VideoPosition.FromFrames(0));
        var plan = export.Plan(source, new[] { Event(source, 50, 99), Event(source, 75, 99, track: 4) }, dir.Path);
        foreach (var clip in plan.Clips) AssertExactly(export.Write(plan, clip).Path, clip.First, clip.Last);
    }

    [FfmpegFact]
    public void Merged_clips_hold_each_frame_once_and_every_event_names_the_one_file()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25);
        var (export, _) = Exporter(VideoPosition.FromSeconds(0.2), VideoPosition.FromSeconds(0.2), merge: true);
        var plan = export.Plan(source, new[] { Event(source, 30, 40, track: 1), Event(source, 45, 60, track: 2), Event(source, 120, 125, track: 3) }, dir.Path);
        Assert.Equal(2, plan.Clips.Count);
        var written = export.Write(plan, plan.Clips[0]);
        AssertExactly(written.Path, 25, 65);
        var stamped = EventClipWriter.Stamped(written).ToList();
        Assert.Equal(new int?[] { 1, 2 }, stamped.Select(e => e.TrackId));
        Assert.All(stamped, e => Assert.Equal(dir.File("cam1.person-1.000030.mp4"), e.ClipPath));
    }

    [FfmpegFact]
    public void Annotate_draws_the_events_track_and_no_other()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25);
        var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var header = ResultHeader.For(SourceIdentity.Of(source), probed.Info, probed.Index.FrameCount, new DetectionRun(), "1.0", DateTimeOffset.UnixEpoch);
        string results = dir.File("cam1.detections.jsonl");
        using (var w = ResultFileWriter.Open(results, ResultFormat.JsonLines, header, force: false))
        {
            w.AppendClip(Enumerable.Range(0, Frames).Select(i => new FrameDetections
            {
                Path = source, FrameIndex = i, Timestamp = probed.Index.TimeOf(i), SourceWidth = SyntheticVideo.Width, SourceHeight = SyntheticVideo.Height,
                Detections = new[]
                {
                    new Detection { Path = source, FrameIndex = i, Label = "person", Confidence = 0.9f, X = 200, Y = 100, Width = 60, Height = 80, TrackId = 7 },
                    new Detection { Path = source, FrameIndex = i, Label = "person", Confidence = 0.9f, X = 40, Y = 120, Width = 60, Height = 80, TrackId = 8 },
                },
            }).ToList());
            w.Commit();
        }
        var (export, _) = Exporter(VideoPosition.FromSeconds(0.08), VideoPosition.FromSeconds(0.08), detections: TrackBoxes.ResultFilesIn(new[] { dir.Path }));
        var plan = export.Plan(source, new[] { Event(source, 50, 60, track: 7) }, dir.Path);
        var written = export.Write(plan, Assert.Single(plan.Clips));
        Assert.Equal(ClipMethod.Encoded, written.Method); // drawn on, so never copied
        Assert.Equal(Enumerable.Range(48, 15).ToList(), PaintedIndices(written.Path));
        using var clip = new VideoCapture(written.Path);
        using var drawn = new Mat();
        Assert.True(clip.Read(drawn));
        using var original = new Mat(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
        SyntheticVideo.Draw(original, 48);
        // Track 7's box edge (x = 200) is drawn over; track 8's (x = 40) is not.
        Assert.True(ColumnDifference(drawn, original, 200, 130, 170) > 20, "track 7's box is not drawn"); // a 1-pixel line in 3 columns: about 36
        Assert.True(ColumnDifference(drawn, original, 40, 150, 190) < 8, "track 8's box is drawn"); // encoding noise: about 3
    }

    private static double ColumnDifference(Mat a, Mat b, int x, int y0, int y1)
    {
        using var ra = new Mat(a, new Rect(x - 1, y0, 3, y1 - y0));
        using var rb = new Mat(b, new Rect(x - 1, y0, 3, y1 - y0));
        using var diff = new Mat();
        Cv2.Absdiff(ra, rb, diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }

    [FfmpegFact]
    public void A_source_that_is_gone_or_changed_is_SourceUnavailable()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25);
        var (export, _) = Exporter(VideoPosition.FromFrames(0), VideoPosition.FromFrames(0));
        // Past its end, or a start time that is not its frame's: another video under this name.
        Assert.Throws<SourceUnavailableException>(() => export.Plan(source, new[] { Event(source, 140, 160) }, dir.Path));
        Assert.Throws<SourceUnavailableException>(() => export.Plan(source, new[] { Event(source, 40, 50) with { StartTime = TimeSpan.FromSeconds(3) } }, dir.Path));
        // Changed since the result file that holds its boxes was written.
        var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var header = ResultHeader.For(SourceIdentity.Of(source), probed.Info, probed.Index.FrameCount, new DetectionRun(), "1.0", DateTimeOffset.UnixEpoch);
        using (var w = ResultFileWriter.Open(dir.File("cam1.detections.jsonl"), ResultFormat.JsonLines, header, force: false)) w.Commit();
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddHours(1));
        var (annotating, _) = Exporter(VideoPosition.FromFrames(0), VideoPosition.FromFrames(0), detections: new[] { dir.File("cam1.detections.jsonl") });
        var changed = Assert.Throws<SourceUnavailableException>(() => annotating.Plan(source, new[] { Event(source, 40, 50) }, dir.Path));
        Assert.Contains("changed", changed.Message);
        File.Delete(source);
        var gone = Assert.Throws<SourceUnavailableException>(() => export.Plan(source, new[] { Event(source, 40, 50) }, dir.Path));
        Assert.Equal(source, gone.Path);
    }

    [FfmpegFact]
    public void An_existing_clip_is_kept_without_overwrite_and_replaced_with_it()
    {
        using var dir = new TempDir();
        string source = MakeSource(dir, gop: 25);
        var (export, _) = Exporter(VideoPosition.FromFrames(0), VideoPosition.FromFrames(0));
        var plan = export.Plan(source, new[] { Event(source, 50, 60) }, dir.Path);
        File.WriteAllText(plan.TargetOf(plan.Clips[0]), "old");
        Assert.Throws<OutputExistsException>(() => export.Write(plan, plan.Clips[0]));
        Assert.Equal("old", File.ReadAllText(plan.TargetOf(plan.Clips[0])));
        var replacing = new EventClipExport(Encoders.Choose(VideoCodec.H264), new EventClipOptions { PreRoll = VideoPosition.FromFrames(0), PostRoll = VideoPosition.FromFrames(0), Overwrite = true }, null, new VideoIndexCache(null));
        AssertExactly(replacing.Write(plan, plan.Clips[0]).Path, 50, 60);
    }
}
