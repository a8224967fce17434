using VideoDetect.Tracking;
using Xunit;

namespace VideoDetect.Tests.Tracking;

/// <summary>The evaluator on hand-made sequences whose IDF1, switches and MOTA are worked out by hand.</summary>
public class MotMetricsTests
{
    private static Box At(double x) => new(x, 100, 40, 100);

    /// <summary>Frames 0..n-1 of boxes from <paramref name="boxes"/>(frame) (null: nothing that frame).</summary>
    private static Dictionary<long, List<MotBox>> Seq(int n, Func<int, IEnumerable<MotBox>> boxes) =>
        Enumerable.Range(0, n).ToDictionary(f => (long)f, f => boxes(f).ToList());

    [Fact]
    public void A_perfect_tracker_scores_1_whatever_its_ids()
    {
        var truth = Seq(10, f => new[] { new MotBox(1, At(10 * f)), new MotBox(2, At(300 - 10 * f)) });
        var pred = Seq(10, f => new[] { new MotBox(7, At(10 * f + 2)), new MotBox(8, At(300 - 10 * f)) });
        var s = MotMetrics.Score(truth, pred);
        Assert.Equal((1.0, 1.0, 0), (s.Idf1, s.Mota, s.IdSwitches));
        // HOTA also scores localisation: id 7 is 2 px off (IoU 38/42 = 0.905), a true positive for
        // α ≤ 0.90 only; at α = 0.95, DetA = 10 / 30 and AssA = 1, so HOTA = (18 + √(1/3)) / 19.
        Assert.Equal((18 + Math.Sqrt(1.0 / 3)) / 19, s.Hota, 9);
    }

    [Fact]
    public void Two_ids_swapped_halfway_are_two_switches_and_half_the_IDF1()
    {
        var truth = Seq(10, f => new[] { new MotBox(1, At(0)), new MotBox(2, At(500)) });
        var pred = Seq(10, f => new[] { new MotBox(f < 5 ? 1 : 2, At(0)), new MotBox(f < 5 ? 2 : 1, At(500)) });
        var s = MotMetrics.Score(truth, pred);
        Assert.Equal(2, s.IdSwitches);
        Assert.Equal(new[] { new IdSwitch(5, 1, 1, 2), new IdSwitch(5, 2, 2, 1) }, s.Switches);
        Assert.Equal(0.5, s.Idf1, 9);              // IDTP 10 of 20 + 20
        Assert.Equal(1 - 2.0 / 20, s.Mota, 9);
        // HOTA: every box is a true positive at every α (DetA 1); each of the four (truth, id) pairs
        // matches 5 frames of 10 + 10, so AssA = 5 / (10 + 10 − 5) = 1/3 and HOTA = √(1/3).
        Assert.Equal(Math.Sqrt(1.0 / 3), s.Hota, 9);
    }

    [Fact]
    public void A_broken_track_is_one_switch_misses_count_and_IDF1_takes_the_longer_piece()
    {
        // Truth 10 frames; id 1 in frames 0..5, nothing in 6..7, id 2 in 8..9.
        var truth = Seq(10, f => new[] { new MotBox(1, At(5 * f)) });
        var pred = Seq(10, f => f is 6 or 7 ? Array.Empty<MotBox>() : new[] { new MotBox(f < 6 ? 1 : 2, At(5 * f)) });
        var s = MotMetrics.Score(truth, pred);
        Assert.Equal((1, 2, 0), (s.IdSwitches, s.Misses, s.FalsePositives));
        Assert.Equal(1 - 3.0 / 10, s.Mota, 9);
        Assert.Equal(2.0 * 6 / (10 + 8), s.Idf1, 9);
    }

    [Fact]
    public void A_box_off_by_more_than_IoU_0_5_is_a_miss_and_a_false_positive()
    {
        var truth = Seq(1, _ => new[] { new MotBox(1, At(0)) });
        var pred = Seq(1, _ => new[] { new MotBox(1, At(20)) });   // IoU 20·100 / 60·100 = 1/3
        var s = MotMetrics.Score(truth, pred);
        Assert.Equal((1, 1, 0.0, -1.0), (s.Misses, s.FalsePositives, s.Idf1, s.Mota));
        // HOTA: a true positive for α ≤ 1/3 (6 of the 19 thresholds), with DetA = AssA = 1 there.
        Assert.Equal(6.0 / 19, s.Hota, 9);
    }

    [Fact]
    public void A_prediction_on_an_ignored_truth_is_neither_right_nor_wrong()
    {
        var truth = Seq(4, f => new[] { new MotBox(1, At(0), Ignore: f >= 2) });
        var pred = Seq(4, f => new[] { new MotBox(f < 2 ? 1 : 9, At(0)) });
        var s = MotMetrics.Score(truth, pred);
        Assert.Equal((2, 2, 0, 1.0, 1.0), (s.Truths, s.Predictions, s.IdSwitches, s.Idf1, s.Mota));
    }

    [Fact]
    public void CLEAR_MOT_keeps_a_match_that_still_holds_even_when_another_box_fits_better()
    {
        var truth = Seq(2, _ => new[] { new MotBox(1, At(0)) });
        // Frame 1: id 1 still at IoU 0.6 (shifted 10 px), id 2 exactly on the truth.
        var pred = Seq(2, f => f == 0 ? new[] { new MotBox(1, At(0)) } : new[] { new MotBox(1, At(10)), new MotBox(2, At(0)) });
        var s = MotMetrics.Score(truth, pred);
        Assert.Equal((0, 1), (s.IdSwitches, s.FalsePositives));
        // IDF1: id 1 corresponds in both frames, id 2 once: IDTP 2 of 2 + 3.
        Assert.Equal(2.0 * 2 / 5, s.Idf1, 9);
    }
}
