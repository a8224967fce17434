using OpenCvSharp;
using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Export;

public class RegionOverlayTests
{
    // Across the synthetic video's lower half; "In" is below it (the right-hand side of left→right, y down).
    private static readonly CrossingLine Gate = new("Gate", "0,150 320,150");
    private static readonly Region Dock = new("Dock", "40,60 280,60 280,230 40,230");

    /// <summary>
    /// 40 tracked frames of <paramref name="path"/>: track 1 walks down across the gate (In), track 2 up
    /// (Out), track 3 stands on it with one frame's jitter across (no crossing: hysteresis), track 4 goes
    /// down and comes back (In, then Out). Boxes 20×40; the anchor is the bottom-centre.
    /// </summary>
    internal static List<FrameDetections> Scene(string path)
    {
        var frames = new List<FrameDetections>();
        for (int f = 0; f < 40; f++)
        {
            Detection Box(int track, double x, double anchorY) => new()
            {
                Path = path, FrameIndex = f, Label = "person", Confidence = 0.9f, TrackId = track, X = x, Y = anchorY - 40, Width = 20, Height = 40,
            };
            var dets = new[]
            {
                Box(1, 60, 100 + 3 * f),
                Box(2, 120, 220 - 3 * f),
                Box(3, 180, f == 10 ? 153 : 147),
                Box(4, 240, f < 20 ? 120 + 3 * f : 180 - 3 * (f - 20)),
            };
            frames.Add(new FrameDetections
            {
                Path = path, FrameIndex = f, Timestamp = TimeSpan.FromMilliseconds(40 * f), SourceWidth = 320, SourceHeight = 240, Detections = dets,
                Extras = new() { [TrackAssigner.TrackedExtra] = "ByteTrack" },
            });
        }
        return frames;
    }

    /// <summary>What ConvertTo-DetectionEvent gives for the frames: its crossing events.</summary>
    private static List<DetectionEvent> Crossings(EventOptions options, IEnumerable<FrameDetections> frames)
    {
        var folder = new EventFolder(options);
        var events = frames.SelectMany(folder.Add).ToList();
        events.AddRange(folder.Complete());
        return events.Where(e => e.Kind == DetectionEvent.Crossing).ToList();
    }

    [Fact]
    public void LiveCountsAreTheCrossingEventsCompletedSoFar()
    {
        var options = new EventOptions { Lines = new[] { Gate }, Regions = new[] { Dock } };
        var frames = Scene("a.avi");
        var crossings = Crossings(options, frames);
        Assert.Equal(4, crossings.Count); // 1 In, 2 Out, 4 In and Out; 3's jitter is no crossing

        var overlay = new RegionOverlay(options, 320, 240);
        Assert.Equal("Gate in 0 out 0", overlay.CountText("Gate"));
        foreach (var frame in frames)
        {
            overlay.Observe(frame);
            var sofar = crossings.Where(e => e.EndFrame <= frame.FrameIndex).ToList();
            Assert.Equal((sofar.Count(e => e.Direction == "In"), sofar.Count(e => e.Direction == "Out")), overlay.Counts["Gate"]);
        }
        overlay.Complete();
        Assert.Equal((2, 2), overlay.Counts["Gate"]);
        Assert.Equal("Gate in 2 out 2", overlay.CountText("Gate"));

        // The crossing rule is ConvertTo-DetectionEvent's, options and all: a longer hysteresis counts what it counts.
        var strict = options with { CrossingFrames = 25 };
        var counted = new RegionOverlay(strict, 320, 240);
        frames.ForEach(counted.Observe);
        var events = Crossings(strict, frames);
        Assert.Equal((events.Count(e => e.Direction == "In"), events.Count(e => e.Direction == "Out")), counted.Counts["Gate"]);
        Assert.NotEqual((2, 2), counted.Counts["Gate"]);
    }

    [Fact]
    public void RegionsAndLinesAreDrawnWhereTheyAre()
    {
        var overlay = new RegionOverlay(new EventOptions { Lines = new[] { Gate }, Regions = new[] { Dock } }, 320, 240);
        using var frame = new Mat(240, 320, MatType.CV_8UC3, Scalar.Black);
        overlay.Draw(frame);
        Assert.Equal(new Vec3b(255, 255, 0), frame.At<Vec3b>(150 - 40, 280)); // Dock's right edge, above the line
        Assert.Equal(new Vec3b(255, 255, 0), frame.At<Vec3b>(60, 200));       // its top edge
        Assert.Equal(new Vec3b(0, 255, 255), frame.At<Vec3b>(150, 300));      // the line
        Assert.Equal(new Vec3b(0, 0, 0), frame.At<Vec3b>(100, 160));          // inside: nothing
        // The "In" tick points below the line (the right-hand side of left→right on screen).
        Assert.Equal(new Vec3b(0, 255, 255), frame.At<Vec3b>(154, 160));
        Assert.Equal(new Vec3b(0, 0, 0), frame.At<Vec3b>(146, 160));

        // A snapshot draws only its event's shapes.
        using var only = new Mat(240, 320, MatType.CV_8UC3, Scalar.Black);
        overlay.DrawOnly(only, "Dock", null);
        Assert.Equal(new Vec3b(255, 255, 0), only.At<Vec3b>(110, 280));
        Assert.Equal(new Vec3b(0, 0, 0), only.At<Vec3b>(150, 300));
    }

    [Fact]
    public void TheAnnotatedVideoShowsTheShapesAndEndsWithTheCrossingEventsCounts()
    {
        using var dir = new TempDir();
        string path = dir.File("source.avi");
        SyntheticVideo.Write(path, 40, "MJPG", 25);
        var source = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var options = new EventOptions { Lines = new[] { Gate }, Regions = new[] { Dock } };
        var frames = Scene(source.Info.Path);
        string target = dir.File("out.avi");
        using (var writer = new AnnotatedVideoWriter(source, target, new EncoderChoice(VideoCodec.Mjpg, null), new AnnotationOptions { Overlay = options }))
        {
            frames.ForEach(writer.Add);
            writer.Commit();
            var crossings = Crossings(options, frames);
            Assert.Equal((crossings.Count(e => e.Direction == "In"), crossings.Count(e => e.Direction == "Out")), writer.Overlay!.Counts["Gate"]);
            Assert.Equal("Gate in 2 out 2", writer.Overlay.CountText("Gate"));
        }
        using var cap = new VideoCapture(target, VideoCaptureAPIs.FFMPEG);
        using var first = new Mat();
        Assert.True(cap.Read(first));
        using var plain = new Mat(240, 320, MatType.CV_8UC3);
        SyntheticVideo.Draw(plain, 0);
        double Drawn(Rect r)
        {
            using var diff = new Mat();
            Cv2.Absdiff(first[r], plain[r], diff);
            var m = Cv2.Mean(diff);
            return (m.Val0 + m.Val1 + m.Val2) / 3;
        }
        Assert.InRange(Drawn(new Rect(290, 148, 30, 5)), 25, 255); // the line, right of the boxes
        Assert.InRange(Drawn(new Rect(279, 180, 3, 40)), 25, 255); // Dock's right edge
        Assert.InRange(Drawn(new Rect(290, 180, 25, 40)), 0, 10);  // beside it, the frame
    }
}
