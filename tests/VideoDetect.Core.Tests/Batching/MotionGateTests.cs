using VideoDetect.Errors;
using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Inference;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

/// <summary>ConvertTo-FrameBatch -SkipStatic: the gate's policy, its image test, and the held frames through the batcher.</summary>
public class MotionGateTests
{
    private static readonly MotionGateOptions Defaults = new() { MaxSkip = VideoPosition.FromFrames(30) };

    [Fact]
    public void Policy_InfersTheFirstFrameAChangeAtTheThresholdAndAfterMaxSkip()
    {
        Assert.True(MotionGate.ShouldInfer(Defaults, 0, 1, TimeSpan.Zero, first: true));
        Assert.False(MotionGate.ShouldInfer(Defaults, Defaults.Threshold / 2, 1, TimeSpan.Zero, first: false));
        Assert.True(MotionGate.ShouldInfer(Defaults, Defaults.Threshold, 1, TimeSpan.Zero, first: false));
        Assert.False(MotionGate.ShouldInfer(Defaults, 0, 29, TimeSpan.FromHours(1), first: false));
        Assert.True(MotionGate.ShouldInfer(Defaults, 0, 30, TimeSpan.Zero, first: false));
        var byTime = new MotionGateOptions { MaxSkip = VideoPosition.FromSeconds(2) };
        Assert.False(MotionGate.ShouldInfer(byTime, 0, 1000, TimeSpan.FromSeconds(1.9), first: false));
        Assert.True(MotionGate.ShouldInfer(byTime, 0, 1, TimeSpan.FromSeconds(2), first: false));
        // Threshold 0 infers every frame that changed at all, never an identical one.
        var zero = new MotionGateOptions { Threshold = 0 };
        Assert.False(MotionGate.ShouldInfer(zero, 0, 1, TimeSpan.Zero, first: false));
        Assert.True(MotionGate.ShouldInfer(zero, 0.0001, 1, TimeSpan.Zero, first: false));
    }

    [Fact]
    public void Options_RefuseOutOfRangeValues()
    {
        Assert.Throws<InvalidPreprocessingException>(() => new MotionGateOptions { Threshold = 1.5 }.Validate());
        Assert.Throws<InvalidPreprocessingException>(() => new MotionGateOptions { MaxSkip = VideoPosition.FromFrames(0) }.Validate());
    }

    private static Mat Scene(int boxX, double noise = 0, int seed = 0)
    {
        var m = new Mat(240, 320, MatType.CV_8UC3, new Scalar(90, 100, 110));
        m.Rectangle(new Rect(0, 150, 320, 90), new Scalar(60, 70, 60), -1);
        if (boxX >= 0) m.Rectangle(new Rect(boxX, 100, 20, 50), new Scalar(20, 20, 200), -1);
        if (noise > 0)
        {
            using var n = new Mat(m.Size(), MatType.CV_16SC3);
            new RNG((ulong)seed + 1).Fill(n, DistributionType.Normal, Scalar.All(0), Scalar.All(noise));
            Cv2.Add(m, n, m, null, MatType.CV_8UC3.Value);
        }
        return m;
    }

    [Fact]
    public void Admit_HoldsStillAndNoisyFrames_InfersMotion_AndComparesWithTheLastInferredFrame()
    {
        using var gate = new MotionGate(Defaults);
        using (var f = Scene(-1, 3, 0)) Assert.True(gate.Admit(f, 0, TimeSpan.Zero)); // first frame
        for (int i = 1; i < 10; i++)
        {
            using var f = Scene(-1, 3, i);
            Assert.False(gate.Admit(f, i, TimeSpan.FromMilliseconds(40 * i)));
        }
        using (var f = Scene(100, 3, 10)) Assert.True(gate.Admit(f, 10, TimeSpan.FromMilliseconds(400)));   // a person enters
        // A slow drift (1 pixel a frame) is under the threshold frame to frame, but adds up against
        // the last inferred frame, so it is inferred again within a few frames.
        int inferred = 0;
        for (int i = 1; i <= 12; i++)
        {
            using var f = Scene(100 + i, 0, 0);
            if (gate.Admit(f, 10 + i, TimeSpan.FromMilliseconds(40 * (10 + i)))) inferred++;
        }
        Assert.InRange(inferred, 1, 6);
        // After a restart (a clip's start) the next frame is inferred whatever it shows.
        gate.Restart();
        using (var f = Scene(112, 0, 0)) Assert.True(gate.Admit(f, 30, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Admit_InfersAfterMaxSkipFramesOfStillness()
    {
        using var gate = new MotionGate(new MotionGateOptions { MaxSkip = VideoPosition.FromFrames(5) });
        using var f = Scene(-1);
        var decisions = Enumerable.Range(0, 12).Select(i => gate.Admit(f, i, TimeSpan.FromMilliseconds(40 * i))).ToArray();
        Assert.Equal(new[] { 0, 5, 10 }, decisions.Select((d, i) => (d, i)).Where(x => x.d).Select(x => x.i));
    }

    /// <summary>60 frames: 20 still, 10 with a box moving 8 pixels a frame, 30 still (MJPG).</summary>
    private static string StillVideo()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vd-still-{Environment.ProcessId}.avi");
        if (File.Exists(path)) return path;
        string tmp = path + ".tmp.avi";
        using (var writer = new VideoWriter(tmp, FourCC.MJPG, 25, new Size(320, 240)))
        {
            for (int i = 0; i < 60; i++)
            {
                using var f = Scene(i is >= 20 and < 30 ? 40 + 8 * (i - 20) : i < 20 ? -1 : 120);
                writer.Write(f);
            }
        }
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    private static List<VideoClip> Clips(string path) =>
        ClipPlanner.Plan(VideoProbe.Probe(path), new ClipOptions { Length = VideoPosition.FromFrames(16) }).ToList();

    /// <summary>Per batch: its frames with the frames held after each ("3+4,5").</summary>
    private static List<string> Batches(IEnumerable<VideoClip> clips, int throttle, MotionGateOptions? gate, List<long>? done = null)
    {
        var lines = new List<string>();
        var options = new BatchOptions { BatchSize = 4, Preprocess = new PreprocessOptions { Width = 64, Height = 48 }, ThrottleLimit = throttle, MinRunFrames = 16, SkipStatic = gate };
        using var batcher = new FrameBatcher(options);
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        while (batcher.Read() is { } e)
        {
            if (e is not BatchReady r) continue;
            lines.Add(string.Join(" ", r.Batch.Frames.Select(f => $"{f.FrameIndex}@{f.Timestamp.Ticks}" + (f.HeldFrames.Count > 0 ? "+" + string.Join(",", f.HeldFrames.Select(h => $"{h.FrameIndex}@{h.Timestamp.Ticks}")) : ""))));
            done?.Add(r.FramesDone);
            r.Batch.Dispose();
        }
        return lines;
    }

    private static IEnumerable<long> AllFrames(IEnumerable<string> batches) =>
        batches.SelectMany(b => b.Split(' ')).SelectMany(f => f.Split('+', ',')).Select(x => long.Parse(x.Split('@')[0]));

    [Fact]
    public void Batcher_BatchesOnlyWhatMoved_AndAccountsForEveryFrame()
    {
        string video = StillVideo();
        var done = new List<long>();
        var gated = Batches(Clips(video), 1, Defaults, done);
        var batched = gated.SelectMany(b => b.Split(' ')).Select(f => long.Parse(f.Split('@', '+')[0])).ToList();
        // Every frame once, in order: batched or held after the frame before it.
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), AllFrames(gated));
        // Each clip's first frame (0, 16, 32, 48) is inferred, and the moving box is.
        Assert.Subset(batched.ToHashSet(), new HashSet<long> { 0, 16, 32, 48, 20, 21, 25, 29 });
        // The still stretches are held: far fewer frames go to inference (the gate removed fails this).
        Assert.InRange(batched.Count, 10, 24);
        Assert.Equal(60, done[^1]);
        // Without -SkipStatic every frame is batched and nothing is held.
        var full = Batches(Clips(video), 1, null);
        Assert.Equal(60, full.SelectMany(b => b.Split(' ')).Count());
        Assert.DoesNotContain(full, b => b.Contains('+'));
    }

    [Fact]
    public void Batcher_SameDecisionsAtThrottleLimitOneAndTwo_AndForAResumedRun()
    {
        string video = StillVideo();
        var one = Batches(Clips(video), 1, Defaults);
        Assert.Equal(one, Batches(Clips(video), 2, Defaults));
        Assert.Equal(one, Batches(Clips(video), 4, Defaults));
        // A run resumed at clip 2 (frame 32) makes exactly the decisions of the full run from there.
        var resumed = Batches(Clips(video).Skip(2), 1, Defaults);
        var fullFrom32 = AllFrames(one).Where(f => f >= 32).ToList();
        Assert.Equal(fullFrom32, AllFrames(resumed));
        string Batched(IEnumerable<string> b) => string.Join(" ", b.SelectMany(x => x.Split(' ')).Select(f => f.Split('+')[0]).Where(f => long.Parse(f.Split('@')[0]) >= 32));
        Assert.Equal(Batched(one), Batched(resumed));
    }

    [Fact]
    public void HeldFrames_Expand_RepeatsTheInferredFramesDetections_MarkedHeld()
    {
        var pre = new PreprocessOptions { Width = 8, Height = 8 };
        var a = new FrameRef { Path = "v.avi", FrameIndex = 4, Timestamp = TimeSpan.FromSeconds(1) };
        a.AddHeld(new HeldFrame(5, TimeSpan.FromSeconds(1.25)));
        a.AddHeld(new HeldFrame(6, TimeSpan.FromSeconds(1.5)));
        var b = new FrameRef { Path = "v.avi", FrameIndex = 7, Timestamp = TimeSpan.FromSeconds(1.75) };
        var pool = new TensorPool();
        using var batch = new FrameBatch("v.avi", 0, new[] { a, b }, pre, pool.Rent(2 * pre.FrameLength), pool);
        var box = new Detection { Path = "v.avi", FrameIndex = 4, Timestamp = a.Timestamp, Label = "person", Confidence = 0.9f, X = 1, Y = 2, Width = 3, Height = 4 };
        var results = new[]
        {
            new FrameDetections { Path = "v.avi", FrameIndex = 4, Timestamp = a.Timestamp, Detections = new[] { box } },
            new FrameDetections { Path = "v.avi", FrameIndex = 7, Timestamp = b.Timestamp },
        };
        var all = HeldFrames.Expand(batch, results).ToList();
        Assert.Equal(new long[] { 4, 5, 6, 7 }, all.Select(f => f.FrameIndex));
        Assert.Null(all[0].Extras);
        Assert.Equal(4L, all[2].Extras![HeldFrames.HeldFromExtra]);
        Assert.Equal(TimeSpan.FromSeconds(1.5), all[2].Timestamp);
        var held = Assert.Single(all[2].Detections);
        Assert.Equal((6L, TimeSpan.FromSeconds(1.5), "person", 3.0), (held.FrameIndex, held.Timestamp, held.Label, held.Width));
        Assert.Same(box, all[0].Detections[0]);
        Assert.Null(all[3].Extras);
    }
}
