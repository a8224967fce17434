using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;
using static VideoDetect.Tests.Tracking.ByteTrackerTests;

namespace VideoDetect.Tests.Events;

public class EventFolderTests
{
    private static FrameDetections Frame(long index, bool tracked = false, string path = "a.avi", params Detection[] dets)
    {
        var f = new FrameDetections { Path = path, FrameIndex = index, Timestamp = TimeSpan.FromMilliseconds(100 * index), Detections = dets };
        if (tracked) f.Extras = new() { [TrackAssigner.TrackedExtra] = "ByteTrack" };
        return f;
    }

    private static List<DetectionEvent> Fold(EventOptions options, IEnumerable<FrameDetections> frames)
    {
        var folder = new EventFolder(options);
        var events = new List<DetectionEvent>();
        foreach (var f in frames) events.AddRange(folder.Add(f));
        events.AddRange(folder.Complete());
        return events;
    }

    /// <summary>A person in frames 10..29 except the <paramref name="missing"/> frames from 20; a car in 40..41.</summary>
    private static IEnumerable<FrameDetections> Presence(int missing)
    {
        for (int f = 0; f < 50; f++)
        {
            var dets = new List<Detection>();
            if (f is >= 10 and < 30 && !(f >= 20 && f < 20 + missing)) dets.Add(Det(100, 100, score: f == 15 ? 0.95f : 0.8f, frame: f));
            if (f is 40 or 41) dets.Add(Det(300, 300, label: "car", classId: 2, frame: f));
            yield return Frame(f, dets: dets.ToArray());
        }
    }

    [Fact]
    public void Untracked_frames_give_one_event_per_label_and_MaxGap_bridges_short_misses()
    {
        var events = Fold(new EventOptions(), Presence(missing: 5));   // 5 frames = 0.5 s: bridged
        Assert.Equal(2, events.Count);
        var person = events[0];
        Assert.Equal(("person", 10L, 29L, 15, 0.95f, 15L), (person.Label, person.StartFrame, person.EndFrame, person.FrameCount, person.MaxConfidence, person.PeakFrame));
        Assert.Equal(TimeSpan.FromSeconds(1.9), person.Duration);
        Assert.Null(person.TrackId);
        Assert.Equal(("car", 40L, 41L), (events[1].Label, events[1].StartFrame, events[1].EndFrame));

        var split = Fold(new EventOptions(), Presence(missing: 6));
        Assert.Equal(new[] { (10L, 19L), (26L, 29L), (40L, 41L) }, split.Select(e => (e.StartFrame, e.EndFrame)));
        var inFrames = Fold(new EventOptions { MaxGap = VideoPosition.FromFrames(6) }, Presence(missing: 6));
        Assert.Equal(2, inFrames.Count);
    }

    [Fact]
    public void MinDuration_Class_and_MinConfidence_filter()
    {
        var events = Fold(new EventOptions { MinDuration = VideoPosition.FromSeconds(0.5) }, Presence(5));
        Assert.Equal("person", Assert.Single(events).Label);
        Assert.Equal("car", Assert.Single(Fold(new EventOptions { Classes = new[] { "CAR" } }, Presence(5))).Label);
        Assert.Equal(new[] { ("person", 15L, 15L), ("car", 40L, 41L) },
            Fold(new EventOptions { MinConfidence = 0.85f }, Presence(5)).Select(e => (e.Label, e.StartFrame, e.EndFrame)));
        Assert.Single(Fold(new EventOptions { MinDuration = VideoPosition.FromFrames(3) }, Presence(5)));
    }

    [Fact]
    public void Tracked_frames_give_one_event_per_track_and_skip_unconfirmed_detections()
    {
        var frames = Enumerable.Range(0, 20).Select(f =>
        {
            var a = Det(10, 10, frame: f); a.TrackId = 1;
            var b = Det(300, 10, frame: f); b.TrackId = f < 10 ? 2 : 3;
            var tentative = Det(500, 10, frame: f);
            return Frame(f, tracked: true, dets: new[] { a, b, tentative });
        }).ToList();
        var events = Fold(new EventOptions(), frames);
        Assert.Equal(new (int?, long, long)[] { (1, 0, 19), (2, 0, 9), (3, 10, 19) }, events.OrderBy(e => e.TrackId).Select(e => (e.TrackId, e.StartFrame, e.EndFrame)));
    }

    [Fact]
    public void Regions_use_the_bottom_centre_and_give_events_per_region()
    {
        var dock = new Region("Dock", "100,200 300,200 300,400 100,400");
        Assert.True(dock.Contains(200, 300));
        Assert.False(dock.Contains(50, 300));
        // Box 180..220 × 120..220: its centre (200,170) is outside the dock, its feet (200,220) inside.
        var frames = Enumerable.Range(0, 5).Select(f => Frame(f, dets: new[] { Det(180, 120, frame: f, h: 100), Det(500, 500, frame: f) }));
        var e = Assert.Single(Fold(new EventOptions { Regions = new[] { dock, new Region("Far", "600,0 700,0 700,50") } }, frames));
        Assert.Equal(("Dock", 0L, 4L), (e.Region, e.StartFrame, e.EndFrame));
        Assert.Equal(ErrorIds.InvalidRegion, Assert.Throws<InvalidRegionException>(() => new Region("Bad", "1,2 3,4")).ErrorId);
        Assert.Throws<InvalidRegionException>(() => new Region("Bad", "1,2 3;4 5,6"));
        Assert.Throws<InvalidRegionException>(() => new CrossingLine("Gate", "0,300 0,300"));
    }

    [Fact]
    public void Line_crossings_count_once_per_direction_with_hysteresis_against_flicker()
    {
        var gate = new CrossingLine("Gate", "0,300 768,300");
        Assert.Equal(1, gate.Side(10, 310));    // below a left-to-right line: its right-hand side on screen
        // Feet (bottom) per frame: above the line, one frame of jitter below, back above; then down
        // for good (In); then up for good (Out). Crossing frames = 3.
        double[] feet = { 280, 290, 305, 295, 290, 310, 320, 330, 340, 350, 290, 280, 270, 260 };
        var frames = feet.Select((y, f) => { var d = Det(100, y - 100, frame: f); d.TrackId = 7; return Frame(f, tracked: true, dets: new[] { d }); }).ToList();
        var events = Fold(new EventOptions { Lines = new[] { gate } }, frames);
        Assert.All(events, e => Assert.Equal(DetectionEvent.Crossing, e.Kind));
        Assert.Equal(new[] { ("In", 5L, 7L), ("Out", 10L, 12L) }, events.Select(e => (e.Direction!, e.StartFrame, e.EndFrame)));
        Assert.All(events, e => Assert.Equal((7, "Gate"), (e.TrackId!.Value, e.Line!)));
        // Past the segment's end nothing counts.
        var beside = feet.Select((y, f) => { var d = Det(900, y - 100, frame: f); d.TrackId = 7; return Frame(f, tracked: true, dets: new[] { d }); });
        Assert.Empty(Fold(new EventOptions { Lines = new[] { gate } }, beside));
    }

    [Fact]
    public void A_new_source_closes_the_open_events_and_memory_stays_flat_over_16000_frames()
    {
        var folder = new EventFolder(new EventOptions());
        var events = new List<DetectionEvent>();
        int maxOpen = 0;
        for (int f = 0; f < 15995; f++)
        {
            // Object k is present for 30 frames from 40k (new label per k: the worst case for open state).
            var dets = f % 40 < 30 ? new[] { Det(10, 10, label: $"thing{f / 40}", classId: f / 40, frame: f) } : Array.Empty<Detection>();
            events.AddRange(folder.Add(Frame(f, dets: dets)));
            maxOpen = Math.Max(maxOpen, folder.OpenCount);
        }
        Assert.Equal(399, events.Count);     // all but the last closed while streaming
        Assert.InRange(maxOpen, 1, 2);
        events.AddRange(folder.Add(Frame(0, path: "b.avi")));
        Assert.Equal(400, events.Count);
        Assert.Empty(folder.Complete());
    }

    [Fact]
    public void EmitOpen_returns_a_snapshot_when_an_event_has_lasted_MinDuration_and_the_closed_event_later()
    {
        var options = new EventOptions { MinDuration = VideoPosition.FromFrames(5), EmitOpen = true };
        var events = Fold(options, Presence(missing: 0));
        // The person opens at frame 14 (10..14 = 5 frames) and closes at 29; the car (2 frames) never counts, so never opens.
        Assert.Equal(new[] { (true, 10L, 14L), (false, 10L, 29L) }, events.Select(e => (e.IsOpen, e.StartFrame, e.EndFrame)));
        Assert.NotSame(events[0], events[1]);
        Assert.Equal(("person", 5), (events[0].Label, events[0].FrameCount));

        var without = Fold(options with { EmitOpen = false }, Presence(missing: 0));
        Assert.DoesNotContain(without, e => e.IsOpen);
        Assert.Equal(new[] { (10L, 29L) }, without.Select(e => (e.StartFrame, e.EndFrame)));
    }
}
