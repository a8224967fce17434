using VideoDetect.Batching;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

/// <summary>A fact that needs the fixture models, the sample videos and the ffmpeg command (to make the fixed-camera video).</summary>
public sealed class FixedCameraFactAttribute : FactAttribute
{
    public FixedCameraFactAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
        else if (!Fixtures.ModelsAvailable) Skip = Fixtures.MissingModels;
        else if (Ffmpeg.Path is null) Skip = "ffmpeg is not installed (build.ps1 deps installs it): the fixed-camera video cannot be made";
    }
}

/// <summary>A theory that needs what <see cref="FixedCameraFactAttribute"/> needs.</summary>
public sealed class FixedCameraTheoryAttribute : TheoryAttribute
{
    public FixedCameraTheoryAttribute()
    {
        if (!Fixtures.Available) Skip = Fixtures.Missing;
        else if (!Fixtures.ModelsAvailable) Skip = Fixtures.MissingModels;
        else if (Ffmpeg.Path is null) Skip = "ffmpeg is not installed (build.ps1 deps installs it): the fixed-camera video cannot be made";
    }
}

/// <summary>
/// Issue 25, point 9: on a fixed camera where little happens, the default gated pipeline
/// (Split-VideoClip -Length 64 | ConvertTo-FrameBatch -SkipStatic | Invoke-FrameDetection |
/// Add-DetectionTrack | ConvertTo-DetectionEvent, run here through the same engine with the cmdlets'
/// defaults) still gives an event for every burst of people. Two minutes of vtest.avi's background
/// with sensor noise and three one-second bursts, shorter than -MaxSkip and placed one frame after a
/// clip boundary, mid-clip and across a boundary, so that only the gate's motion test can find the
/// first two; a control run with a gate blind to motion must lose a burst, which shows the test can fail.
/// </summary>
public class FixedCameraGateTests
{
    private const int BurstFrames = 10;

    private static (string Path, IReadOnlyList<FixedCameraVideo.Burst> Bursts) Video()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vd-fixed-camera-2min-3x{BurstFrames}.mp4");
        var bursts = FixedCameraVideo.Make(Fixtures.Video("vtest.avi"), path, minutes: 2, bursts: 3, burstFrames: BurstFrames, ffmpeg: Ffmpeg.Path!);
        return (path, bursts);
    }

    /// <summary>The person events of the gated engine, and how many frames were inferred.</summary>
    private static (List<DetectionEvent> Events, int Inferred) Run(string path, MotionGateOptions gate)
    {
        var model = ModelCache.Load(Path.Combine(Fixtures.SharedDirectory!, "models", "yolox_nano.onnx"), new ModelOptions { Provider = ExecutionProvider.Cpu });
        var clips = ClipPlanner.Plan(VideoProbe.Probe(path), new ClipOptions { Length = VideoPosition.FromFrames(64) });
        var tracker = new TrackAssigner();
        var folder = new EventFolder(new EventOptions());
        var events = new List<DetectionEvent>();
        int inferred = 0;
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = 8, Preprocess = model.Preprocessing, SkipStatic = gate });
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        while (batcher.Read() is { } e)
        {
            if (e is not BatchReady ready) continue;
            inferred += ready.Batch.Count;
            foreach (var frame in HeldFrames.Expand(ready.Batch, Detector.Run(model, ready.Batch, new DetectionOptions())))
                events.AddRange(folder.Add(tracker.Process(frame)));
            ready.Batch.Dispose();
        }
        events.AddRange(folder.Complete());
        return (events.Where(x => x.Label == "person").ToList(), inferred);
    }

    private static bool Caught(FixedCameraVideo.Burst burst, List<DetectionEvent> events) =>
        events.Any(e => e.StartFrame < burst.End && e.EndFrame >= burst.First);

    [FixedCameraFact]
    public void EveryBurst_GivesAnEvent_WithTheDefaultGate()
    {
        var (path, bursts) = Video();
        Assert.Equal(1, bursts[0].First % 64);                       // one frame after a clip boundary
        Assert.True(bursts[2].First / 64 != (bursts[2].End - 1) / 64); // across a boundary
        var (events, inferred) = Run(path, new MotionGateOptions());
        foreach (var b in bursts) Assert.True(Caught(b, events), $"no person event for the burst at frames {b.First}..{b.End - 1}; events: {string.Join(", ", events.Select(x => $"{x.StartFrame}..{x.EndFrame}"))}");
        Assert.InRange(inferred, bursts.Count * BurstFrames / 2, 1200 / 4); // most of the still video held

        // The control: a gate that never sees motion (only clip starts and -MaxSkip) loses a burst.
        var (blind, _) = Run(path, new MotionGateOptions { Threshold = 1 });
        Assert.Contains(bursts, b => !Caught(b, blind));
    }
}
