using VideoDetect.Tracking;

namespace VideoDetect.Tests.Tracking;

/// <summary>
/// HOTA (Luiten et al. 2021) as TrackEval computes it, with IoU as the similarity:
/// <list type="number">
/// <item>a global alignment score per (truth id, predicted id): the sum over frames of their IoU
/// normalised as an IoU over the frame's similarity matrix (sim / (row sum + column sum − sim)),
/// divided by (truth id's frames + predicted id's frames − that sum);</item>
/// <item>per frame, the Hungarian matching that maximises alignment score × IoU;</item>
/// <item>for each localisation threshold α = 0.05, 0.10, …, 0.95, the matched pairs with IoU ≥ α
/// are true positives; DetA = TP / (TP + FN + FP); AssA = mean over the TPs of
/// matches(t, p) / (frames(t) + frames(p) − matches(t, p)); HOTA_α = √(DetA · AssA);</item>
/// </list>
/// HOTA is the mean of HOTA_α over the 19 thresholds.
/// </summary>
public static class Hota
{
    public static double Score(IReadOnlyDictionary<long, List<MotBox>> truth, IReadOnlyDictionary<long, List<MotBox>> predicted)
    {
        var frames = MotMetrics.Frames(truth, predicted).Select(f => (f.Truth, f.Predicted, Iou: Similarity(f.Truth, f.Predicted))).ToList();
        var gtCount = new Dictionary<int, double>();
        var prCount = new Dictionary<int, double>();
        var potential = new Dictionary<(int, int), double>();
        foreach (var (gt, pr, iou) in frames)
        {
            foreach (var g in gt) gtCount[g.Id] = gtCount.GetValueOrDefault(g.Id) + 1;
            foreach (var p in pr) prCount[p.Id] = prCount.GetValueOrDefault(p.Id) + 1;
            for (int i = 0; i < gt.Count; i++)
            {
                for (int j = 0; j < pr.Count; j++)
                {
                    double denom = Enumerable.Range(0, pr.Count).Sum(k => iou[i, k]) + Enumerable.Range(0, gt.Count).Sum(k => iou[k, j]) - iou[i, j];
                    if (denom > 1e-12) potential[(gt[i].Id, pr[j].Id)] = potential.GetValueOrDefault((gt[i].Id, pr[j].Id)) + iou[i, j] / denom;
                }
            }
        }
        double Alignment(int g, int p) => potential.GetValueOrDefault((g, p)) is var m && m > 0 ? m / (gtCount[g] + prCount[p] - m) : 0;

        double[] alphas = Enumerable.Range(1, 19).Select(k => 0.05 * k).ToArray();
        var tp = new double[alphas.Length];
        var fn = new double[alphas.Length];
        var fp = new double[alphas.Length];
        var matches = alphas.Select(_ => new Dictionary<(int, int), double>()).ToArray();
        foreach (var (gt, pr, iou) in frames)
        {
            var pairs = new List<(int, int)>();
            if (gt.Count > 0 && pr.Count > 0)
            {
                int n = Math.Max(gt.Count, pr.Count);
                var cost = new double[n, n];
                for (int i = 0; i < gt.Count; i++) for (int j = 0; j < pr.Count; j++) cost[i, j] = -Alignment(gt[i].Id, pr[j].Id) * iou[i, j];
                int[] rowOf = Assignment.Hungarian(cost);
                for (int j = 0; j < pr.Count; j++) if (rowOf[j] < gt.Count) pairs.Add((rowOf[j], j));
            }
            for (int a = 0; a < alphas.Length; a++)
            {
                int matched = 0;
                foreach (var (i, j) in pairs)
                {
                    if (iou[i, j] < alphas[a] - 1e-12) continue;
                    matched++;
                    matches[a][(gt[i].Id, pr[j].Id)] = matches[a].GetValueOrDefault((gt[i].Id, pr[j].Id)) + 1;
                }
                tp[a] += matched;
                fn[a] += gt.Count - matched;
                fp[a] += pr.Count - matched;
            }
        }
        double sum = 0;
        for (int a = 0; a < alphas.Length; a++)
        {
            double assA = matches[a].Sum(kv => kv.Value * kv.Value / Math.Max(1, gtCount[kv.Key.Item1] + prCount[kv.Key.Item2] - kv.Value)) / Math.Max(1, tp[a]);
            double detA = tp[a] / Math.Max(1, tp[a] + fn[a] + fp[a]);
            sum += Math.Sqrt(detA * assA);
        }
        return sum / alphas.Length;
    }

    private static double[,] Similarity(List<MotBox> gt, List<MotBox> pr)
    {
        var s = new double[gt.Count, pr.Count];
        for (int i = 0; i < gt.Count; i++) for (int j = 0; j < pr.Count; j++) s[i, j] = Box.Iou(gt[i].Box, pr[j].Box);
        return s;
    }
}
