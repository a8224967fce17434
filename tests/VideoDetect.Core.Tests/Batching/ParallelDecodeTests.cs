using System.Security.Cryptography;
using System.Runtime.InteropServices;
using VideoDetect.Batching;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

/// <summary>-ThrottleLimit n: the same batches, warnings and errors, in the same order, as one worker.</summary>
public class ParallelDecodeTests
{
    private static readonly PreprocessOptions Small = new() { Width = 96, Height = 64 };

    private static List<VideoClip> Clips(string path, long length, long? stride = null, long? start = null) =>
        ClipPlanner.Plan(VideoProbe.Probe(path), new ClipOptions
        {
            Length = VideoPosition.FromFrames(length),
            Stride = stride is { } s ? VideoPosition.FromFrames(s) : null,
            Start = start is { } a ? VideoPosition.FromFrames(a) : null,
        }).ToList();

    /// <summary>Every event as text: batches with their frames, timestamps, transforms and a hash of the tensor.</summary>
    private static List<string> Signature(IEnumerable<VideoClip> clips, int throttle, int stride = 1, int batch = 5, long minRun = 12, PreprocessOptions? pre = null)
    {
        var options = new BatchOptions
        {
            BatchSize = batch, FrameStride = stride, Preprocess = pre ?? Small, ThrottleLimit = throttle, MinRunFrames = minRun,
        };
        var lines = new List<string>();
        using var batcher = new FrameBatcher(options);
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        while (batcher.Read() is { } e)
        {
            lines.Add(e switch
            {
                BatchReady r => Describe(r),
                BatchWarning w => "warning " + w.Message,
                ClipFailed f => $"failed {Path.GetFileName(f.Clip.Path)} clip {f.Clip.Index}: {f.Error.GetType().Name} {f.Error.Message}",
                _ => e.ToString()!,
            });
            if (e is BatchReady ready) ready.Batch.Dispose();
        }
        return lines;
    }

    private static string Describe(BatchReady r)
    {
        var b = r.Batch;
        string hash = Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(b.Tensor.AsSpan())));
        string frames = string.Join(" ", b.Frames.Select(f => $"{f.ClipIndex}:{f.FrameIndex}@{f.Timestamp.Ticks}/{f.SourceWidth}x{f.SourceHeight}/{f.Transform}"));
        return $"batch {Path.GetFileName(b.Path)} #{b.BatchIndex} {r.FramesDone}/{r.FramesTotal} [{frames}] {hash}";
    }

    private static void SameAtOneTwoFour(Func<IEnumerable<VideoClip>> clips, int stride = 1, int batch = 5, long minRun = 12, PreprocessOptions? pre = null)
    {
        var one = Signature(clips(), 1, stride, batch, minRun, pre);
        Assert.NotEmpty(one);
        Assert.Equal(one, Signature(clips(), 2, stride, batch, minRun, pre));
        Assert.Equal(one, Signature(clips(), 4, stride, batch, minRun, pre));
    }

    [Fact]
    public void Overlap_stride_jump_back_and_gaps_give_the_same_batches()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 150, "mp4v"); // key frames every 12
        SameAtOneTwoFour(() => Clips(path, 20, stride: 15));                  // overlapping
        SameAtOneTwoFour(() => Clips(path, 10, stride: 23, start: 3), stride: 3); // gaps, stride from -Start
        var c = Clips(path, 25);
        SameAtOneTwoFour(() => new[] { c[3], c[4], c[0], c[1], c[2], c[5], c[1] }); // jumps back
    }

    [Fact]
    public void Two_videos_interleaved_and_a_failing_clip_give_the_same_events_in_the_same_place()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi"), b = dir.File("b.avi"), gone = dir.File("gone.avi");
        SyntheticVideo.Write(a, 90, "mp4v");
        SyntheticVideo.Write(b, 60, "MJPG");
        SyntheticVideo.Write(gone, 20, "MJPG");
        var ca = Clips(a, 15);
        var cb = Clips(b, 15);
        var cg = Clips(gone, 10);
        File.Delete(gone);
        var bogus = new VideoClip { Path = a, Index = 9, StartFrame = 80, EndFrame = 200 };
        var order = new[] { ca[0], ca[1], cb[0], ca[2], cg[0], cb[1], cb[2], bogus, ca[3], ca[4], cb[3], cg[1], ca[5] };
        var one = Signature(order, 1);
        Assert.Equal(3, one.Count(l => l.StartsWith("failed")));
        Assert.Equal(one, Signature(order, 2));
        Assert.Equal(one, Signature(order, 4));
        // Whole videos one after the other, as Get-ChildItem | Split-VideoClip gives them: decoded side by side.
        SameAtOneTwoFour(() => ca.Concat(cb).Concat(Clips(a, 30)), minRun: 1000);
    }

    [FfmpegFact]
    public void H264_with_B_frames_a_long_GOP_and_a_variable_rate_give_the_same_batches()
    {
        using var dir = new TempDir();
        string painted = dir.File("painted.avi"), h264 = dir.File("gop.mp4"), vfr = dir.File("vfr.mp4");
        SyntheticVideo.Write(painted, 200, "MJPG");
        Ffmpeg.Run("-i", painted, "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-bf", "3", "-g", "50",
            "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p", h264);
        // Every 7th frame slot empty: irregular timestamps, a counted index.
        Ffmpeg.Run("-i", painted, "-vf", "setpts='(N+floor(N/7))/(25*TB)'", "-fps_mode", "passthrough", "-c:v", "libx264",
            "-preset", "veryfast", "-bf", "2", "-g", "40", "-pix_fmt", "yuv420p", vfr);
        Assert.False(VideoProbe.Probe(vfr).Info.IsConstantFrameRate);
        SameAtOneTwoFour(() => Clips(h264, 16), minRun: 20);
        SameAtOneTwoFour(() => Clips(h264, 16, stride: 12), stride: 2, minRun: 20);
        SameAtOneTwoFour(() => Clips(vfr, 16, stride: 20), minRun: 20);
    }

    /// <summary>
    /// The long-GOP rule with the real split policy (no MinRunFrames override): total decode
    /// work at 2 and 4 workers — frames grabbed plus what OpenCV decodes inside each seek (from the
    /// key frame before target − 16) — stays within 10 % of one sequential pass, and the file is split.
    /// </summary>
    [FfmpegFact]
    public void A_long_GOP_H264_file_is_split_only_where_total_decode_stays_within_10_percent_of_one_pass()
    {
        using var dir = new TempDir();
        string h264 = dir.File("gop250.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-frames:v", "2000", "-c:v", "libx264", "-preset", "veryfast",
            "-bf", "3", "-g", "250", "-keyint_min", "250", "-sc_threshold", "0", "-pix_fmt", "yuv420p", h264);
        var probed = VideoProbe.Probe(h264);
        var keys = KeyFrames.Of(h264, probed.Index, VideoIndexCache.Shared, CancellationToken.None)!;
        Assert.Equal(new long[] { 0, 250, 500, 750, 1000, 1250, 1500, 1750 }, keys);
        var clips = Clips(h264, 64);
        (long Grabbed, long SeekCost, int Seeks, string Signature) Run(int throttle)
        {
            var lines = new List<string>();
            using var batcher = new FrameBatcher(new BatchOptions { BatchSize = 8, Preprocess = Small, ThrottleLimit = throttle });
            foreach (var c in clips) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e)
                if (e is BatchReady r) { lines.Add(Describe(r)); r.Batch.Dispose(); }
            batcher.Dispose(); // the workers count their captures' frames when they close them (a second Dispose does nothing)
            var seeks = batcher.Tally.Seeks;
            return (batcher.Tally.FramesGrabbed, seeks.Sum(s => KeyFrames.SeekCost(keys, s.Frame)), seeks.Count, string.Join("\n", lines));
        }
        var one = Run(1);
        Assert.Equal((2000L, 0L, 0), (one.Grabbed, one.SeekCost, one.Seeks));
        foreach (int throttle in new[] { 2, 4 })
        {
            var many = Run(throttle);
            Assert.Equal(one.Signature, many.Signature);
            Assert.True(many.Seeks > 0, $"-ThrottleLimit {throttle} did not split the 2000-frame file");
            Assert.True(many.Grabbed + many.SeekCost <= 1.10 * one.Grabbed,
                $"-ThrottleLimit {throttle}: {many.Grabbed} frames grabbed + {many.SeekCost} decoded inside {many.Seeks} seeks, against {one.Grabbed} in one pass");
        }
    }

    [Fact]
    public void A_corrupt_frame_mid_clip_gives_the_same_warnings_in_the_same_place()
    {
        using var dir = new TempDir();
        string path = dir.File("corrupt.avi");
        SyntheticVideo.Write(path, 60, "MJPG");
        // Damage the JPEG data of frame 33 (the 34th start-of-image marker in the file).
        var bytes = File.ReadAllBytes(path);
        int seen = 0;
        for (int i = 0; i + 3 < bytes.Length; i++)
        {
            if (bytes[i] != 0xFF || bytes[i + 1] != 0xD8 || bytes[i + 2] != 0xFF) continue;
            if (seen++ != 33) continue;
            for (int k = 10; k < 400; k++) bytes[i + k] = 0x00;
            break;
        }
        File.WriteAllBytes(path, bytes);
        SameAtOneTwoFour(() => Clips(path, 10), minRun: 8);
    }

    [SharedFact]
    public void The_real_videos_give_the_same_batches()
    {
        var pre = new PreprocessOptions { Width = 416, Height = 416 };
        string vtest = Fixtures.Video("vtest.avi");
        var one = Signature(Clips(vtest, 64), 1, batch: 16, minRun: 0, pre: pre);
        Assert.Equal(Enumerable.Range(0, 795).Select(i => (long)i).Count(), one.Sum(l => l.Split(' ').Count(t => t.Contains('@'))));
        Assert.Equal(one, Signature(Clips(vtest, 64), 4, batch: 16, minRun: 0, pre: pre));
        Assert.Equal(one, Signature(Clips(vtest, 64), 2, batch: 16, pre: pre)); // the default run length
    }

    [Fact]
    public void A_failure_of_the_batcher_itself_comes_after_the_same_events_and_never_hangs()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi");
        SyntheticVideo.Write(a, 40, "MJPG");
        var clips = Clips(a, 10);
        // An empty path is a programming error (ArgumentException), not a clip's error: the batcher fails.
        var order = new[] { clips[0], clips[1], clips[2], new VideoClip { Path = "", StartFrame = 0, EndFrame = 5 }, clips[3] };
        (List<string> Events, Exception? Error) Run(int throttle)
        {
            var events = new List<string>();
            using var batcher = new FrameBatcher(new BatchOptions { BatchSize = 4, Preprocess = Small, ThrottleLimit = throttle, MinRunFrames = 10 });
            foreach (var c in order) batcher.Add(c);
            batcher.Complete();
            try
            {
                while (batcher.Read() is { } e) { events.Add(e is BatchReady r ? Describe(r) : e.ToString()!); (e as BatchReady)?.Batch.Dispose(); }
            }
            catch (ArgumentException e)
            {
                return (events, e);
            }
            return (events, null);
        }
        var one = Run(1);
        Assert.NotNull(one.Error);
        Assert.Equal(6, one.Events.Count); // of the 30 frames before it, the batch in preprocessing and the partial one are dropped
        foreach (int n in new[] { 2, 4 })
        {
            var many = Run(n);
            Assert.Equal(one.Events, many.Events);
            Assert.Equal(one.Error!.Message, many.Error?.Message);
        }
    }

    [Fact]
    public void Disposing_mid_stream_stops_every_worker_promptly()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi"), b = dir.File("b.avi");
        SyntheticVideo.Write(a, 300, "MJPG");
        SyntheticVideo.Write(b, 300, "MJPG");
        var batcher = new FrameBatcher(new BatchOptions { BatchSize = 2, QueueDepth = 1, Preprocess = Small, ThrottleLimit = 4, MinRunFrames = 20 });
        foreach (var c in Clips(a, 20).Concat(Clips(b, 20))) batcher.Add(c);
        var first = Assert.IsType<BatchReady>(batcher.Read());
        Assert.Equal(0, first.Batch.Frames[0].FrameIndex);
        first.Batch.Dispose();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        batcher.Dispose(); // as when `| Select-Object -First 1` or Ctrl+C cuts the pipeline short
        Assert.True(batcher.WorkerCompleted, "Dispose returned while the worker was still running");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopping took {clock.Elapsed}");
    }

    [Fact]
    public void Cancelling_the_token_ends_the_read_and_the_workers()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi");
        SyntheticVideo.Write(a, 300, "MJPG");
        using var cts = new CancellationTokenSource();
        var batcher = new FrameBatcher(new BatchOptions { BatchSize = 2, QueueDepth = 1, Preprocess = Small, ThrottleLimit = 3, MinRunFrames = 20 }, cts.Token);
        foreach (var c in Clips(a, 20)) batcher.Add(c);
        Assert.IsType<BatchReady>(batcher.Read()).Batch.Dispose();
        cts.Cancel();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (batcher.Read() is { } e) if (e is BatchReady r) r.Batch.Dispose(); // drains what was queued, then ends
        batcher.Dispose();
        Assert.True(batcher.WorkerCompleted);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopping took {clock.Elapsed}");
    }
}
