using VideoDetect.Events;
using VideoDetect.Review;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Review;

public class EventClipPlanTests
{
    private static readonly VideoIndex Index = VideoIndex.ConstantRate(500, 0, 40); // 25 frames/s, 20 s

    private static DetectionEvent Event(long start, long end, int? track = 3, string label = "person", string path = "/v/cam1.mp4") => new()
    {
        Path = path, Label = label, TrackId = track, StartFrame = start, EndFrame = end,
        StartTime = Index.TimeOf(start), EndTime = Index.TimeOf(end),
    };

    [Fact]
    public void A_clip_spans_the_event_widened_by_the_rolls_in_time()
    {
        var clip = Assert.Single(EventClipPlan.Plan(new[] { Event(100, 150) }, Index, VideoPosition.FromSeconds(2), VideoPosition.FromSeconds(1), merge: false));
        Assert.Equal((50L, 175L), (clip.First, clip.Last));
        Assert.Equal(126, clip.FrameCount);
        Assert.Equal("cam1.person-3.000100.mp4", clip.FileName);
        var inFrames = Assert.Single(EventClipPlan.Plan(new[] { Event(100, 150) }, Index, VideoPosition.FromFrames(7), VideoPosition.FromFrames(3), merge: false));
        Assert.Equal((93L, 153L), (inFrames.First, inFrames.Last));
    }

    [Fact]
    public void The_rolls_are_clamped_to_the_video()
    {
        var clips = EventClipPlan.Plan(new[] { Event(10, 20), Event(480, 499) }, Index, VideoPosition.FromSeconds(2), VideoPosition.FromSeconds(2), merge: false);
        Assert.Equal(new[] { (0L, 70L), (430L, 499L) }, clips.Select(c => (c.First, c.Last)));
        var none = Assert.Single(EventClipPlan.Plan(new[] { Event(200, 210) }, Index, VideoPosition.FromFrames(0), VideoPosition.FromFrames(0), merge: false));
        Assert.Equal((200L, 210L), (none.First, none.Last));
    }

    [Fact]
    public void Merge_joins_overlapping_and_adjacent_clips_only_when_asked()
    {
        // Clips (rolls 1 s = 25 frames): 75..175, 150..250 (overlaps it), 251..326 (adjacent), 400..450 (apart).
        var events = new[] { Event(276, 301, track: 9), Event(100, 150, track: 1), Event(175, 225, track: 2), Event(425, 425, track: 4) };
        var roll = VideoPosition.FromSeconds(1);
        Assert.Equal(4, EventClipPlan.Plan(events, Index, roll, roll, merge: false).Count);
        var merged = EventClipPlan.Plan(events, Index, roll, roll, merge: true);
        Assert.Equal(new[] { (75L, 326L), (400L, 450L) }, merged.Select(c => (c.First, c.Last)));
        Assert.Equal(new int?[] { 1, 2, 9 }, merged[0].Events.Select(e => e.TrackId));
        Assert.Equal("cam1.person-1.000100.mp4", merged[0].FileName); // named after its earliest event
    }

    [Fact]
    public void Names_follow_the_rule_and_are_safe_as_file_names()
    {
        Assert.Equal("cam1.car-n.000040.jpg", EventFileName.Of(Event(40, 41, track: null, label: "car"), ".jpg"));
        Assert.Equal("cam 2.traffic_light-12.000007.mp4", EventFileName.Of(Event(7, 9, track: 12, label: "traffic/light", path: "/v/cam 2.avi"), ".mp4"));
        Assert.Equal("cam1._-1.000000.mp4", EventFileName.Of(Event(0, 0, track: 1, label: ""), ".mp4"));
        // One rule for every file of an event: its clip and its snapshot share a name, region or line part included.
        var inRegion = Event(120, 130) with { Region = "Dock <1>" };
        Assert.Equal("cam1.person-3.000120.Dock__1_.mp4", EventFileName.Of(inRegion, ".mp4"));
        Assert.Equal(Path.ChangeExtension(SnapshotNames.For(inRegion), ".mp4"), EventFileName.Of(inRegion, ".mp4"));
    }

    [Fact]
    public void A_tracked_event_draws_its_track_and_a_per_label_event_its_label()
    {
        var drawn = TrackBoxes.Drawn(new[] { Event(1, 2, track: 3), Event(1, 2, track: null, label: "car") });
        Assert.True(drawn(new VideoDetect.Inference.Detection { Label = "person", TrackId = 3 }));
        Assert.False(drawn(new VideoDetect.Inference.Detection { Label = "person", TrackId = 4 }));
        Assert.False(drawn(new VideoDetect.Inference.Detection { Label = "car", TrackId = 5 })); // another track, though a car
        Assert.True(drawn(new VideoDetect.Inference.Detection { Label = "car" }));
        Assert.False(drawn(new VideoDetect.Inference.Detection { Label = "person" }));
    }
}
