using System.Diagnostics;
using VideoDetect.Batching;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;

/// <summary>
/// 7: what Add-DetectionTrack (object filters + the default tracker + look-ahead linking, all at their
/// defaults) and ConvertTo-DetectionEvent cost against the end-to-end time of the frames they process
/// (engine: decode + preprocess + inference + NMS, batch 8), measured in the same run; the appearance
/// descriptor (Invoke-FrameDetection's colour histogram, computed while the batch holds its pixels)
/// timed apart. Two passes over the same frames, interleaved: the pipeline without Add-DetectionTrack
/// (detect + descriptors) and with it (each batch's frames filtered, tracked and linked as they come,
/// as the cmdlet does); the stages are timed inside both. Detections at confidence 0.1, so the tracker
/// sees the low-score detections it is built for.
/// </summary>
internal static class TrackingBench
{
    public static void Run(Setup setup, Results results, int frames = 400)
    {
        // A warm-up (JIT of the tracker, the descriptor and the session), then without, with, without, with.
        Pass(setup, 64, track: true);
        var without = new List<PassTimes>();
        var with = new List<PassTimes>();
        for (int round = 0; round < 2; round++)
        {
            without.Add(Pass(setup, frames, track: false));
            with.Add(Pass(setup, frames, track: true));
        }
        double endToEnd = Stats.Median(without.Select(p => p.Total).ToList());
        double withTrack = Stats.Median(with.Select(p => p.Total).ToList());
        double describe = Stats.Median(with.Concat(without).Select(p => p.Describe).ToList());
        double track = Stats.Median(with.Select(p => p.Track).ToList());
        int detections = with[0].Detections;
        string what = $"{with[0].Frames} frames of vtest.avi, {detections} detections";
        results.Add(new Figure { Section = "7 tracking", Name = $"end to end without Add-DetectionTrack (engine, batch 8, confidence 0.1, descriptors on), {what}", Value = endToEnd * 1000, Unit = "ms", Note = "median of 2 interleaved passes" });
        results.Add(new Figure
        {
            Section = "7 tracking", Name = "the same pipeline with Add-DetectionTrack (filters + OC-SORT + linking)", Value = withTrack * 1000, Unit = "ms",
            Baseline = "without", BaselineValue = endToEnd * 1000, Note = "whole-pass difference: within the machine's noise at these ratios; the stage timings below are the figure",
        });
        results.Add(new Figure
        {
            Section = "7 tracking", Name = $"Add-DetectionTrack's stages ({Trackers.Default}, object filters, -LinkWindow 4 s), timed inside the pass", Value = track * 1000, Unit = "ms",
            Baseline = "end to end (without)", BaselineValue = endToEnd * 1000, Goal = Target.AtMost(0.03), Note = $"{track * 1e6 / Math.Max(1, detections):0.0} µs per detection; median of 2",
        });
        results.Add(new Figure
        {
            Section = "7 tracking", Name = "appearance descriptor (colour histogram per detection, in Invoke-FrameDetection), timed inside the pass", Value = describe * 1000, Unit = "ms",
            Baseline = "end to end (without)", BaselineValue = endToEnd * 1000, Note = $"{describe * 1e6 / Math.Max(1, detections):0.0} µs per detection; median of 4",
        });
        results.Add(new Figure
        {
            Section = "7 tracking", Name = "tracker + appearance + linking + filters", Value = (track + describe) * 1000, Unit = "ms",
            Baseline = "end to end (without)", BaselineValue = endToEnd * 1000, Goal = Target.AtMost(0.03),
        });

        // ConvertTo-DetectionEvent over the tracked frames of the last pass.
        var events = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            var folder = new EventFolder(new EventOptions { Regions = new[] { new Region("Near", "0,300 768,300 768,576 0,576") }, Lines = new[] { new CrossingLine("Middle", "0,300 768,300") } });
            int n = 0;
            foreach (var f in with[^1].Output) n += folder.Add(f).Count;
            n += folder.Complete().Count;
            events.Add(clock.Elapsed.TotalSeconds);
        }
        results.Add(new Figure
        {
            Section = "7 tracking", Name = "ConvertTo-DetectionEvent's folder (a region and a line), same frames", Value = Stats.Median(events) * 1000, Unit = "ms",
            Baseline = "end to end (without)", BaselineValue = endToEnd * 1000, Note = "median of 5",
        });
    }

    private sealed record PassTimes(double Total, double Describe, double Track, int Frames, int Detections, List<FrameDetections> Output);

    // One pass: decode, preprocess, detect and describe each batch; with `track`, each batch's frames then go
    // through ObjectFilter + TrackAssigner + TrackLinker (Add-DetectionTrack's stage, defaults) at once.
    private static PassTimes Pass(Setup setup, int frames, bool track)
    {
        var total = Stopwatch.StartNew();
        var describe = new Stopwatch();
        var tracking = new Stopwatch();
        var filter = new ObjectFilter();
        var assigner = new TrackAssigner();
        var linker = new TrackLinker(new TrackLinkOptions());
        var output = new List<FrameDetections>();
        int count = 0, detections = 0;
        var clips = ClipPlanner.Plan(setup.Probed, new ClipOptions { Length = VideoPosition.FromFrames(64), End = VideoPosition.FromFrames(frames) });
        using (var batcher = new FrameBatcher(new BatchOptions { BatchSize = 8, Preprocess = setup.Model.Preprocessing }))
        {
            foreach (var c in clips) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e)
            {
                if (e is not BatchReady ready) continue;
                var found = Detector.Run(setup.Model, ready.Batch, new DetectionOptions { Confidence = 0.1f });
                describe.Start();
                Appearance.Describe(ready.Batch, found);
                describe.Stop();
                ready.Batch.Dispose();
                count += found.Length;
                detections += found.Sum(f => f.Detections.Length);
                if (!track) continue;
                tracking.Start();
                foreach (var f in found) output.AddRange(linker.Push(filter.Process(f, assigner.Process)));
                tracking.Stop();
            }
        }
        if (track)
        {
            tracking.Start();
            output.AddRange(linker.Complete());
            tracking.Stop();
        }
        return new PassTimes(total.Elapsed.TotalSeconds, describe.Elapsed.TotalSeconds, tracking.Elapsed.TotalSeconds, count, detections, output);
    }
}
