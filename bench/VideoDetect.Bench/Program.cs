using System.Diagnostics;
using System.Globalization;
using System.Text;

// Benchmarks for `build.ps1 bench`. Every figure is a median of several runs, set against a
// baseline measured in the same process (absolute figures beside it for information).
//   VideoDetect.Bench [shared-dir] [output-dir]      all suites
//   VideoDetect.Bench memory <video> <batchSize>     (internal) one batching run; prints peak RSS
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] == "memory")
{
    BatchingBench.MemoryChild(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    return;
}
string shared = args.Length > 0 ? args[0] : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared"));
string output = args.Length > 1 ? args[1] : Path.GetFullPath("out/bench");
Directory.CreateDirectory(output);
var report = new StringBuilder();
report.AppendLine($"# VideoDetect benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
report.AppendLine();
PlanningBench.Run(shared, report);
BatchingBench.Run(shared, output, report);
InferenceBench.Run(shared, report);
string file = Path.Combine(output, "results.md");
File.WriteAllText(file, report.ToString());
Console.WriteLine(report);
Console.WriteLine($"Results written to {file}");

internal static class Measure
{
    public static double MedianMs(Action action, int runs)
    {
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
