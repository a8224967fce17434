using OpenCvSharp;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>
/// The in-process decoder (libavcodec through <see cref="LibavApi"/>, issue 25 point 9) gives the same
/// frames as the ffmpeg executable's pipe — pixel for pixel, with the same indices, after the same
/// seeks — including frames whose rows are padded (a width the decoder aligns), starts no process, and
/// leaves files it cannot decode exactly (not yuv420p) to the pipe.
/// </summary>
public class LibavDecoderTests
{
    private static readonly string[] LibraryDirs = { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" };

    private static VideoIndex Index(string path) => VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) }).Index;

    private static FfmpegFileSource Open(string path, bool inProcess) =>
        Assert.IsType<FfmpegFileSource>(FrameSources.OpenGatedFile(path, Index(path), inProcess: inProcess));

    /// <summary>An x264 file (3 B-frames, a key frame every 50) of ffmpeg's moving test pattern, <paramref name="size"/>, <paramref name="pixFmt"/>.</summary>
    private static string Pattern(TempDir dir, string size, string pixFmt = "yuv420p", int frames = 160)
    {
        string path = dir.File($"pattern-{size}-{pixFmt}.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "50", "-sc_threshold", "0", "-pix_fmt", pixFmt, path);
        return path;
    }

    [Fact]
    public void The_in_process_decoder_loads_where_the_system_has_FFmpeg_5_s_libraries()
    {
        bool installed = OperatingSystem.IsLinux() && LibraryDirs.Any(d =>
            File.Exists(Path.Combine(d, $"libavcodec.so.{LibavApi.CodecMajor}")) && File.Exists(Path.Combine(d, $"libavformat.so.{LibavApi.FormatMajor}")));
        if (installed && Environment.GetEnvironmentVariable(LibavApi.Variable) is not "off")
            Assert.True(LibavApi.Available, LibavApi.Why);
        else
            Assert.False(string.IsNullOrEmpty(LibavApi.Why));
    }

    [FfmpegTheory]
    [InlineData("320x240")]
    [InlineData("202x150")] // rows the decoder pads: its luma stride is not the width
    public void In_process_frames_equal_the_pipe_s_pixel_for_pixel_sequentially_and_after_seeks(string size)
    {
        if (!LibavApi.Available) return; // the pipe is all there is here (The_in_process_decoder_loads… says why)
        using var dir = new TempDir();
        string path = Pattern(dir, size);
        using var inProcess = Open(path, inProcess: true);
        using var pipe = Open(path, inProcess: false);
        using Mat a = new(), b = new();
        void Same(long expected)
        {
            Assert.True(inProcess.Grab(), $"in process: no frame {expected}");
            Assert.True(pipe.Grab(), $"pipe: no frame {expected}");
            Assert.Equal(expected, inProcess.Current);
            Assert.Equal(pipe.Current, inProcess.Current);
            Assert.Equal(pipe.CurrentTimestampMs, inProcess.CurrentTimestampMs);
            Assert.True(inProcess.TryGetLuma(out var la));
            Assert.True(pipe.TryGetLuma(out var lb));
            Assert.Equal(lb.Size(), la.Size());
            Assert.Equal(0, Cv2.Norm(la, lb, NormTypes.INF));
            inProcess.Retrieve(a);
            pipe.Retrieve(b);
            Assert.Equal(0, Cv2.Norm(a, b, NormTypes.INF));
        }
        for (long n = 0; n < 160; n++) Same(n);
        Assert.False(inProcess.Grab());
        Assert.False(pipe.Grab());
        Assert.True(inProcess.InProcess);
        foreach (long target in new long[] { 120, 49, 50, 51, 3, 159, 99, 100, 0, 77 })
        {
            inProcess.Seek(target);
            pipe.Seek(target);
            Same(target);
            if (target + 1 < 160) Same(target + 1);
        }
        Assert.True(inProcess.SeekCount > 0);
        Assert.Null(inProcess.ProcessId); // no child process, ever
    }

    [FfmpegFact]
    public void A_full_range_yuvj420p_file_decodes_in_process_within_a_level_of_the_pipe_s_conversion()
    {
        if (!LibavApi.Available) return; // the pipe is all there is here (The_in_process_decoder_loads… says why)
        using var dir = new TempDir();
        string path = Pattern(dir, "202x150", "yuvj420p", 60);
        using var inProcess = Open(path, inProcess: true);
        using var pipe = Open(path, inProcess: false);
        using Mat a = new(), b = new(), diff = new(), mapped = new();
        double worstLuma = 0, worstBgr = 0, meanBgr = 0, worstChange = 0;
        // Threshold 0: each gate compares every frame with the one before, so the changes they measure
        // can be compared frame by frame: the full-range plane as lent, against the pipe's converted one.
        using var onFull = new VideoDetect.Batching.MotionGate(new VideoDetect.Batching.MotionGateOptions { Threshold = 0 });
        using var onLimited = new VideoDetect.Batching.MotionGate(new VideoDetect.Batching.MotionGateOptions { Threshold = 0 });
        for (long n = 0; n < 60; n++)
        {
            Assert.True(inProcess.Grab());
            Assert.True(pipe.Grab());
            Assert.Equal(pipe.Current, inProcess.Current);
            Assert.True(inProcess.TryGetLuma(out var la));
            Assert.True(pipe.TryGetLuma(out var lb));
            Assert.True(inProcess.LumaIsFullRange); // lent as decoded; the pipe's is converted
            Assert.False(pipe.LumaIsFullRange);
            Cv2.LUT(la, RangeTables.Luma, mapped);
            worstLuma = Math.Max(worstLuma, Cv2.Norm(mapped, lb, NormTypes.INF));
            Assert.Equal(onLimited.AdmitLuma(lb, n, pipe.CurrentTime), onFull.AdmitLuma(la, n, inProcess.CurrentTime, fullRange: true));
            worstChange = Math.Max(worstChange, Math.Abs(onFull.LastChange - onLimited.LastChange));
            inProcess.Retrieve(a);
            pipe.Retrieve(b);
            worstBgr = Math.Max(worstBgr, Cv2.Norm(a, b, NormTypes.INF));
            Cv2.Absdiff(a, b, diff);
            var m = Cv2.Mean(diff);
            meanBgr = Math.Max(meanBgr, (m.Val0 + m.Val1 + m.Val2) / 3);
        }
        Assert.True(inProcess.InProcess, inProcess.WhyNotInProcess);
        // The luma is mapped exactly as swscale maps it, give or take its fixed-point rounding; the
        // colours go through one more rounding of the chroma, so a saturated pixel may move a few levels.
        Assert.True(worstLuma <= 1, $"luma differs by up to {worstLuma} levels");
        Assert.True(meanBgr < 0.5, $"BGR differs by {meanBgr:F2} levels on average (worst {worstBgr})");
        Assert.True(worstChange < 0.015, $"the gate's measured changes differ by up to {worstChange:P2}");
    }

    [FfmpegFact]
    public void A_file_that_is_not_yuv420p_goes_to_the_pipe_which_converts_it()
    {
        using var dir = new TempDir();
        string path = Pattern(dir, "160x120", "yuv444p", 30);
        using var source = Open(path, inProcess: true);
        for (int n = 0; n < 30; n++)
        {
            Assert.True(source.Grab());
            Assert.Equal(n, source.Current);
        }
        Assert.False(source.InProcess);
        Assert.NotNull(source.WhyNotInProcess);
        if (LibavApi.Available) Assert.Contains("not yuv420p or yuvj420p", source.WhyNotInProcess);
    }
}
