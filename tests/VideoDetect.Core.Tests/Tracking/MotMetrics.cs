using VideoDetect.Tracking;

namespace VideoDetect.Tests.Tracking;

/// <summary>One box of one identity in one frame: ground truth or a tracker's output. A ground-truth box marked <see cref="Ignore"/> (an object mostly hidden) takes no part: a prediction on it is neither right nor wrong.</summary>
public readonly record struct MotBox(int Id, Box Box, bool Ignore = false);

/// <summary>An identity switch: ground-truth object <see cref="Truth"/> matched to <see cref="To"/> in <see cref="Frame"/> after <see cref="From"/>.</summary>
public readonly record struct IdSwitch(long Frame, int Truth, int From, int To);

/// <summary>Scores of one sequence.</summary>
public sealed record MotScore(double Idf1, double Hota, double Mota, int IdSwitches, int Truths, int Predictions, int IdTruePositives, int Misses, int FalsePositives, IReadOnlyList<IdSwitch> Switches)
{
    public override string ToString() => $"IDF1 {Idf1:0.000}, HOTA {Hota:0.000}, IDsw {IdSwitches}, MOTA {Mota:0.000} (GT {Truths}, FN {Misses}, FP {FalsePositives})";
}

/// <summary>
/// The field's identity metrics on boxes (a prediction and a truth correspond when their IoU is at
/// least 0.5), as py-motmetrics computes them:
/// <list type="bullet">
/// <item><b>IDF1</b> (Ristani et al. 2016): identities are paired one to one over the whole sequence
/// so as to maximise the frames a pair corresponds (global optimal assignment); IDTP is that
/// maximum, IDF1 = 2·IDTP / (truth boxes + predicted boxes).</item>
/// <item><b>CLEAR MOT</b> (Bernardin and Stiefelhagen 2008): per frame, a truth keeps the prediction
/// id it was last matched to while they still correspond; the rest are matched by the Hungarian
/// algorithm on 1 − IoU. An <b>identity switch</b> is a truth matched to an id other than the one it
/// was last matched to; MOTA = 1 − (misses + false positives + switches) / truth boxes.</item>
/// </list>
/// and <b>HOTA</b> (<see cref="Tracking.Hota"/>). Ignored truths are removed first together with the predictions that match them (MOTChallenge's
/// distractor rule).
/// </summary>
public static class MotMetrics
{
    public const double MinIou = 0.5;

    public static MotScore Score(IReadOnlyDictionary<long, List<MotBox>> truth, IReadOnlyDictionary<long, List<MotBox>> predicted)
    {
        var shared = new Dictionary<(int Truth, int Predicted), int>();
        var lastMatch = new Dictionary<int, int>();
        var switches = new List<IdSwitch>();
        int truths = 0, predictions = 0, misses = 0, falsePositives = 0;
        foreach (var (f, gt, pr) in Frames(truth, predicted))
        {
            truths += gt.Count;
            predictions += pr.Count;

            // IDF1's counts: every corresponding (truth, prediction) pair of the frame.
            foreach (var g in gt)
            {
                foreach (var p in pr)
                {
                    if (Box.Iou(g.Box, p.Box) >= MinIou) shared[(g.Id, p.Id)] = shared.GetValueOrDefault((g.Id, p.Id)) + 1;
                }
            }

            // CLEAR MOT: keep the last matches that still correspond, then match the rest optimally.
            var pairs = new List<(int T, int P)>();
            var usedT = new bool[gt.Count];
            var usedP = new bool[pr.Count];
            for (int i = 0; i < gt.Count; i++)
            {
                if (!lastMatch.TryGetValue(gt[i].Id, out int last)) continue;
                int j = pr.FindIndex(p => p.Id == last);
                if (j < 0 || usedP[j] || Box.Iou(gt[i].Box, pr[j].Box) < MinIou) continue;
                pairs.Add((i, j));
                usedT[i] = usedP[j] = true;
            }
            var restT = Enumerable.Range(0, gt.Count).Where(i => !usedT[i]).ToList();
            var restP = Enumerable.Range(0, pr.Count).Where(j => !usedP[j]).ToList();
            foreach (var (a, b) in Match(restT.Select(i => gt[i]).ToList(), restP.Select(j => pr[j]).ToList())) pairs.Add((restT[a], restP[b]));
            foreach (var (i, j) in pairs)
            {
                int id = gt[i].Id, to = pr[j].Id;
                if (lastMatch.TryGetValue(id, out int from) && from != to) switches.Add(new IdSwitch(f, id, from, to));
                lastMatch[id] = to;
            }
            misses += gt.Count - pairs.Count;
            falsePositives += pr.Count - pairs.Count;
        }

        int idtp = IdTruePositives(shared);
        double idf1 = truths + predictions == 0 ? 1 : 2.0 * idtp / (truths + predictions);
        double mota = truths == 0 ? 1 : 1 - (double)(misses + falsePositives + switches.Count) / truths;
        return new MotScore(idf1, Hota.Score(truth, predicted), mota, switches.Count, truths, predictions, idtp, misses, falsePositives, switches);
    }

    /// <summary>Every frame of either sequence, in order, with the ignored truths and the predictions that match them (IoU ≥ 0.5, optimal pairs) removed.</summary>
    internal static IEnumerable<(long Frame, List<MotBox> Truth, List<MotBox> Predicted)> Frames(
        IReadOnlyDictionary<long, List<MotBox>> truth, IReadOnlyDictionary<long, List<MotBox>> predicted)
    {
        foreach (long f in truth.Keys.Union(predicted.Keys).Order())
        {
            var gt = truth.GetValueOrDefault(f) ?? new List<MotBox>();
            var pr = predicted.GetValueOrDefault(f) ?? new List<MotBox>();
            var onIgnored = Match(gt, pr).Where(p => gt[p.T].Ignore).Select(p => p.P).ToHashSet();
            yield return (f, gt.Where(g => !g.Ignore).ToList(), pr.Where((_, j) => !onIgnored.Contains(j)).ToList());
        }
    }

    /// <summary>The one-to-one pairing of identities with the most corresponding frames (Hungarian algorithm).</summary>
    private static int IdTruePositives(Dictionary<(int Truth, int Predicted), int> shared)
    {
        var rows = shared.Keys.Select(k => k.Truth).Distinct().ToList();
        var cols = shared.Keys.Select(k => k.Predicted).Distinct().ToList();
        int n = Math.Max(rows.Count, cols.Count);
        if (n == 0) return 0;
        var cost = new double[n, n];
        for (int i = 0; i < rows.Count; i++) for (int j = 0; j < cols.Count; j++) cost[i, j] = -shared.GetValueOrDefault((rows[i], cols[j]));
        int[] rowOf = Assignment.Hungarian(cost);
        int idtp = 0;
        for (int j = 0; j < cols.Count; j++) if (rowOf[j] < rows.Count) idtp += shared.GetValueOrDefault((rows[rowOf[j]], cols[j]));
        return idtp;
    }

    /// <summary>
    /// The pairs (truth index, prediction index) with an IoU of at least <see cref="MinIou"/>: as many
    /// as possible, then the least total 1 − IoU (leaving a row and a column unmatched costs 2, more
    /// than any pair).
    /// </summary>
    private static List<(int T, int P)> Match(List<MotBox> gt, List<MotBox> pr)
    {
        var cost = new double[gt.Count, pr.Count];
        for (int i = 0; i < gt.Count; i++)
        {
            for (int j = 0; j < pr.Count; j++)
            {
                double iou = Box.Iou(gt[i].Box, pr[j].Box);
                cost[i, j] = iou >= MinIou ? 1 - iou : double.PositiveInfinity;
            }
        }
        return Assignment.Solve(cost, 4).Select(p => (p.Row, p.Column)).ToList();
    }
}
