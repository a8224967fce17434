namespace VideoDetect.Tracking;

/// <summary>
/// Minimum-cost assignment with a cost limit, as ByteTrack's <c>lap.lapjv(cost, extend_cost=True,
/// cost_limit=thresh)</c>: rows and columns may stay unmatched, and a pair is matched only when its
/// cost is at most the limit. The rectangular matrix is extended to a square one in which every row
/// and every column also has a private "unmatched" option costing half the limit (lapjv's
/// construction), and solved exactly with the Hungarian algorithm (Kuhn–Munkres with potentials,
/// O(n³); n is the number of tracks plus detections of one class in one frame, tens at most).
/// </summary>
public static class Assignment
{
    private const double Forbidden = 1e9;

    /// <summary>Pairs (row, column) of the optimal assignment whose cost is ≤ <paramref name="limit"/>.</summary>
    public static List<(int Row, int Column)> Solve(double[,] cost, double limit)
    {
        // Rows and columns with no pair within the limit can only stay unmatched: leave them out, which
        // is exact and usually shrinks a frame's problem to the few objects that overlap anything.
        var rowIds = new List<int>();
        var colIds = new List<int>();
        var colFeasible = new bool[cost.GetLength(1)];
        for (int i = 0; i < cost.GetLength(0); i++)
        {
            bool any = false;
            for (int j = 0; j < cost.GetLength(1); j++)
            {
                if (cost[i, j] <= limit) { any = true; colFeasible[j] = true; }
            }
            if (any) rowIds.Add(i);
        }
        for (int j = 0; j < colFeasible.Length; j++) if (colFeasible[j]) colIds.Add(j);
        int rows = rowIds.Count, cols = colIds.Count;
        var pairs = new List<(int, int)>();
        if (rows == 0 || cols == 0) return pairs;
        int n = rows + cols;
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                c[i, j] = (i < rows, j < cols) switch
                {
                    (true, true) => cost[rowIds[i], colIds[j]] <= limit ? cost[rowIds[i], colIds[j]] : Forbidden,
                    (true, false) => j - cols == i ? limit / 2 : Forbidden,
                    (false, true) => i - rows == j ? limit / 2 : Forbidden,
                    (false, false) => 0,
                };
            }
        }
        int[] rowOf = Hungarian(c);
        for (int j = 0; j < cols; j++)
        {
            int i = rowOf[j];
            if (i < rows && cost[rowIds[i], colIds[j]] <= limit) pairs.Add((rowIds[i], colIds[j]));
        }
        pairs.Sort();
        return pairs;
    }

    /// <summary>The Hungarian algorithm on a square matrix: for each column, its row.</summary>
    internal static int[] Hungarian(double[,] a)
    {
        int n = a.GetLength(0);
        // 1-based potentials u (rows), v (columns); p[j] = row matched to column j; way = augmenting path.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var p = new int[n + 1];
        var way = new int[n + 1];
        var minv = new double[n + 1];
        var used = new bool[n + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Fill(used, false);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double cur = a[i0 - 1, j - 1] - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= n; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var rowOf = new int[n];
        for (int j = 1; j <= n; j++) rowOf[j - 1] = p[j] - 1;
        return rowOf;
    }
}
