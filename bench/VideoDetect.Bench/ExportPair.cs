using System.Globalization;
using System.Text.Json;

/// <summary>
/// Figure 4's export pair alone (`--only export`), profiled: the pwsh pipeline over the first frames of
/// vtest.avi with and without Export-AnnotatedVideo (interleaved, medians), the CPU of the pwsh process
/// and of the encoder (its ffmpeg child), and the export worker's own split of its time
/// (VIDEODETECT_EXPORT_PROFILE: second decode, drawing, hand-over to the encoder, waiting for detections).
/// </summary>
internal static class ExportPair
{
    public static void Run(Setup setup, Results results, string module, int batch, int repeats)
    {
        string profile = Path.Combine(setup.Output, "export-profile.jsonl");
        File.Delete(profile);
        Environment.SetEnvironmentVariable("VIDEODETECT_EXPORT_PROFILE", profile);
        PipelineBench.Outcome outcome;
        try { outcome = PipelineBench.TimeExport(setup, module, batch, repeats); }
        finally { Environment.SetEnvironmentVariable("VIDEODETECT_EXPORT_PROFILE", null); }
        if (outcome.ExportError is { } error) { results.Note($"export: Export-AnnotatedVideo failed: {error}"); return; }
        var with = outcome.Runs.Where(r => r.Export).ToList();
        // The baseline is the run just before each export (same load), not every plain run.
        var without = outcome.Runs.Where((r, i) => !r.Export && i + 1 < outcome.Runs.Count && outcome.Runs[i + 1].Export).ToList();
        if (with.Count == 0) { results.Note("export: Export-AnnotatedVideo is not available in this build; not measured."); return; }
        foreach (var r in outcome.Runs)
            Console.WriteLine($"  batch {r.Batch}{(r.Export ? " + export" : "         ")}: {r.Ms:F0} ms, CPU {r.Cpu:F2} s + children {r.ChildCpu:F2} s");
        results.Add(new Figure
        {
            Section = "4 end-to-end (pwsh)", Name = $"with Export-AnnotatedVideo, batch {batch}: time", Value = Stats.Median(with.Select(r => r.Ms)), Unit = "ms",
            Baseline = "same pipeline without export", BaselineValue = Stats.Median(without.Select(r => r.Ms)), Goal = Target.AtMost(1.25),
            Note = $"{setup.PipelineFrames} frames, medians of {with.Count} and {without.Count}, interleaved; each pair: {string.Join(", ", Pairs(outcome.Runs).Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}",
        });
        results.Add(new Figure
        {
            Section = "4 end-to-end (pwsh)", Name = $"with Export-AnnotatedVideo, batch {batch}: CPU (pwsh + encoder)", Value = Stats.Median(with.Select(r => r.Cpu + r.ChildCpu)), Unit = "s",
            Baseline = "same pipeline without export", BaselineValue = Stats.Median(without.Select(r => r.Cpu + r.ChildCpu)),
            Note = $"of which the encoder (ffmpeg children) {Stats.Median(with.Select(r => r.ChildCpu)):F2} s",
        });
        if (!File.Exists(profile)) return;
        var lines = File.ReadAllLines(profile).Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("frames").GetInt64() == setup.PipelineFrames).ToList();
        if (lines.Count == 0) return;
        double PerFrame(string name) => Stats.Median(lines.Select(e => e.GetProperty(name).GetDouble() / e.GetProperty("frames").GetInt64()));
        string split = $"export worker per frame (median of {lines.Count} exports): second decode {PerFrame("decodeMs"):F2} ms, drawing {PerFrame("drawMs"):F2} ms, " +
            $"hand-over to the encoder (yuv420p conversion + pipe, waiting when ffmpeg is behind; with its tail at the end) {PerFrame("writeMs"):F2} ms, waiting for detections {PerFrame("waitMs"):F2} ms";
        Console.WriteLine("  " + split);
        results.Note("export: " + split);
    }

    /// <summary>Each export run over the plain run just before it.</summary>
    private static IEnumerable<double> Pairs(List<PipelineBench.Run> runs)
    {
        for (int i = 1; i < runs.Count; i++)
            if (runs[i].Export && !runs[i - 1].Export) yield return runs[i].Ms / runs[i - 1].Ms;
    }
}
