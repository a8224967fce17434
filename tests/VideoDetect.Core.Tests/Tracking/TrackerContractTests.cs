using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using Xunit;
using static VideoDetect.Tests.Tracking.ByteTrackerTests;

namespace VideoDetect.Tests.Tracking;

/// <summary>The tracker seam: the registry, a tracker added by registration alone, reset per source, no mutation of the input.</summary>
public class TrackerContractTests
{
    /// <summary>
    /// A tracker that is not ByteTrack: every detection gets the id (its position + 1) × 100 plus the
    /// number of frames since the last reset, so a missing reset shows in the ids.
    /// </summary>
    private sealed class CountingTracker(TrackerOptions options) : ITracker
    {
        public const string RegisteredName = "Test-Counting";
        public TrackerOptions Options { get; } = options;
        public int Resets { get; private set; }
        private int _frames;
        public string Name => RegisteredName;
        public int TrackCount { get; private set; }

        public Detection[] Step(long frame, TimeSpan time, IReadOnlyList<Detection> detections)
        {
            _frames++;
            TrackCount = Math.Max(TrackCount, detections.Count);
            return detections.Select((d, i) => d with { TrackId = (i + 1) * 100 + _frames }).ToArray();
        }

        public void Reset()
        {
            Resets++;
            _frames = 0;
            TrackCount = 0;
        }
    }

    private static readonly Lazy<List<CountingTracker>> Registered = new(() =>
    {
        var made = new List<CountingTracker>();
        Trackers.Register(CountingTracker.RegisteredName, o =>
        {
            var t = new CountingTracker(o);
            lock (made) made.Add(t);
            return t;
        });
        return made;
    });

    private static FrameDetections On(string path, long index, params Detection[] dets) =>
        new() { Path = path, FrameIndex = index, Timestamp = TimeSpan.FromMilliseconds(100 * index), Detections = dets };

    [Fact]
    public void The_registry_resolves_names_in_any_case_and_an_unknown_name_is_a_typed_error()
    {
        Assert.Contains("ByteTrack", Trackers.Names);
        Assert.Equal("OCSort", Trackers.Default);
        Assert.IsType<ByteTracker>(Trackers.Create("bytetrack"));
        Assert.Equal("ByteTrack", Trackers.Create("BYTETRACK").Name);
        var e = Assert.Throws<UnknownTrackerException>(() => Trackers.Create("NoSuchTracker"));
        Assert.Equal(ErrorIds.UnknownTracker, e.ErrorId);
        Assert.Contains("ByteTrack", e.Message);
        Assert.Throws<UnknownTrackerException>(() => new TrackAssigner(null, "NoSuchTracker"));
        Assert.Throws<ArgumentException>(() => Trackers.Register("bytetrack", o => new ByteTracker(o)));
    }

    [Fact]
    public void A_registered_tracker_is_chosen_by_name_with_the_options_and_named_in_Extras()
    {
        var made = Registered.Value;
        Assert.Contains(CountingTracker.RegisteredName, Trackers.Names);
        var options = new TrackerOptions { MinHits = 7 };
        var assigner = new TrackAssigner(options, "test-counting");   // what Add-DetectionTrack -Tracker does
        var tracked = assigner.Process(On("a.avi", 0, Det(1, 1), Det(50, 50)));
        CountingTracker mine;
        lock (made) mine = Assert.Single(made, t => ReferenceEquals(t, assigner.Current));
        Assert.Equal(7, mine.Options.MinHits);
        Assert.Equal(new int?[] { 101, 201 }, tracked.Detections.Select(d => d.TrackId));
        Assert.Equal(CountingTracker.RegisteredName, tracked.Extras![TrackAssigner.TrackedExtra]);
    }

    [Fact]
    public void The_tracker_is_reset_at_each_new_source_and_not_within_one()
    {
        _ = Registered.Value;
        var assigner = new TrackAssigner(null, CountingTracker.RegisteredName);
        var ids = new List<int?>();
        foreach (var (path, index) in new[] { ("a.avi", 0L), ("a.avi", 1L), ("b.avi", 0L), ("b.avi", 5L), ("a.avi", 0L) })
            ids.Add(assigner.Process(On(path, index, Det(1, 1))).Detections[0].TrackId);
        Assert.Equal(new int?[] { 101, 102, 101, 102, 101 }, ids);
        Assert.Equal(2, ((CountingTracker)assigner.Current).Resets);
    }

    [Theory]
    [InlineData("ByteTrack")]
    [InlineData("OCSort")]
    public void A_tracker_after_Reset_gives_what_a_fresh_tracker_gives_and_leaves_its_input_as_it_was(string name)
    {
        static List<int?> Run(ITracker tracker)
        {
            var ids = new List<int?>();
            for (int f = 0; f < 12; f++)
            {
                var dets = new[] { Det(100 + 10 * f, 200), Det(500 - 10 * f, 210), Det(300, 50, label: "car", classId: 2) };
                ids.AddRange(tracker.Step(f, TimeSpan.FromMilliseconds(100 * f), f % 5 == 4 ? dets[..1] : dets).Select(d => d.TrackId));
            }
            return ids;
        }
        var tracker = Trackers.Create(name);
        Assert.Equal(name, tracker.Name);
        var given = Det(100, 200);
        Assert.Equal(1, tracker.Step(0, TimeSpan.Zero, new[] { given })[0].TrackId);   // a source's first frame confirms at once
        Assert.Null(given.TrackId);   // the input is not written
        tracker.Reset();
        var fresh = Run(tracker);
        Assert.Contains(3, fresh);
        tracker.Reset();
        Assert.Equal(0, tracker.TrackCount);
        Assert.Equal(fresh, Run(tracker));
    }

    [Fact]
    public void Tracking_returns_copies_and_leaves_the_input_frame_and_detections_as_they_were()
    {
        var given = Det(10, 10);
        given.TrackId = 99;
        var frame = On("a.avi", 3, given);
        frame.Extras = new Dictionary<string, object?> { ["HeldFrom"] = 2L };
        var assigner = new TrackAssigner();

        var tracked = assigner.Process(frame);

        Assert.Equal(1, tracked.Detections[0].TrackId);
        Assert.Equal(99, given.TrackId);
        Assert.Same(given, frame.Detections[0]);
        Assert.NotSame(frame, tracked);
        Assert.NotSame(given, tracked.Detections[0]);
        Assert.Equivalent(given with { TrackId = 1 }, tracked.Detections[0], strict: true);   // only the id differs (property by property: records compare by reference here)
        Assert.False(frame.Extras.ContainsKey(TrackAssigner.TrackedExtra));
        Assert.Equal(2L, tracked.Extras!["HeldFrom"]);
        Assert.Equal(Trackers.Default, tracked.Extras[TrackAssigner.TrackedExtra]);

        // Out of order: refused; what passes on is an untracked copy, the input is still untouched.
        var late = On("a.avi", 3, given);
        Assert.Throws<FrameOutOfOrderException>(() => assigner.Process(late));
        var passed = TrackAssigner.Untracked(late);
        Assert.Null(passed.Detections[0].TrackId);
        Assert.Equal(99, given.TrackId);
    }
}
