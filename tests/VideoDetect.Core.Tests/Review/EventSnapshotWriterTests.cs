using OpenCvSharp;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Results;
using VideoDetect.Review;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Review;

public class EventSnapshotWriterTests
{
    // Below the frame-number blocks (rows 8..28), so the index stays readable in the snapshot.
    private const double BoxX = 150, BoxY = 120, BoxW = 70, BoxH = 60;

    private static (string Path, VideoIndex Index) Synthetic(TempDir dir, string name = "cam1.avi", int frames = 60)
    {
        string path = dir.File(name);
        SyntheticVideo.Write(path, frames, "MJPG", 25);
        return (path, VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) }).Index);
    }

    /// <summary>A tracked person event peaking at <paramref name="peak"/>, its times those of the source's exact index.</summary>
    private static DetectionEvent Event(string path, VideoIndex index, long start, long peak, int? track = 3, string? region = null) => new()
    {
        Path = path, Label = "person", ClassId = 0, TrackId = track, Region = region, StartFrame = start, EndFrame = peak + 5,
        StartTime = index.TimeOf(start), EndTime = index.TimeOf(peak + 5), FrameCount = (int)(peak + 6 - start), MaxConfidence = 0.91f,
        PeakFrame = peak, X = BoxX, Y = BoxY, Width = BoxW, Height = BoxH,
    };

    private static SnapshotOptions Options(bool crop = false, bool overwrite = false, EventOptions? shapes = null) =>
        new() { Crop = crop, Overwrite = overwrite, Shapes = shapes, Probe = new ProbeOptions { Cache = new VideoIndexCache(null) } };

    /// <summary>Mean absolute difference (all channels) between <paramref name="a"/> in <paramref name="ra"/> and <paramref name="b"/> in <paramref name="rb"/>.</summary>
    private static double Diff(Mat a, Rect ra, Mat b, Rect rb)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a[ra], b[rb], diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }

    /// <summary>The synthetic source's frame <paramref name="index"/>, as written (before compression).</summary>
    private static Mat SourceFrame(int index)
    {
        var m = new Mat(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
        SyntheticVideo.Draw(m, index);
        return m;
    }

    /// <summary>How much was drawn over the source frame in <paramref name="r"/> (JPEG and MJPG cost a few levels; a drawn 1-pixel line in a 3-pixel strip far more).</summary>
    private static double Drawn(Mat snapshot, int frame, Rect r)
    {
        using var source = SourceFrame(frame);
        return Diff(snapshot, r, source, r);
    }

    [Fact]
    public void EachSnapshotIsTheEventsPeakFrameExactlyWithItsBoxDrawnInOneDecodePass()
    {
        using var dir = new TempDir();
        var (path, index) = Synthetic(dir);
        // Out of order, two events on one frame, two events of one track.
        var events = new[] { Event(path, index, 30, 40), Event(path, index, 2, 7), Event(path, index, 10, 13, track: 4), Event(path, index, 12, 13), Event(path, index, 50, 55) };
        var writer = new EventSnapshotWriter(dir.File("snaps"), Options());
        var results = writer.Write(events);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(events.Length, results.Select(r => r.Written).Distinct().Count());
        for (int i = 0; i < events.Length; i++)
        {
            Assert.Same(events[i], results[i].Event);
            Assert.Equal(results[i].Written, results[i].Output.SnapshotPath);
            Assert.Null(events[i].SnapshotPath); // the input is not edited
            using var jpeg = Cv2.ImRead(results[i].Written!);
            Assert.Equal((SyntheticVideo.Width, SyntheticVideo.Height), (jpeg.Cols, jpeg.Rows));
            Assert.Equal(events[i].PeakFrame, SyntheticVideo.ReadIndex(jpeg));
            // The box's left edge, half-way down, in the track's colour.
            Assert.InRange(Drawn(jpeg, (int)events[i].PeakFrame, new Rect((int)BoxX - 1, (int)BoxY + 10, 3, 40)), 25, 255); // the box's left edge
            Assert.InRange(Drawn(jpeg, (int)events[i].PeakFrame, new Rect((int)BoxX + 20, (int)BoxY + 20, 30, 30)), 0, 8);  // inside it, the frame
        }
        // One forward pass to frame 55: no seek, no frame decoded twice.
        Assert.Equal(0, writer.Seeks);
        Assert.Equal(56, writer.FramesDecoded);
        Assert.Empty(Directory.GetFiles(dir.File("snaps"), ".*")); // no temporary file left
    }

    [Fact]
    public void NamesAreDeterministicAndUniquePerEvent()
    {
        var e = new DetectionEvent { Path = "/v/cam1.mp4", Label = "traffic light", TrackId = 12, StartFrame = 120 };
        Assert.Equal("cam1.traffic_light-12.000120.jpg", SnapshotNames.For(e));
        Assert.Equal("cam1.traffic_light-12.000120.crop.jpg", SnapshotNames.For(e, crop: true));
        Assert.Equal("cam1.car-n.1234567.Dock.jpg", SnapshotNames.For(new DetectionEvent { Path = "cam1.avi", Label = "car", StartFrame = 1234567, Region = "Dock" }));
        var crossing = new DetectionEvent { Kind = DetectionEvent.Crossing, Path = "cam1.avi", Label = "person", TrackId = 3, StartFrame = 88, Line = "Gate/1", Direction = "In" };
        Assert.Equal("cam1.person-3.000088.Gate_1-In.jpg", SnapshotNames.For(crossing));
        // The same track later, and on the same frame in another region: other names.
        Assert.NotEqual(SnapshotNames.For(e), SnapshotNames.For(e with { StartFrame = 300 }));
        Assert.NotEqual(SnapshotNames.For(e with { Region = "A" }), SnapshotNames.For(e with { Region = "B" }));
        Assert.Equal("cam_img_src_x_onerror_alert_1__", SnapshotNames.Safe("cam<img src=x onerror=alert(1)>"));
    }

    [Fact]
    public void CropIsTheBoxWithItsMarginCutToTheFrame()
    {
        using var dir = new TempDir();
        var (path, index) = Synthetic(dir);
        var e = Event(path, index, 20, 21);
        var result = Assert.Single(new EventSnapshotWriter(dir.Path, Options(crop: true) with { Margin = 0.5 }).Write(new[] { e }));
        Assert.EndsWith(".crop.jpg", result.Written);
        using var crop = Cv2.ImRead(result.Written!);
        Assert.Equal(new Rect(115, 90, 140, 120), EventSnapshotWriter.CropOf(e, SyntheticVideo.Width, SyntheticVideo.Height, 0.5));
        Assert.Equal((140, 120), (crop.Cols, crop.Rows));
        // The inside of the box is the source frame's pixels there.
        using var source = SourceFrame(21);
        Assert.InRange(Diff(crop, new Rect(50, 45, 30, 30), source, new Rect(165, 135, 30, 30)), 0, 8);
        Assert.InRange(Diff(crop, new Rect(34, 40, 3, 40), source, new Rect(149, 130, 3, 40)), 25, 255); // the box's edge is drawn
        Assert.InRange(Diff(crop, new Rect(40, 16, 30, 10), source, new Rect(155, 106, 30, 10)), 25, 255); // its label, above it, inside the crop
        // Near the frame's corner the crop is cut to the frame.
        Assert.Equal(new Rect(0, 0, 45, 25), EventSnapshotWriter.CropOf(new DetectionEvent { X = 5, Y = 5, Width = 20, Height = 10, }, 320, 240, 1));
    }

    [Fact]
    public void AnEventWhoseSourceIsGoneOrChangedFailsAloneTheOthersAreWritten()
    {
        using var dir = new TempDir();
        var (path, index) = Synthetic(dir);
        var gone = Event(dir.File("gone.avi"), index, 1, 2);
        var pastTheEnd = Event(path, index, 50, 54) with { PeakFrame = 80 };
        var otherTimes = Event(path, index, 10, 12) with { StartTime = TimeSpan.FromSeconds(3) };
        var good = Event(path, index, 30, 33);
        var results = new EventSnapshotWriter(dir.File("snaps"), Options()).Write(new[] { gone, pastTheEnd, otherTimes, good });

        Assert.All(results.Take(3), r => Assert.Equal(ErrorIds.SourceUnavailable, Assert.IsType<SourceUnavailableException>(r.Error).ErrorId));
        Assert.Contains("gone.avi", results[0].Error!.Message);
        Assert.Contains("person #3", results[1].Error!.Message);
        Assert.Contains("changed", results[2].Error!.Message);
        Assert.All(results.Take(3), r => Assert.Null(r.Written));
        Assert.Equal(33, SyntheticVideo.ReadIndex(Cv2.ImRead(results[3].Written!)));
    }

    [Fact]
    public void AReplacedSourceFailsTheEventsItNoLongerHolds()
    {
        using var dir = new TempDir();
        var (path, index) = Synthetic(dir);
        var early = Event(path, index, 4, 5);     // frame 4 of a 10 frames/s file is at 0.4 s, not 0.16 s
        var late = Event(path, index, 40, 50);    // past the end of 30 frames
        File.Delete(path);
        SyntheticVideo.Write(path, 30, "MJPG", 10);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var results = new EventSnapshotWriter(dir.File("snaps"), Options()).Write(new[] { early, late });
        Assert.All(results, r => Assert.IsType<SourceUnavailableException>(r.Error));
        Assert.All(results, r => Assert.Contains("changed", r.Error!.Message));
        Assert.Empty(Directory.GetFiles(dir.File("snaps")));
    }

    [Fact]
    public void AnExistingSnapshotIsOutputExistsUnlessOverwriteAndRefusedOnesAreNotDecoded()
    {
        using var dir = new TempDir();
        var (path, index) = Synthetic(dir);
        var e = Event(path, index, 5, 9);
        var first = Assert.Single(new EventSnapshotWriter(dir.Path, Options()).Write(new[] { e }));
        var again = new EventSnapshotWriter(dir.Path, Options());
        var exists = Assert.Single(again.Write(new[] { e }));
        Assert.IsType<OutputExistsException>(exists.Error);
        Assert.Equal(0, again.FramesDecoded);
        Assert.Equal(first.Written, Assert.Single(new EventSnapshotWriter(dir.Path, Options(overwrite: true)).Write(new[] { e })).Written);

        var declined = new EventSnapshotWriter(dir.File("other"), Options());
        var skipped = Assert.Single(declined.Write(new[] { e }, (_, _) => false));
        Assert.Null(skipped.Written);
        Assert.Null(skipped.Error);
        Assert.Same(e, skipped.Output);
        Assert.Equal(0, declined.FramesDecoded);
        Assert.False(Directory.Exists(dir.File("other")));
    }

    [Fact]
    public void KilledWritersTemporaryFilesAreSweptAndTheEventsRegionIsDrawn()
    {
        using var dir = new TempDir();
        var (path, index) = Synthetic(dir);
        string orphan = dir.File("snaps/.cam1.person-3.000005.0123abcd.tmp.jpg");
        Directory.CreateDirectory(dir.File("snaps"));
        File.WriteAllText(orphan, "left by a killed writer");
        var shapes = new EventOptions
        {
            Regions = new[] { new Region("Dock", "60,60 300,60 300,230 60,230"), new Region("Other", "10,200 50,200 50,230") },
            Lines = new[] { new CrossingLine("Gate", "0,100 320,100") },
        };
        var writer = new EventSnapshotWriter(dir.File("snaps"), Options(shapes: shapes));
        var result = Assert.Single(writer.Write(new[] { Event(path, index, 5, 6, region: "Dock") }));
        Assert.Equal(orphan, Assert.Single(writer.RemovedOrphans));
        Assert.False(File.Exists(orphan));
        Assert.EndsWith("cam1.person-3.000005.Dock.jpg", result.Written);
        using var jpeg = Cv2.ImRead(result.Written!);
        Assert.InRange(Drawn(jpeg, 6, new Rect(299, 100, 3, 100)), 25, 255); // the event's region's right edge
        Assert.InRange(Drawn(jpeg, 6, new Rect(20, 212, 20, 16)), 0, 8);     // not another region
        Assert.InRange(Drawn(jpeg, 6, new Rect(240, 99, 40, 3)), 0, 8);      // nor a line it did not cross
    }
}
