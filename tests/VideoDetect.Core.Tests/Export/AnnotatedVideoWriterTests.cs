using OpenCvSharp;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Export;

public class AnnotatedVideoWriterTests
{
    // Away from the frame-number blocks (row 8..28) so the index stays readable in the output.
    private static readonly Detection[] Boxes = { new() { Label = "person", Confidence = 0.9f, X = 150, Y = 120, Width = 70, Height = 60 } };

    private static ProbedVideo Synthetic(TempDir dir, int frames = 40)
    {
        string path = dir.File("source.avi");
        SyntheticVideo.Write(path, frames, "MJPG", 25);
        return VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });
    }

    private static FrameDetections Frame(ProbedVideo v, long index, Detection[]? boxes = null) =>
        new() { Path = v.Info.Path, FrameIndex = index, SourceWidth = v.Info.Width, SourceHeight = v.Info.Height, Detections = boxes ?? Boxes };

    private static List<Mat> ReadAll(string path)
    {
        using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        var frames = new List<Mat>();
        while (true)
        {
            var m = new Mat();
            if (!cap.Read(m) || m.Empty()) { m.Dispose(); break; }
            frames.Add(m);
        }
        return frames;
    }

    /// <summary>Mean absolute difference (all channels) of two frames inside <paramref name="region"/>.</summary>
    internal static double MeanDifference(Mat a, Mat b, Rect region)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a[region], b[region], diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }

    private static EncoderChoice OpenCv(VideoCodec codec) => new(codec, null);

    private static EncoderChoice WithFfmpeg(VideoCodec codec) => new(codec, Encoders.FindFfmpeg() ?? throw new InvalidOperationException("no ffmpeg"));

    /// <summary>Writes frames first..last with detections on every <paramref name="stride"/>-th; checks what comes back.</summary>
    private static void WritesTheProcessedRangeFrameExactly(EncoderChoice encoder, string extension)
    {
        using var dir = new TempDir();
        var source = Synthetic(dir);
        string target = dir.File("out" + extension);
        using (var writer = new AnnotatedVideoWriter(source, target, encoder))
        {
            for (long i = 5; i <= 32; i += 3) writer.Add(Frame(source, i));   // 5, 8, ..., 32: a stride of 3
            var file = writer.Commit();
            Assert.Equal(target, file.FullName);
        }
        Assert.Equal(new[] { "out" + extension, "source.avi" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());

        using (var cap = new VideoCapture(target, VideoCaptureAPIs.FFMPEG))
        {
            Assert.Equal(25.0, cap.Get(VideoCaptureProperties.Fps), 3);
            Assert.Equal((320, 240), ((int)cap.Get(VideoCaptureProperties.FrameWidth), (int)cap.Get(VideoCaptureProperties.FrameHeight)));
        }
        var frames = ReadAll(target);
        try
        {
            Assert.Equal(28, frames.Count);   // 5..32, every frame of the range, detected on or not
            // Lockstep: output frame k is source frame 5 + k (the painted frame number says so), and
            // every frame carries the box (held over the stride gaps): its edge differs from the clean
            // frame, while pixels far from it do not (beyond the codec's loss).
            using var clean = new Mat(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
            for (int k = 0; k < frames.Count; k++)
            {
                Assert.Equal(5 + k, SyntheticVideo.ReadIndex(frames[k]));
                SyntheticVideo.Draw(clean, 5 + k);
                double edge = MeanDifference(frames[k], clean, new Rect(149, 130, 3, 40));
                double far = MeanDifference(frames[k], clean, new Rect(10, 190, 100, 40));
                Assert.True(edge > 3 * far + 15, $"frame {k}: box edge differs by {edge:F1}, far pixels by {far:F1}");
                Assert.True(far < 8, $"frame {k}: far pixels differ by {far:F1}");
            }
        }
        finally
        {
            foreach (var f in frames) f.Dispose();
        }
    }

    [Fact]
    public void Mp4v_through_OpenCV_keeps_size_rate_and_every_frame_in_order() => WritesTheProcessedRangeFrameExactly(OpenCv(VideoCodec.Mp4v), ".mp4");

    [Fact]
    public void Mjpg_through_OpenCV_into_avi() => WritesTheProcessedRangeFrameExactly(OpenCv(VideoCodec.Mjpg), ".avi");

    [FfmpegFact]
    public void H264_through_ffmpeg_keeps_size_rate_and_every_frame_in_order() => WritesTheProcessedRangeFrameExactly(WithFfmpeg(VideoCodec.H264), ".mp4");

    [FfmpegFact]
    public void H264_keeps_a_rational_rate_exactly_and_ffprobe_accepts_it()
    {
        using var dir = new TempDir();
        string src = dir.File("ntsc.avi");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30000/1001", "-frames:v", "30", "-c:v", "mpeg4", "-q:v", "3", src);
        var source = VideoProbe.Probe(src, new ProbeOptions { Cache = new VideoIndexCache(null) });
        Assert.Equal(new Rational(30000, 1001), source.Info.FrameRate);
        string target = dir.File("out.mp4");
        using (var writer = new AnnotatedVideoWriter(source, target, WithFfmpeg(VideoCodec.H264)))
        {
            for (int i = 0; i < 30; i++) writer.Add(Frame(source, i));
            writer.Commit();
        }
        var probe = Ffprobe.Stream(target);
        Assert.Equal("h264", probe["codec_name"]);
        Assert.Equal("yuv420p", probe["pix_fmt"]);
        Assert.Equal("30000/1001", probe["r_frame_rate"]);
        Assert.Equal("30", probe["nb_read_frames"]);
        Assert.Equal(("320", "240"), (probe["width"], probe["height"]));
    }

    [Fact]
    public void NoHold_writes_the_frames_between_detections_without_boxes()
    {
        using var dir = new TempDir();
        var source = Synthetic(dir, 10);
        string target = dir.File("out.avi");
        using (var writer = new AnnotatedVideoWriter(source, target, OpenCv(VideoCodec.Mjpg), new AnnotationOptions { HoldDetections = false }))
        {
            writer.Add(Frame(source, 0));
            writer.Add(Frame(source, 4));
            writer.Commit();
        }
        var frames = ReadAll(target);
        using var plain = new Mat(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
        try
        {
            Assert.Equal(5, frames.Count);
            for (int k = 0; k < 5; k++)
            {
                SyntheticVideo.Draw(plain, k);
                var drawn = frames[k].At<Vec3b>(150, 150);
                var clean = plain.At<Vec3b>(150, 150);
                int diff = Math.Abs(drawn.Item0 - clean.Item0) + Math.Abs(drawn.Item1 - clean.Item1) + Math.Abs(drawn.Item2 - clean.Item2);
                if (k is 0 or 4) Assert.True(diff > 60, $"frame {k} should carry the box ({diff})");
                else Assert.True(diff < 40, $"frame {k} should be clean ({diff})");
            }
        }
        finally
        {
            foreach (var f in frames) f.Dispose();
        }
    }

    [Fact]
    public void Frames_must_come_in_increasing_order_and_inside_the_source()
    {
        using var dir = new TempDir();
        var source = Synthetic(dir, 10);
        using var writer = new AnnotatedVideoWriter(source, dir.File("out.avi"), OpenCv(VideoCodec.Mjpg));
        writer.Add(Frame(source, 3));
        Assert.Throws<VideoDetect.Errors.FrameOutOfOrderException>(() => writer.Add(Frame(source, 3)));
        Assert.Throws<VideoDetect.Errors.FrameOutOfOrderException>(() => writer.Add(Frame(source, 2)));
        Assert.Throws<VideoDetect.Errors.FrameOutOfOrderException>(() => writer.Add(Frame(source, 10)));
        writer.Add(Frame(source, 5));
        writer.Commit();
        Assert.Equal((3L, 5L), (writer.FirstFrame, writer.LastFrame));
        Assert.Equal(3, writer.FramesWritten);
    }

    /// <summary>A sink that fails on the n-th frame, as a crashing encoder would.</summary>
    private sealed class FailingSink(IFrameSink inner, int failAt) : IFrameSink
    {
        private int _n;
        public void Write(Mat frame)
        {
            if (++_n == failAt) throw new EncoderFailedException("encoder crashed (test)");
            inner.Write(frame);
        }
        public void Complete() => inner.Complete();
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void An_encoder_failure_is_rethrown_and_leaves_no_file()
    {
        using var dir = new TempDir();
        var source = Synthetic(dir, 20);
        string target = dir.File("out.avi");
        string temp;
        using (var writer = new AnnotatedVideoWriter(source, target, OpenCv(VideoCodec.Mjpg), sinkFactory: o => new FailingSink(new OpenCvFrameSink(o), 5)))
        {
            temp = writer.TempPath;
            Assert.StartsWith(".out.", Path.GetFileName(temp));
            Assert.EndsWith(".tmp.avi", temp);
            var error = Record.Exception(() =>
            {
                for (int i = 0; i < 20; i++) writer.Add(Frame(source, i));
                writer.Commit();
            });
            Assert.IsType<EncoderFailedException>(error);
        }
        Assert.Equal(new[] { "source.avi" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_source_that_vanished_is_a_SourceUnavailable_failure()
    {
        using var dir = new TempDir();
        var source = Synthetic(dir, 10);
        File.Delete(source.Info.Path);
        using var writer = new AnnotatedVideoWriter(source, dir.File("out.avi"), OpenCv(VideoCodec.Mjpg));
        var error = Record.Exception(() => { writer.Add(Frame(source, 0)); writer.Commit(); });
        Assert.IsType<SourceUnavailableException>(error);
        writer.Dispose();
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void An_existing_target_is_kept_unless_overwrite_is_asked()
    {
        using var dir = new TempDir();
        var source = Synthetic(dir, 5);
        string target = dir.File("out.avi");
        File.WriteAllText(target, "keep");
        using (var writer = new AnnotatedVideoWriter(source, target, OpenCv(VideoCodec.Mjpg)))
        {
            writer.Add(Frame(source, 0));
            Assert.Throws<IOException>(() => writer.Commit());
        }
        Assert.Equal("keep", File.ReadAllText(target));
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length);
        using (var writer = new AnnotatedVideoWriter(source, target, OpenCv(VideoCodec.Mjpg), new AnnotationOptions { Overwrite = true }))
        {
            writer.Add(Frame(source, 0));
            writer.Add(Frame(source, 1));
            writer.Commit();
        }
        Assert.Equal(2, ReadAll(target).Count);
    }

    [FfmpegFact]
    public void Cancelling_kills_the_encoder_and_removes_the_temporary_file()
    {
        using var dir = new TempDir();
        var source = Synthetic(dir, 200);
        using var cts = new CancellationTokenSource();
        var writer = new AnnotatedVideoWriter(source, dir.File("out.mp4"), WithFfmpeg(VideoCodec.H264), new AnnotationOptions { QueueDepth = 2 }, cts.Token);
        for (int i = 0; i < 60; i++) writer.Add(Frame(source, i));
        // The file is created (and claimed) with the writer; wait until ffmpeg has written to it.
        Assert.True(SpinWait.SpinUntil(() => File.Exists(writer.TempPath) && new FileInfo(writer.TempPath).Length > 0, 10_000), "ffmpeg should have written the temporary file");
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => { for (int i = 60; i < 200; i++) writer.Add(Frame(source, i)); writer.Commit(); });
        writer.Dispose();
        Assert.Equal(new[] { "source.avi" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_unknown_extension_is_refused()
    {
        using var dir = new TempDir();
        var source = Synthetic(dir, 2);
        Assert.Throws<ArgumentException>(() => new AnnotatedVideoWriter(source, dir.File("out.txt"), OpenCv(VideoCodec.Mp4v)));
    }
}

/// <summary>Reads a video's first stream as ffprobe sees it (counting every frame).</summary>
public static class Ffprobe
{
    public static Dictionary<string, string> Stream(string path)
    {
        string exe = Path.Combine(Path.GetDirectoryName(Ffmpeg.Path)!, OperatingSystem.IsWindows() ? "ffprobe.exe" : "ffprobe");
        var psi = new System.Diagnostics.ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
            "stream=codec_name,width,height,pix_fmt,r_frame_rate,nb_read_frames", "-of", "default=nw=1", path }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffprobe failed on {path}: {err}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1].Trim());
    }
}
