using System.Diagnostics;
using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>
/// The ffmpeg pipe source (issue 25 point 9) gives frame n of the exact index as frame n — the same
/// index as <see cref="VideoReader"/> for every frame, checked on the index painted into the pixels —
/// sequentially, after seeks anywhere (B-frames, a long GOP, audio that starts before the video), at
/// the end and on a truncated file; and leaves no ffmpeg behind.
/// </summary>
public class FfmpegFileSourceTests
{
    /// <summary>An H.264 (libx264, 3 B-frames, one key frame every 60) copy of a painted video; <paramref name="extra"/> goes before the output.</summary>
    private static string H264(TempDir dir, int frames, string name = "bframes.mp4", params string[] extra)
    {
        string painted = dir.File("painted.avi"), h264 = dir.File(name);
        if (!File.Exists(painted)) SyntheticVideo.Write(painted, frames, "MJPG");
        var args = new List<string> { "-i", painted };
        args.AddRange(extra);
        args.AddRange(new[] { "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-bf", "3", "-g", "60",
            "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", h264 });
        Ffmpeg.Run(args.ToArray());
        return h264;
    }

    private static VideoIndex Index(string path) => VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) }).Index;

    /// <summary>
    /// The gated source of <paramref name="path"/>, decoding in process (libavcodec) or through the
    /// ffmpeg executable's pipe; the first frame is read to check which one it is (and the source is
    /// put back at frame 0).
    /// </summary>
    private static FfmpegFileSource Open(string path, VideoIndex index, bool inProcess)
    {
        var source = Assert.IsType<FfmpegFileSource>(FrameSources.OpenGatedFile(path, index, inProcess: inProcess));
        Assert.True(source.Grab());
        Assert.True(inProcess == source.InProcess, $"in process: {source.InProcess} ({source.WhyNotInProcess})");
        source.Seek(0);
        return source;
    }

    private static int PaintedAt(IFrameSource source)
    {
        using var bgr = new Mat();
        Assert.True(source.Retrieve(bgr));
        return SyntheticVideo.ReadIndex(bgr);
    }

    [FfmpegTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_sequential_decode_gives_every_frame_of_the_index_with_VideoReader_s_index_and_time(bool inProcess)
    {
        using var dir = new TempDir();
        string path = H264(dir, 150);
        var index = Index(path);
        Assert.Equal(150, index.FrameCount);
        Assert.False(index.HasRecordedTimestamps);
        using var pipe = Open(path, index, inProcess);
        using var reader = new VideoReader(path, index);
        for (int n = 0; n < 150; n++)
        {
            Assert.True(pipe.Grab());
            Assert.True(reader.Grab());
            Assert.Equal(n, pipe.Current);
            Assert.Equal(reader.Current, pipe.Current);
            Assert.Equal(reader.CurrentTime, pipe.CurrentTime);
            Assert.Equal(0, pipe.SkippedBeforeCurrent);
            Assert.Equal(n, PaintedAt(pipe));
        }
        Assert.False(pipe.Grab());
        Assert.False(reader.Grab());
        Assert.Equal(150 + 1, pipe.FramesGrabbed); // frame 0 twice: Open read it to check the decoder
    }

    [FfmpegTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Seeks_anywhere_land_on_the_exact_frame_in_H264_with_B_frames_and_a_long_GOP(bool inProcess)
    {
        using var dir = new TempDir();
        string path = H264(dir, 300);
        var index = Index(path);
        using var pipe = Open(path, index, inProcess);
        // Backwards, forwards past the forward-decode limit, onto and around key frames (0, 60, 120 …),
        // mid-GOP, the last frame, a short step forward (no restart) and frame 0 again.
        foreach (long target in new long[] { 200, 59, 60, 61, 299, 7, 119, 121, 33, 180, 250, 251, 290, 0, 1, 240, 239 })
        {
            pipe.Seek(target);
            Assert.Equal(target, pipe.Position);
            Assert.True(pipe.Grab(), $"no frame after seeking to {target}");
            Assert.Equal(target, pipe.Current);
            Assert.Equal(index.TimeOf(target), pipe.CurrentTime);
            Assert.Equal(target, PaintedAt(pipe));
            if (target + 1 < 300)
            {
                Assert.True(pipe.Grab());
                Assert.Equal(target + 1, pipe.Current);
            }
            else
            {
                Assert.False(pipe.Grab());
            }
        }
        Assert.True(pipe.SeekCount > 0);
    }

    [FfmpegTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_audio_that_starts_before_the_video_seeks_and_times_match_VideoReader(bool inProcess)
    {
        using var dir = new TempDir();
        // The H.264 video is delayed by 0.7 s against a tone that starts at 0 (stream copy: no frame
        // is added): the container starts with the audio, the video stream's first frame 0.7 s later.
        string h264 = H264(dir, 200, "video.mp4");
        string path = dir.File("audio-first.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "sine=frequency=440:duration=9", "-itsoffset", "0.7", "-i", h264,
            "-map", "1:v", "-map", "0:a", "-c:a", "aac", "-c:v", "copy", path);
        var index = Index(path);
        Assert.Equal(200, index.FrameCount);
        using var pipe = Open(path, index, inProcess);
        using var reader = new VideoReader(path, index);
        foreach (long target in new long[] { 120, 10, 49, 50, 51, 199, 75, 0, 160 })
        {
            pipe.Seek(target);
            reader.Seek(target);
            Assert.True(pipe.Grab());
            Assert.True(reader.Grab());
            Assert.Equal(reader.Current, pipe.Current);
            Assert.Equal(target, pipe.Current);
            Assert.Equal(reader.CurrentTime, pipe.CurrentTime);
            Assert.Equal(target, PaintedAt(pipe));
        }
    }

    [FfmpegTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void At_the_end_it_says_so_and_a_seek_to_the_end_yields_nothing(bool inProcess)
    {
        using var dir = new TempDir();
        string path = H264(dir, 90);
        var index = Index(path);
        using var pipe = Open(path, index, inProcess);
        pipe.Seek(89);
        Assert.True(pipe.Grab());
        Assert.Equal(89, PaintedAt(pipe));
        Assert.False(pipe.Grab());
        pipe.Seek(90);
        Assert.Equal(90, pipe.Position);
        Assert.False(pipe.Grab());
        pipe.Seek(3); // back from the end: a fresh decode
        Assert.True(pipe.Grab());
        Assert.Equal(3, PaintedAt(pipe));
    }

    [FfmpegTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_truncated_file_ends_where_VideoReader_s_decode_ends(bool inProcess)
    {
        using var dir = new TempDir();
        // MPEG-TS: no index at the end, so a cut copy still opens (as a recorder's file being written does).
        string full = H264(dir, 200, "full.ts");
        string cut = dir.File("cut.ts");
        var bytes = File.ReadAllBytes(full);
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 3 / 5 / 188 * 188 + 100)]); // mid-packet, mid-frame
        var index = Index(cut);
        using var reader = new VideoReader(cut, index);
        long readerFrames = 0;
        var log = new System.Text.StringBuilder($"count {index.FrameCount} rec {index.HasRecordedTimestamps}\n");
        while (reader.Grab()) { readerFrames++; log.Append($"r{reader.Current}/{reader.CurrentTimestampMs}/{reader.SkippedBeforeCurrent} "); }
        using var pipe = Open(cut, index, inProcess);
        long pipeFrames = 0;
        while (pipe.Grab())
        {
            log.Append($"p{pipe.Current}/{pipe.CurrentTimestampMs}/{pipe.SkippedBeforeCurrent}/{PaintedAt(pipe)} ");
            pipeFrames++;
        }
        Assert.True(pipeFrames > 0);
        Assert.True(readerFrames == pipeFrames, log.ToString() + pipe.LastWords);
    }

    [FfmpegFact]
    public void Dispose_and_every_seek_end_their_ffmpeg()
    {
        using var dir = new TempDir();
        string path = H264(dir, 200);
        var index = Index(path);
        var pids = new List<int>();
        var pipe = Assert.IsType<FfmpegFileSource>(FrameSources.OpenGatedFile(path, index, inProcess: false));
        Assert.True(pipe.Grab());
        pids.Add(pipe.ProcessId!.Value);
        pipe.Seek(150); // a restart: the first process must be gone
        Assert.True(pipe.Grab());
        pids.Add(pipe.ProcessId!.Value);
        Assert.NotEqual(pids[0], pids[1]);
        pipe.Dispose();
        Assert.Null(pipe.ProcessId);
        foreach (int pid in pids) Assert.False(Running(pid), $"ffmpeg {pid} is still there");
    }

    /// <summary>True while the process exists (a zombie counts: it was not reaped).</summary>
    private static bool Running(int pid) => Directory.Exists($"/proc/{pid}") || !OperatingSystem.IsLinux() && ProcessExists(pid);

    private static bool ProcessExists(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    [FfmpegTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_luma_plane_is_the_grey_of_the_converted_frame_and_the_gate_decides_alike_on_both(bool inProcess)
    {
        using var dir = new TempDir();
        string path = H264(dir, 120);
        var index = Index(path);
        using var pipe = Open(path, index, inProcess);
        // Threshold 0: every frame that changed at all is inferred, so both gates compare each frame with
        // the one before it and the changes they measure can be compared frame by frame (with a
        // threshold, one decision that differs would give the two different references from then on).
        var options = new MotionGateOptions { Threshold = 0 };
        using var onLuma = new MotionGate(options);
        using var onBgr = new MotionGate(options);
        using var bgr = new Mat();
        using var grey = new Mat();
        using var full = new Mat();
        double worstChange = 0;
        while (pipe.Grab())
        {
            Assert.True(pipe.TryGetLuma(out var luma));
            Assert.Equal(new Size(SyntheticVideo.Width, SyntheticVideo.Height), luma.Size());
            pipe.Retrieve(bgr);
            Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
            luma.ConvertTo(full, MatType.CV_8UC1, 255.0 / 219, -16 * 255.0 / 219);
            Cv2.Absdiff(full, grey, full);
            // Equal but for rounding, except where a converted colour was clipped to 0..255 (saturated
            // colours at the edges of the painted blocks, where chroma is shared by 2×2 pixels).
            double mean = Cv2.Mean(full).Val0;
            Assert.True(mean <= 1.0, $"frame {pipe.Current}: luma and grey differ by {mean:F2} levels on average");
            Assert.Equal(onBgr.Admit(bgr, pipe.Current, pipe.CurrentTime), onLuma.AdmitLuma(luma, pipe.Current, pipe.CurrentTime));
            worstChange = Math.Max(worstChange, Math.Abs(onLuma.LastChange - onBgr.LastChange));
        }
        // This video's gradient moves 1–3 grey levels a frame everywhere, so many pixels sit at the
        // pixel delta's edge, and its saturated colours are clipped in BGR: a worst case for rounding.
        Assert.True(worstChange < 0.015, $"the changes measured differ by up to {worstChange:P2}");
    }

    [VideoDetect.Tests.Batching.FixedCameraTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void On_real_footage_the_gate_on_luma_decides_as_the_gate_on_BGR_but_at_the_threshold_s_edge(bool inProcess)
    {
        string path = Fixtures.Video("vtest.avi");
        var index = Index(path);
        using var pipe = Open(path, index, inProcess);
        using var onLuma = new MotionGate(new MotionGateOptions());
        using var onBgr = new MotionGate(new MotionGateOptions());
        using var bgr = new Mat();
        int inferred = 0, differ = 0;
        var log = new System.Text.StringBuilder();
        while (pipe.Grab() && pipe.Current < 400)
        {
            if (pipe.Current % 64 == 0) { onLuma.Restart(); onBgr.Restart(); } // clips of 64, as the bench runs
            Assert.True(pipe.TryGetLuma(out var luma));
            pipe.Retrieve(bgr);
            bool a = onLuma.AdmitLuma(luma, pipe.Current, pipe.CurrentTime), b = onBgr.Admit(bgr, pipe.Current, pipe.CurrentTime);
            if (a) inferred++;
            if (a != b) { differ++; log.Append($"{pipe.Current}:{onLuma.LastChange:F4}/{onBgr.LastChange:F4} "); }
        }
        Assert.True(inferred > 20, $"only {inferred} frames inferred: the footage does not exercise the gate");
        // Not bit-identical (MotionGate.AdmitLuma): a frame whose change is within a rounding of the
        // threshold may go the other way (one in these 400 frames: 0.42 % against 0.39 %, threshold 0.4 %).
        Assert.True(differ <= 2, $"{differ} decisions differ ({inferred} inferred): {log}");
    }
}

/// <summary>The pipe source on the sample files: every frame with VideoReader's index, time and lost-frame report.</summary>
public class FfmpegFileSourceSampleTests
{
    public static TheoryData<string> Samples => new() { "vtest.avi", "Megamind.avi", "Megamind_bugy.avi", "tree.avi" };

    [SharedTheory]
    [MemberData(nameof(Samples))]
    public void Every_frame_has_VideoReader_s_index_time_and_gap_report(string name)
    {
        string path = Fixtures.Video(name);
        var index = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) }).Index;
        using var source = FrameSources.OpenGatedFile(path, index);
        if (index.HasRecordedTimestamps || Ffmpeg.Path is null)
        {
            Assert.IsType<VideoReader>(source); // a counted index stays with OpenCV; without ffmpeg every file does
            return;
        }
        var pipe = Assert.IsType<FfmpegFileSource>(source);
        using var reader = new VideoReader(path, index);
        var log = new System.Text.StringBuilder();
        while (true)
        {
            bool a = reader.Grab(), b = pipe.Grab();
            Assert.True(a == b, $"{name}: VideoReader {(a ? "has" : "ended before")} frame {reader.Current}, the pipe {(b ? "has" : "ended before")} frame {pipe.Current}; {pipe.LastWords}");
            if (!a) break;
            Assert.Equal(reader.Current, pipe.Current);
            Assert.Equal(reader.SkippedBeforeCurrent, pipe.SkippedBeforeCurrent);
            Assert.Equal(reader.CurrentTime, pipe.CurrentTime);
        }
    }
}
