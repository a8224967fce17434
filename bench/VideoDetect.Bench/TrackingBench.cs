using System.Diagnostics;
using VideoDetect.Batching;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;

/// <summary>
/// 7: what Add-DetectionTrack and ConvertTo-DetectionEvent cost against the end-to-end time of the
/// frames they process (engine: decode + preprocess + inference + NMS, batch 8), measured in the same
/// run. Detections at confidence 0.1, so the tracker sees the low-score detections it is built for.
/// </summary>
internal static class TrackingBench
{
    public static void Run(Setup setup, Results results, int frames = 400)
    {
        var clock = Stopwatch.StartNew();
        var detected = Detect(setup, frames);
        double endToEnd = clock.Elapsed.TotalSeconds;
        int detections = detected.Sum(f => f.Count);

        var tracking = new List<double>();
        var events = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            clock.Restart();
            var tracker = new TrackAssigner();
            foreach (var f in detected) tracker.Process(f);
            tracking.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            var folder = new EventFolder(new EventOptions { Regions = new[] { new Region("Near", "0,300 768,300 768,576 0,576") }, Lines = new[] { new CrossingLine("Middle", "0,300 768,300") } });
            int n = 0;
            foreach (var f in detected) n += folder.Add(f).Count;
            n += folder.Complete().Count;
            events.Add(clock.Elapsed.TotalSeconds);
        }
        double track = Stats.Median(tracking), fold = Stats.Median(events);
        string what = $"{detected.Count} frames of vtest.avi, {detections} detections";
        results.Add(new Figure { Section = "7 tracking", Name = $"end to end (engine, batch 8, confidence 0.1), {what}", Value = endToEnd * 1000, Unit = "ms" });
        results.Add(new Figure
        {
            Section = "7 tracking", Name = "Add-DetectionTrack's tracker (ByteTrack), same frames", Value = track * 1000, Unit = "ms",
            Baseline = "end to end (engine)", BaselineValue = endToEnd * 1000, Goal = Target.AtMost(0.03), Note = $"{track * 1e6 / Math.Max(1, detections):0.0} µs per detection; median of 5",
        });
        results.Add(new Figure
        {
            Section = "7 tracking", Name = "ConvertTo-DetectionEvent's folder (a region and a line), same frames", Value = fold * 1000, Unit = "ms",
            Baseline = "end to end (engine)", BaselineValue = endToEnd * 1000, Note = "median of 5",
        });
    }

    private static List<FrameDetections> Detect(Setup setup, int frames)
    {
        var clips = ClipPlanner.Plan(setup.Probed, new ClipOptions { Length = VideoPosition.FromFrames(64), End = VideoPosition.FromFrames(frames) });
        var result = new List<FrameDetections>();
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = 8, Preprocess = setup.Model.Preprocessing });
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        while (batcher.Read() is { } e)
        {
            if (e is not BatchReady ready) continue;
            result.AddRange(Detector.Run(setup.Model, ready.Batch, new DetectionOptions { Confidence = 0.1f }));
            ready.Batch.Dispose();
        }
        return result;
    }

}
