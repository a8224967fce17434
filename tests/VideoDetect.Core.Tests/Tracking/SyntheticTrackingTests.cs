using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;
using Xunit.Abstractions;

namespace VideoDetect.Tests.Tracking;

/// <summary>
/// ByteTracker and OcSortTracker side by side on <see cref="SyntheticScene.Suite"/> (detections made
/// from known paths, five noise draws per scene; no detector, so it runs in well under a second).
/// </summary>
public class SyntheticTrackingTests(ITestOutputHelper output)
{
    private static readonly int[] Seeds = { 1, 2, 3, 4, 5 };

    public static (string Scene, MotScore[] Byte, MotScore[] OcSort)[] Compare(TrackerOptions options, TrackerOptions? ocSortOptions = null)
    {
        return SyntheticScene.Suite().Select(scene =>
        {
            var runs = Seeds.Select(seed =>
            {
                var (frames, truth) = scene.Render(seed);
                var bt = new ByteTracker(options);
                var oc = new OcSortTracker(ocSortOptions ?? options);
                return (MotMetrics.Score(truth, SyntheticScene.Track(frames, bt.StepInPlace)), MotMetrics.Score(truth, SyntheticScene.Track(frames, oc.StepInPlace)));
            }).ToArray();
            return (scene.Name, runs.Select(r => r.Item1).ToArray(), runs.Select(r => r.Item2).ToArray());
        }).ToArray();
    }

    private void Report(string title, (string Scene, MotScore[] Byte, MotScore[] OcSort)[] rows)
    {
        output.WriteLine(title);
        output.WriteLine($"{"scene (5 draws)",-40} | ByteTrack IDF1 mean (min), HOTA, IDsw | OC-SORT IDF1 mean (min), HOTA, IDsw");
        static string Cell(MotScore[] s) => $"{s.Average(x => x.Idf1):0.000} ({s.Min(x => x.Idf1):0.000}), {s.Average(x => x.Hota):0.000}, {s.Sum(x => x.IdSwitches),3}";
        foreach (var (scene, bt, oc) in rows) output.WriteLine($"{scene,-40} | {Cell(bt),-37} | {Cell(oc)}");
        foreach (var (scene, _, oc) in rows)
        {
            foreach (var (s, i) in oc.Select((s, i) => (s, i)).Where(p => p.s.IdSwitches > 0)) output.WriteLine($"  OC-SORT {scene} seed {Seeds[i]}: " + string.Join(", ", s.Switches.Select(w => $"f{w.Frame} gt{w.Truth} #{w.From}->#{w.To}")));
        }
        output.WriteLine("");
    }

    /// <summary>The suite's options: a lost-track buffer of 4 s for both trackers, since the default 2 s cannot by construction bridge the 3-s occlusion the targets name; everything else is the defaults.</summary>
    private static readonly TrackerOptions SuiteOptions = new() { LostTrackBuffer = VideoPosition.FromSeconds(4) };

    // Scenes where motion alone cannot tell two same-looking people apart, so the targets wait for
    // appearance (issue 26 point 2): an X crossing whose pair overlap for over a second, and two
    // walkers that cross while both are hidden.
    private static readonly HashSet<string> NeedAppearance = new() { "X crossing, similar pair", "two crossing behind an occluder, 2 s" };

    [Fact]
    public void Report_both_trackers_on_the_synthetic_suite()
    {
        Report("default options (lost-track buffer 2 s)", Compare(new TrackerOptions()));
        Report("lost-track buffer 4 s (the suite's options)", Compare(SuiteOptions));
        Report("ablation: OC-SORT without momentum (inertia 0), buffer 4 s", Compare(SuiteOptions, SuiteOptions with { Inertia = 0 }));
    }

    [Fact]
    public void OcSort_keeps_identities_through_occlusions_of_1_and_2_s_a_pause_and_a_low_score_stretch()
    {
        var rows = Compare(SuiteOptions).ToDictionary(r => r.Scene);
        foreach (var scene in new[] { "occluder 1 s", "occluder 2 s", "stand 4 s, passed in front", "low-score stretch, crossing" })
        {
            Assert.All(rows[scene].OcSort, s => Assert.True(s.IdSwitches == 0 && s.Idf1 >= 0.9, $"{scene}: {s}"));
        }
    }

    [Fact]
    public void OcSort_reaches_IDF1_0_9_where_motion_suffices_and_is_never_worse_than_ByteTrack()
    {
        var rows = Compare(SuiteOptions);
        foreach (var (scene, bt, oc) in rows)
        {
            if (!NeedAppearance.Contains(scene)) Assert.True(oc.Average(s => s.Idf1) >= 0.9, $"{scene}: OC-SORT IDF1 {oc.Average(s => s.Idf1):0.000}");
            Assert.True(oc.Average(s => s.Idf1) >= bt.Average(s => s.Idf1) - 0.01, $"{scene}: OC-SORT IDF1 {oc.Average(s => s.Idf1):0.000} < ByteTrack {bt.Average(s => s.Idf1):0.000}");
        }
        Assert.True(rows.Sum(r => r.OcSort.Sum(s => s.IdSwitches)) < rows.Sum(r => r.Byte.Sum(s => s.IdSwitches)));
    }
}
