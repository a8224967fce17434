using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Video;
using Xunit;
using static VideoDetect.Tests.Events.ObjectScene;

namespace VideoDetect.Tests.Events;

public class StationaryTests
{
    [Fact]
    public void A_still_object_is_marked_after_StationaryAfter_from_its_first_frame_and_makes_no_event_unless_asked()
    {
        // A sign standing 40 s, boxes jittering ±2 px and missed one frame in ten; a walker passing in front of it.
        var scene = new ObjectScene(7)
            .Add(0, 400, Still(100, 200), w: 24, h: 60, miss: 0.1)
            .Add(50, 60, Walk(50, 0, 180, 8));
        var frames = Track(scene.Frames());
        var sign = Near(frames, 100, 200, 10).Where(d => d.TrackId is not null).ToList();
        Assert.Single(sign.Select(d => d.TrackId).Distinct());
        Assert.All(sign.Where(d => d.FrameIndex < 95), d => Assert.False(d.Stationary));
        Assert.All(sign.Where(d => d.FrameIndex >= 101), d => Assert.True(d.Stationary));
        Assert.All(sign.Where(d => d.Stationary), d => Assert.Equal(sign[0].FrameIndex, d.StationarySince));
        Assert.DoesNotContain(frames.SelectMany(f => f.Detections), d => d.Stationary && d.Y < 190);   // the walker

        var events = Fold(frames);
        var walker = Assert.Single(events);
        Assert.False(walker.Stationary);
        Assert.InRange(walker.StartFrame, 50, 53);

        var all = Fold(frames, new EventOptions { IncludeStationary = true });
        Assert.Equal(2, all.Count);
        var still = Assert.Single(all, e => e.Stationary);
        Assert.Equal((sign[0].FrameIndex, sign[^1].FrameIndex), (still.StartFrame, still.EndFrame));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void A_person_who_stands_still_a_few_seconds_and_walks_on_stays_one_ordinary_track(int pauseSeconds)
    {
        int pause = pauseSeconds * Fps;
        var scene = new ObjectScene(pauseSeconds)
            .Add(0, 50, Walk(0, 20, 200, 6))
            .Add(50, pause, Still(320, 200))
            .Add(50 + pause, 50, Walk(50 + pause, 320, 200, 6));
        var frames = Track(scene.Frames());
        var dets = frames.SelectMany(f => f.Detections).ToList();
        Assert.All(dets, d => Assert.False(d.Stationary));
        Assert.Single(dets.Where(d => d.TrackId is not null).Select(d => d.TrackId).Distinct());
        var e = Assert.Single(Fold(frames));
        Assert.False(e.Stationary);
        Assert.Equal(dets.First(d => d.TrackId is not null).FrameIndex, e.StartFrame);
    }

    [Fact]
    public void A_person_who_pauses_on_a_busy_path_is_not_taken_for_a_still_thing_there()
    {
        // People walk the same line one after another every 1.5 s for 30 s (each box passes every point of
        // the path); the last of them stops 3 s halfway and walks on.
        var scene = new ObjectScene(13);
        for (int start = 0; start < 300; start += 15) scene.Add(start, 120, Walk(start, 0, 200, 6), miss: 0.02);
        scene.Add(300, 50, Walk(300, 0, 200, 6)).Add(350, 30, Still(300, 200)).Add(380, 60, Walk(380, 300, 200, 6));
        var frames = Track(scene.Frames());
        Assert.DoesNotContain(frames.SelectMany(f => f.Detections), d => d.Stationary);
        var pauser = Fold(frames).Where(e => e.StartFrame is >= 300 and <= 303).ToList();
        Assert.Single(pauser);
        Assert.InRange(pauser[0].EndFrame, 437, 439);
    }

    [Fact]
    public void A_person_who_waits_longer_than_StationaryAfter_is_marked_while_waiting_but_the_walk_keeps_the_event_ordinary()
    {
        var scene = new ObjectScene(3)
            .Add(0, 50, Walk(0, 20, 200, 6))
            .Add(50, 150, Still(320, 200))
            .Add(200, 50, Walk(200, 320, 200, 6));
        var frames = Track(scene.Frames());
        var dets = frames.SelectMany(f => f.Detections).ToList();
        Assert.Contains(dets, d => d.Stationary && d.FrameIndex is > 160 and < 195);
        Assert.All(dets.Where(d => d.FrameIndex is < 140 or > 210), d => Assert.False(d.Stationary));
        Assert.All(dets.Where(d => d.Stationary), d => Assert.InRange(d.StationarySince!.Value, 45, 60));
        var e = Assert.Single(Fold(frames));
        Assert.False(e.Stationary);
        Assert.Equal((0L, 249L), (e.StartFrame, e.EndFrame));
    }

    [Fact]
    public void A_parked_car_that_drives_off_ends_its_stationary_event_and_begins_a_moving_one()
    {
        var scene = new ObjectScene(5)
            .Add(0, 200, Still(400, 300), "car", 2, w: 120, h: 60)
            .Add(200, 40, Walk(200, 400, 300, 10), "car", 2, w: 120, h: 60);
        var frames = Track(scene.Frames());
        var events = Fold(frames, new EventOptions { IncludeStationary = true });
        Assert.Equal(2, events.Count);
        Assert.True(events[0].Stationary);
        Assert.False(events[1].Stationary);
        Assert.Equal(events[0].TrackId, events[1].TrackId);
        Assert.InRange(events[1].StartFrame, 200, 210);   // the median of the last five boxes must leave the parked box: a few frames
        var moving = Assert.Single(Fold(frames));
        Assert.Equal(events[1].StartFrame, moving.StartFrame);
    }

    [Fact]
    public void A_still_thing_seen_mostly_below_the_track_threshold_is_stationary_as_soon_as_a_short_track_starts_on_it()
    {
        // vtest.avi's signpost: a 'person' scoring 0.45-0.55 (no track starts) for 20 s, then 0.62-0.75 for 3 s (a track),
        // then low again; a walker crosses the same place at 25 s.
        var scene = new ObjectScene(11)
            .Add(0, 200, Still(30, 110), w: 18, h: 32, score: 0.5f, scoreJitter: 0.05f)
            .Add(200, 30, Still(30, 110), w: 18, h: 32, score: 0.68f, scoreJitter: 0.06f)
            .Add(230, 100, Still(30, 110), w: 18, h: 32, score: 0.5f, scoreJitter: 0.05f)
            .Add(250, 40, Walk(250, -10, 80, 3), w: 22, h: 60);
        var frames = Track(scene.Frames());
        var track = frames.SelectMany(f => f.Detections).Where(d => d.TrackId is not null && d.Height < 40).ToList();
        Assert.True(track.Count > 20);
        Assert.Contains(track, d => d.Stationary && d.StationarySince < 20);
        Assert.DoesNotContain(frames.SelectMany(f => f.Detections), d => d.Stationary && d.Height > 50);
        var events = Fold(frames);
        Assert.DoesNotContain(events, e => e.Height < 40);
        Assert.Single(events);    // the walker
        // The same with the mark turned far off: the signpost's track is an ordinary person (what the user saw before).
        var off = Fold(Track(scene.Frames(), new ObjectFilterOptions { StationaryAfter = VideoPosition.FromSeconds(600) }));
        Assert.Contains(off, e => e.Height < 40);
    }

    [Fact]
    public void StationaryAfter_in_frames_and_memory_stay_flat_over_a_long_stream()
    {
        var scene = new ObjectScene(2);
        for (int start = 0; start < 20_000; start += 40) scene.Add(start, 60, Walk(start, 0, 100 + start % 300, 12), miss: 0);
        scene.Add(0, 20_000, Still(700, 500), "car", 2, w: 60, h: 40, miss: 0);
        var filter = new ObjectFilter(new ObjectFilterOptions { StationaryAfter = VideoPosition.FromFrames(50) });
        var assigner = new VideoDetect.Tracking.TrackAssigner();
        int most = 0;
        FrameDetections? last = null;
        foreach (var f in scene.Frames(20_000))
        {
            last = filter.Process(f, assigner.Process);
            most = Math.Max(most, filter.Held);
        }
        Assert.InRange(most, 1, 100);
        Assert.True(last!.Detections.Single(d => d.Label == "car").Stationary);
    }
}
