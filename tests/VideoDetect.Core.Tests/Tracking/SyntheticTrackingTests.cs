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

    public static (string Scene, MotScore[] Byte, MotScore[] OcSort)[] Compare(TrackerOptions options)
    {
        return SyntheticScene.Suite().Select(scene =>
        {
            var runs = Seeds.Select(seed =>
            {
                var (frames, truth) = scene.Render(seed);
                var bt = new ByteTracker(options);
                var oc = new OcSortTracker(options);
                return (MotMetrics.Score(truth, SyntheticScene.Track(frames, bt.Step)), MotMetrics.Score(truth, SyntheticScene.Track(frames, oc.Step)));
            }).ToArray();
            return (scene.Name, runs.Select(r => r.Item1).ToArray(), runs.Select(r => r.Item2).ToArray());
        }).ToArray();
    }

    private void Report(string title, (string Scene, MotScore[] Byte, MotScore[] OcSort)[] rows)
    {
        output.WriteLine(title);
        output.WriteLine($"{"scene",-40} | ByteTrack IDF1 mean (min), IDsw | OC-SORT IDF1 mean (min), IDsw");
        foreach (var (scene, bt, oc) in rows)
        {
            output.WriteLine($"{scene,-40} | {bt.Average(s => s.Idf1):0.000} ({bt.Min(s => s.Idf1):0.000}), {bt.Sum(s => s.IdSwitches),3}      | {oc.Average(s => s.Idf1):0.000} ({oc.Min(s => s.Idf1):0.000}), {oc.Sum(s => s.IdSwitches),3}");
        }
        foreach (var (scene, _, oc) in rows)
        {
            foreach (var (s, i) in oc.Select((s, i) => (s, i)).Where(p => p.s.IdSwitches > 0)) output.WriteLine($"  OC-SORT {scene} seed {Seeds[i]}: " + string.Join(", ", s.Switches.Select(w => $"f{w.Frame} gt{w.Truth} #{w.From}->#{w.To}")));
        }
        output.WriteLine("");
    }

    [Fact]
    public void Report_both_trackers_on_the_synthetic_suite()
    {
        Report("default options (lost-track buffer 2 s)", Compare(new TrackerOptions()));
        Report("lost-track buffer 4 s", Compare(new TrackerOptions { LostTrackBuffer = VideoPosition.FromSeconds(4) }));
    }
}
