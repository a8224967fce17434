using VideoDetect.Events;
using VideoDetect.Results;
using VideoDetect.Review;
using Xunit;

namespace VideoDetect.Tests.Review;

/// <summary>The review's model without markup: timelines (time of day or offsets), lanes, counts per interval, videos from events and the store.</summary>
public class ReviewModelTests
{
    internal static DetectionEvent Event(string path, string label, int? track, double start, double end, DateTimeOffset? recording = null, string kind = DetectionEvent.Presence) => new()
    {
        Path = path, Label = label, TrackId = track, Kind = kind,
        StartTime = TimeSpan.FromSeconds(start), EndTime = TimeSpan.FromSeconds(end),
        StartFrame = (long)(start * 10), EndFrame = (long)(end * 10), PeakFrame = (long)(start * 10), MaxConfidence = 0.8f,
        StartedAt = recording + TimeSpan.FromSeconds(start), EndedAt = recording + TimeSpan.FromSeconds(end),
    };

    [Fact]
    public void Timeline_uses_file_offsets_when_an_event_has_no_time_of_day()
    {
        var rec = new DateTimeOffset(2026, 12, 4, 21, 0, 0, TimeSpan.FromHours(1));
        var events = new[] { Event("/v/a.mp4", "person", 2, 5, 9, rec), Event("/v/a.mp4", "car", null, 1, 3) };
        var t = ReviewTimeline.Of(events);
        Assert.False(t.TimeOfDay);
        Assert.Equal(new[] { "car", "person #2" }, t.Lanes);
        Assert.Equal((1.0, 3.0), (t.Bars[0].Start, t.Bars[0].End));
        Assert.Equal((5.0, 9.0), (t.Bars[1].Start, t.Bars[1].End));
        Assert.Equal("00:00:05", t.Format(5));
    }

    [Fact]
    public void Timeline_is_on_the_time_of_day_from_the_recording_start_when_every_event_has_it()
    {
        var rec = new DateTimeOffset(2026, 12, 4, 21, 0, 0, TimeSpan.FromHours(1));
        var events = new[] { Event("a.mp4", "person", 10, 65, 70, rec), Event("a.mp4", "person", 3, 30, 40, rec) };
        var t = ReviewTimeline.Of(events);
        Assert.True(t.TimeOfDay);
        Assert.Equal(rec, t.Origin);
        Assert.Equal(new[] { "person #3", "person #10" }, t.Lanes); // tracks in number order
        Assert.Equal(30, t.Bars[0].Start, 6);
        Assert.Equal(70, t.Length, 6);
        Assert.Equal("21:01:05", t.Format(65));
    }

    [Fact]
    public void Counts_are_distinct_tracks_per_interval_and_label_with_zeros_and_without_crossings()
    {
        var events = new[]
        {
            Event("a.mp4", "person", 1, 5, 70),   // intervals 0 and 1
            Event("a.mp4", "person", 1, 80, 90),  // the same track again in interval 1: counted once
            Event("a.mp4", "person", 2, 10, 20),  // interval 0
            Event("a.mp4", "car", null, 130, 140), // interval 2: a per-label event counts one
            Event("a.mp4", "person", 2, 15, 15, kind: DetectionEvent.Crossing),
        };
        var counts = IntervalCounts.Of(ReviewTimeline.Of(events), TimeSpan.FromMinutes(1));
        Assert.Equal(new[] { ("car", 0L, 0), ("car", 1L, 0), ("car", 2L, 1), ("person", 0L, 2), ("person", 1L, 1), ("person", 2L, 0) },
            counts.Select(c => (c.Label, c.Interval, c.Tracks)));
        Assert.Equal((60.0, 120.0), (counts[1].Start, counts[1].End));
    }

    [Fact]
    public void Counts_on_the_time_of_day_start_on_the_clock()
    {
        var rec = new DateTimeOffset(2026, 12, 4, 21, 0, 40, TimeSpan.Zero); // 40 s past the minute
        var events = new[] { Event("a.mp4", "person", 1, 10, 15, rec), Event("a.mp4", "person", 2, 25, 30, rec) };
        var counts = IntervalCounts.Of(ReviewTimeline.Of(events), TimeSpan.FromMinutes(1));
        // 21:00:50–55 and 21:01:05–10: two clock minutes, one track each.
        Assert.Equal(new[] { 1, 1 }, counts.Select(c => c.Tracks));
        Assert.Equal(-40, counts[0].Start, 6);
        Assert.Equal(20, counts[1].Start, 6);
    }

    [Fact]
    public void Counts_refuse_a_non_positive_interval()
    {
        var t = ReviewTimeline.Of(new[] { Event("a.mp4", "person", 1, 0, 1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => IntervalCounts.Of(t, TimeSpan.Zero));
    }

    [Fact]
    public void Videos_come_from_events_and_the_store_matched_by_file_name()
    {
        var store = new[]
        {
            new StoreEntry("cams/a.mp4", StoreState.Done, "a.jsonl", -1, 99, 100, null),
            new StoreEntry("cams/b.mp4", StoreState.Failed, "b.jsonl.partial", -1, -1, 0, "its checkpoint is missing"),
        };
        var events = new[] { Event("/footage/a.mp4", "person", 1, 0, 2), Event("/footage/c.mp4", "car", 4, 1, 2), Event("/footage/a.mp4", "person", 2, 1, 3) };
        var model = ReviewModel.Of(events, store, TimeSpan.FromMinutes(1));
        Assert.Equal(new[] { "a.mp4", "b.mp4", "c.mp4" }, model.Videos.Select(v => v.Name));
        Assert.Equal(2, model.Videos[0].Events.Count);
        Assert.Equal(StoreState.Done, model.Videos[0].Store!.State);
        Assert.Empty(model.Videos[1].Events);
        Assert.Null(model.Videos[1].Source);
        Assert.Null(model.Videos[2].Store);
        Assert.Equal(new[] { "car", "person" }, model.Labels);
        Assert.Contains((StoreState.Failed, 1), model.StateCounts());
        Assert.Contains((StoreState.Partial, 0), model.StateCounts());
    }

    [Fact]
    public void Tick_steps_are_round_and_few()
    {
        Assert.Equal(1, ReviewTimeline.TickStep(5));
        Assert.Equal(10, ReviewTimeline.TickStep(60));
        Assert.Equal(600, ReviewTimeline.TickStep(3600));
    }
}
