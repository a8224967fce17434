using VideoDetect.Inference;
using VideoDetect.Review;
using VideoDetect.Tracking;
using Xunit;

namespace VideoDetect.Tests.Review;

/// <summary>Measure-DetectionCount's arithmetic on hand-made frames, every expectation worked out by hand in the comments.</summary>
public class DetectionCounterTests
{
    private static readonly DateTimeOffset Evening = new(2026, 12, 5, 22, 0, 50, TimeSpan.FromHours(1));

    private static Detection Person(int? track, bool stationary = false, string label = "person") =>
        new() { Label = label, Confidence = 0.9f, Width = 10, Height = 20, TrackId = track, Stationary = stationary, StationarySince = stationary ? 0 : null };

    /// <summary>
    /// a.mp4, tracked, recorded from 22:00:50 (+01:00), a frame every 0.5 s, frames 0..39 (0..19.5 s):
    /// person #1 in frames 0..29 (covers 0..15 s: 22:00:50..22:01:05, across the minute);
    /// person #2 in frames 24..27 (12..14 s); person #3 stationary throughout; a tentative box (no id)
    /// in frame 5; car #7 in frames 2..3 (1..2 s).
    /// </summary>
    private static IEnumerable<FrameDetections> CameraA()
    {
        for (int f = 0; f < 40; f++)
        {
            var d = new List<Detection>();
            if (f < 30) d.Add(Person(1));
            if (f is >= 24 and <= 27) d.Add(Person(2));
            d.Add(Person(3, stationary: true));
            if (f == 5) d.Add(Person(null));
            if (f is 2 or 3) d.Add(Person(7, label: "car"));
            yield return new FrameDetections
            {
                Path = "a.mp4", FrameIndex = f, Timestamp = TimeSpan.FromMilliseconds(500 * f), Detections = d.ToArray(), RecordingStart = Evening,
                Extras = new() { [TrackAssigner.TrackedExtra] = "ByteTrack" },
            };
        }
    }

    /// <summary>b.mp4, untracked, no recording start, a frame every 0.1 s, frames 0..14: one person in frames 8 and 10..12, two in frame 9.</summary>
    private static IEnumerable<FrameDetections> CameraB()
    {
        for (int f = 0; f < 15; f++)
        {
            var d = new List<Detection>();
            if (f is >= 8 and <= 12) d.Add(Person(null));
            if (f == 9) d.Add(Person(null));
            yield return new FrameDetections { Path = "b.mp4", FrameIndex = f, Timestamp = TimeSpan.FromMilliseconds(100 * f), Detections = d.ToArray() };
        }
    }

    private static List<DetectionCount> Count(CountOptions options, IEnumerable<FrameDetections> frames)
    {
        var counter = new DetectionCounter(options);
        foreach (var f in frames) counter.Add(f);
        return counter.Complete().ToList();
    }

    /// <summary>The two cameras' frames interleaved, as two sources arriving together would be.</summary>
    private static IEnumerable<FrameDetections> Both()
    {
        using var a = CameraA().GetEnumerator();
        using var b = CameraB().GetEnumerator();
        bool moreA = true, moreB = true;
        while (moreA || moreB)
        {
            if (moreA && (moreA = a.MoveNext())) yield return a.Current;
            if (moreB && (moreB = b.MoveNext())) yield return b.Current;
        }
    }

    private static (string, string, TimeSpan, TimeSpan, DateTimeOffset?, int?, int, double) Row(DetectionCount c) =>
        (c.Path, c.Label, c.StartTime, c.EndTime, c.StartedAt, c.Tracks, c.Peak, Math.Round(c.ObjectSeconds, 6));

    [Fact]
    public void Per_source_label_and_minute_of_the_day_tracks_peak_and_object_seconds_split_at_the_boundary()
    {
        var rows = Count(new CountOptions { Interval = TimeSpan.FromMinutes(1) }, Both());
        static TimeSpan s(double seconds) => TimeSpan.FromSeconds(seconds);
        var at2200 = new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(new[]
        {
            // a.mp4: minutes 22:00 and 22:01 (the file's 0 s is 22:00:50; the first minute starts before it, so at offset 0).
            // car #7: 2 frames × 0.5 s = 1 s, in 22:00.
            ("a.mp4", "car", s(0), s(10), (DateTimeOffset?)at2200, (int?)1, 1, 1.0),
            ("a.mp4", "car", s(10), s(70), at2200.AddMinutes(1), 0, 0, 0.0),
            // person #1: 22:00:50..22:01:00 = 10 s in 22:00; 22:01:00..22:01:05 = 5 s in 22:01. Stationary #3 and the tentative box left out.
            ("a.mp4", "person", s(0), s(10), at2200, 1, 1, 10.0),
            // 22:01: #1 (5 s) and #2 (4 frames × 0.5 = 2 s), together in frames 24..27: peak 2.
            ("a.mp4", "person", s(10), s(70), at2200.AddMinutes(1), 2, 2, 7.0),
            // b.mp4: no time of day, so minutes of the file; untracked, so no track count. 0.1 s a frame: 1+2+1+1+1 = 6 objects × 0.1.
            ("b.mp4", "person", s(0), s(60), null, null, 2, 0.6),
        }, rows.Select(Row));
        Assert.All(rows, r => Assert.Equal(TimeSpan.FromMinutes(1), r.Interval));
        Assert.Equal(TimeSpan.FromHours(1), rows[0].StartedAt!.Value.Offset); // the zone explicit
    }

    [Fact]
    public void Seconds_split_a_frame_across_intervals_of_the_file_when_the_time_of_day_is_unknown()
    {
        // b.mp4 by the second: frames 8, 9 (2 objects) in 0..1 s = 0.3; frames 10..12 in 1..2 s = 0.3.
        var rows = Count(new CountOptions { Interval = TimeSpan.FromSeconds(1) }, CameraB());
        Assert.Equal(new[]
        {
            ("b.mp4", "person", TimeSpan.Zero, TimeSpan.FromSeconds(1), (DateTimeOffset?)null, (int?)null, 2, 0.3),
            ("b.mp4", "person", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), null, null, 1, 0.3),
        }, rows.Select(Row));
        // 0.25 s intervals: frames 8, 9 lie in 0.75..1.0 (0.1 + 2 × 0.1); 10, 11 and half of 12 (1.2..1.25) in 1.0..1.25;
        // the other half of 12 in 1.25..1.5, where the last frame (1.4 s, lasting as the one before it) ends the file.
        var quarters = Count(new CountOptions { Interval = TimeSpan.FromSeconds(0.25) }, CameraB());
        Assert.Equal(6, quarters.Count); // 0..1.5 s
        Assert.Equal(new[] { 0.0, 0.0, 0.0, 0.3, 0.25, 0.05 }, quarters.Select(q => Math.Round(q.ObjectSeconds, 6)));
        Assert.Equal(new[] { 0, 0, 0, 2, 1, 1 }, quarters.Select(q => q.Peak));
    }

    [Fact]
    public void Label_keeps_those_labels_with_zero_rows_and_IncludeStationary_counts_the_still_tracks()
    {
        var rows = Count(new CountOptions { Labels = new[] { "PERSON", "dog" } }, CameraA());
        Assert.Equal(new[] { ("PERSON", 1, 10.0), ("PERSON", 2, 7.0), ("dog", 0, 0.0), ("dog", 0, 0.0) },
            rows.Select(r => (r.Label, r.Tracks!.Value, r.ObjectSeconds)));
        // Stationary #3 covers 0..20 s: 10 s in each minute, and it is there with the others.
        var still = Count(new CountOptions { Labels = new[] { "person" }, IncludeStationary = true }, CameraA());
        Assert.Equal(new[] { (2, 2, 20.0), (3, 3, 17.0) }, still.Select(r => (r.Tracks!.Value, r.Peak, r.ObjectSeconds)));
        // Below MinConfidence: nothing counts, the minutes stay.
        var none = Count(new CountOptions { Labels = new[] { "person" }, MinConfidence = 0.95f }, CameraA());
        Assert.Equal(new[] { (0, 0, 0.0), (0, 0, 0.0) }, none.Select(r => (r.Tracks!.Value, r.Peak, r.ObjectSeconds)));
    }

    [Fact]
    public void Intervals_align_to_whole_intervals_since_midnight_of_the_recording_starts_clock()
    {
        // 15-minute intervals in a -05:00 zone: a frame at 22:14:59.9 and one at 22:15:00.1.
        var start = new DateTimeOffset(2026, 12, 5, 22, 14, 59, 900, TimeSpan.FromHours(-5));
        var frames = new[] { 0, 200 }.Select(ms => new FrameDetections
        {
            Path = "c.mp4", Timestamp = TimeSpan.FromMilliseconds(ms), RecordingStart = start, Detections = new[] { Person(null) },
        });
        var rows = Count(new CountOptions { Interval = TimeSpan.FromMinutes(15) }, frames);
        Assert.Equal(new[] { new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.FromHours(-5)), new DateTimeOffset(2026, 12, 5, 22, 15, 0, TimeSpan.FromHours(-5)) },
            rows.Select(r => r.StartedAt!.Value));
        // 0.2 s span: 0.1 s before 22:15, 0.1 s after; then the last frame's 0.2 s after.
        Assert.Equal(new[] { 0.1, 0.3 }, rows.Select(r => Math.Round(r.ObjectSeconds, 6)));
        Assert.Equal(TimeSpan.FromMilliseconds(100), rows[1].StartTime);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DetectionCounter(new CountOptions { Interval = TimeSpan.Zero }));
    }
}
