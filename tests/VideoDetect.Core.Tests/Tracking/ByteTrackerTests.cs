using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Tracking;

public class ByteTrackerTests
{
    internal static Detection Det(double x, double y, float score = 0.9f, string label = "person", int classId = 0, double w = 40, double h = 100, long frame = 0) =>
        new() { X = x, Y = y, Width = w, Height = h, Confidence = score, Label = label, ClassId = classId, FrameIndex = frame, Path = "a.avi" };

    private static FrameDetections Frame(long index, params Detection[] dets) =>
        new() { Path = "a.avi", FrameIndex = index, Timestamp = TimeSpan.FromMilliseconds(100 * index), Detections = dets };

    [Fact]
    public void Kalman_learns_a_constant_velocity_and_a_gap_of_k_frames_is_k_steps()
    {
        var f = KalmanBoxFilter.Start(new Box(0, 0, 40, 100));
        for (int i = 1; i <= 20; i++)
        {
            f.Predict(1);
            f.Update(new Box(5 * i, 2 * i, 40, 100));
        }
        Assert.InRange(f.Velocity.X, 4.8, 5.2);
        Assert.InRange(f.Velocity.Y, 1.8, 2.2);
        var jump = f;
        jump.Predict(4);
        var steps = f;
        for (int i = 0; i < 4; i++) steps.Predict(1);
        Assert.Equal(steps.Box, jump.Box);
        Assert.InRange(jump.Box.X, 100 + 20 - 2, 100 + 20 + 2);   // 5 px/frame × 4 frames ahead of x = 100
    }

    [Fact]
    public void Hungarian_finds_the_optimum_of_random_matrices_as_brute_force_does()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = rng.Next(1, 7);
            var a = new double[n, n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i, j] = rng.Next(0, 20);
            int[] rowOf = Assignment.Hungarian(a);
            double got = Enumerable.Range(0, n).Sum(j => a[rowOf[j], j]);
            Assert.Equal(n, rowOf.Distinct().Count());
            Assert.Equal(BruteForce(a), got);
        }
    }

    private static double BruteForce(double[,] a)
    {
        int n = a.GetLength(0);
        double best = double.MaxValue;
        void Go(int j, bool[] used, double sum)
        {
            if (j == n) { best = Math.Min(best, sum); return; }
            for (int i = 0; i < n; i++)
            {
                if (used[i]) continue;
                used[i] = true; Go(j + 1, used, sum + a[i, j]); used[i] = false;
            }
        }
        Go(0, new bool[n], 0);
        return best;
    }

    [Fact]
    public void Assignment_leaves_pairs_over_the_limit_unmatched_and_takes_rectangles()
    {
        var cost = new double[,] { { 0.1, 0.9, 0.95 }, { 0.85, 0.2, 0.9 } };
        Assert.Equal(new[] { (0, 0), (1, 1) }, Assignment.Solve(cost, 0.8));
        Assert.Empty(Assignment.Solve(new double[,] { { 0.9 } }, 0.8));
        Assert.Empty(Assignment.Solve(new double[0, 3], 0.8));
        // The cheaper total wins over the greedy first pick: (0,1)+(1,0) = 0.6 beats (0,0)+nothing.
        Assert.Equal(new[] { (0, 1), (1, 0) }, Assignment.Solve(new double[,] { { 0.1, 0.3 }, { 0.3, 0.9 } }, 0.8));
    }

    [Fact]
    public void Two_walkers_crossing_keep_their_ids()
    {
        var tracker = new TrackAssigner();
        var ids = new List<(int? A, int? B)>();
        for (int f = 0; f < 40; f++)
        {
            var a = Det(100 + 10 * f, 200);
            var b = Det(500 - 10 * f, 210);
            var tracked = tracker.Process(Frame(f, a, b)).Detections;
            ids.Add((tracked[0].TrackId, tracked[1].TrackId));
        }
        Assert.All(ids, p => Assert.Equal((1, 2), (p.A, p.B)));
    }

    [Fact]
    public void Classes_are_tracked_apart_and_a_person_track_never_takes_a_car_box()
    {
        var tracker = new TrackAssigner();
        var person = Det(100, 100);
        tracker.Process(Frame(0, person));
        var car = tracker.Process(Frame(1, Det(100, 100, label: "car", classId: 2))).Detections[0];
        Assert.NotEqual(1, car.TrackId);   // same place, other class: not the person's track
        var both = tracker.Process(Frame(2, Det(101, 100, label: "car", classId: 2), Det(101, 100))).Detections;
        var (car2, person2) = (both[0], both[1]);
        Assert.Equal(1, person2.TrackId);
        Assert.Equal(2, car2.TrackId);
    }

    [Fact]
    public void A_lost_track_comes_back_within_the_buffer_and_is_new_after_it()
    {
        var frames = new TrackerOptions { LostTrackBuffer = VideoPosition.FromFrames(5) };
        Assert.Equal(1, Reappear(frames, missing: 5));
        Assert.Equal(2, Reappear(frames, missing: 6));
        var time = new TrackerOptions { LostTrackBuffer = VideoPosition.FromSeconds(0.5) };   // 5 frames at 10 fps
        Assert.Equal(1, Reappear(time, missing: 4));
        Assert.Equal(2, Reappear(time, missing: 6));
    }

    private static int? Reappear(TrackerOptions options, int missing)
    {
        var tracker = new TrackAssigner(options);
        int f = 0;
        for (; f < 10; f++) tracker.Process(Frame(f, Det(100 + 5 * f, 100)));
        for (int i = 0; i < missing; i++, f++) tracker.Process(Frame(f));
        Detection d = tracker.Process(Frame(f, Det(100 + 5 * f, 100))).Detections[0];
        if (d.TrackId is null) d = tracker.Process(Frame(f + 1, Det(100 + 5 * (f + 1), 100))).Detections[0];   // a new track is confirmed on its second hit
        return d.TrackId;
    }

    [Fact]
    public void Motion_follows_frame_index_gaps()
    {
        // 12 px a frame, seen every frame for ten frames (the filter learns the speed), then every 4th
        // frame: 48 px between observations, most of the box's width; only a prediction over the
        // 4 frames keeps the track (one step would leave an IoU of 0.1).
        var tracker = new TrackAssigner();
        var ids = new List<int?>();
        for (int f = 0; f < 80; f += f < 10 ? 1 : 4)
        {
            var d = tracker.Process(Frame(f, Det(12 * f, 100, w: 60))).Detections[0];
            ids.Add(d.TrackId);
        }
        Assert.All(ids, id => Assert.Equal(1, id));
        Assert.Equal(1, tracker.Current!.TrackCount);
    }

    [Fact]
    public void A_low_score_detection_keeps_a_track_alive_in_the_second_association()
    {
        var options = new TrackerOptions { LostTrackBuffer = VideoPosition.FromFrames(0) };
        var tracker = new TrackAssigner(options);
        for (int f = 0; f < 5; f++) tracker.Process(Frame(f, Det(100 + 5 * f, 100)));
        var weak = tracker.Process(Frame(5, Det(125, 100, score: 0.3f))).Detections[0];
        Assert.Equal(1, weak.TrackId);
        var tooWeak = tracker.Process(Frame(6, Det(130, 100, score: 0.05f))).Detections[0];
        Assert.Null(tooWeak.TrackId);
    }

    [Fact]
    public void New_tracks_need_MinHits_a_first_frame_does_not_and_a_new_source_starts_at_1()
    {
        var tracker = new TrackAssigner(new TrackerOptions { MinHits = 3 });
        var first = tracker.Process(Frame(0, Det(10, 10))).Detections[0];
        Assert.Equal(1, first.TrackId);
        var seen = new List<int?>();
        for (int f = 1; f <= 3; f++)
        {
            var late = tracker.Process(Frame(f, Det(10, 10), Det(300, 300))).Detections[1];
            seen.Add(late.TrackId);
        }
        Assert.Equal(new int?[] { null, null, 2 }, seen);
        var next = tracker.Process(new FrameDetections { Path = "b.avi", FrameIndex = 0, Detections = new[] { Det(300, 300) } });
        var other = next.Detections[0];
        Assert.Equal(1, other.TrackId);
        Assert.True(next.Extras!.ContainsKey(TrackAssigner.TrackedExtra));
    }

    [Fact]
    public void A_frame_out_of_order_is_refused_with_the_typed_error()
    {
        var tracker = new TrackAssigner();
        tracker.Process(Frame(5, Det(0, 0)));
        var e = Assert.Throws<FrameOutOfOrderException>(() => tracker.Process(Frame(5, Det(0, 0))));
        Assert.Equal(ErrorIds.FrameOutOfOrder, e.ErrorId);
    }
}
