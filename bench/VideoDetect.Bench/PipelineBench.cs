using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

/// <summary>
/// Figure 4 and the memory half of 6: the pipeline as users run it, in a fresh pwsh that imports the
/// built module (out/VideoDetect): Split-VideoClip | ConvertTo-FrameBatch | Invoke-FrameDetection,
/// with and without Export-AnnotatedVideo. Each pwsh process imports the module and the model once,
/// warms up, then times every run itself (Stopwatch around the pipeline; import and start-up excluded).
/// </summary>
internal static class PipelineBench
{
    private const string Script = """
        param([string] $Module, [string] $Video, [string] $Model, [string] $Provider, [int] $End, [string] $Batches,
              [int] $Repeats, [int] $ExportBatch, [string] $ExportPath, [string] $OutFile, [switch] $Memory)
        $ErrorActionPreference = 'Stop'
        Import-Module $Module
        $m = Import-DetectionModel $Model -Provider $Provider
        $export = Get-Command Export-AnnotatedVideo -ErrorAction Ignore
        $exportParam = if ($export) { @('Path', 'OutputPath', 'Destination', 'LiteralPath', 'FilePath') | Where-Object { $export.Parameters.ContainsKey($_) } | Select-Object -First 1 }
        # CPU seconds of this process and of its waited-for children (the export's ffmpeg), from /proc/self/stat (Linux; 0 elsewhere).
        function Get-Cpu {
            if (-not (Test-Path /proc/self/stat)) { return @(0, 0) }
            $f = ((Get-Content /proc/self/stat -Raw) -replace '^.*\) ', '') -split ' '
            @([Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds, (([double] $f[13] + [double] $f[14]) / 100))
        }
        function Invoke-Pipeline([int] $BatchSize, [int] $Frames, [bool] $WithExport) {
            $cpu0 = Get-Cpu
            $split = @{ Length = 64 }
            if ($Frames -gt 0) { $split.End = $Frames }
            $alloc = [GC]::GetTotalAllocatedBytes($true)
            $sw = [Diagnostics.Stopwatch]::StartNew()
            if ($WithExport) {
                $target = @{ $exportParam = $ExportPath }
                if ($export.Parameters.ContainsKey('Force')) { $target.Force = $true } else { Remove-Item -LiteralPath $ExportPath -ErrorAction Ignore }
                Split-VideoClip $Video @split | ConvertTo-FrameBatch -BatchSize $BatchSize -Model $m | Invoke-FrameDetection -Confidence 0.3 |
                    Export-AnnotatedVideo @target | Out-Null
                $n = $Frames
            } else {
                $n = (Split-VideoClip $Video @split | ConvertTo-FrameBatch -BatchSize $BatchSize -Model $m | Invoke-FrameDetection -Confidence 0.3 | Measure-Object).Count
            }
            $ms = $sw.Elapsed.TotalMilliseconds
            $cpu1 = Get-Cpu
            [pscustomobject]@{ batch = $BatchSize; export = $WithExport; frames = $n; ms = $ms; allocated = [GC]::GetTotalAllocatedBytes($true) - $alloc
                cpu = $cpu1[0] - $cpu0[0]; childCpu = $cpu1[1] - $cpu0[1] }
        }
        $runs = [Collections.Generic.List[object]]::new()
        if ($Memory) {
            $r = Invoke-Pipeline ([int] $Batches) 0 $false
            $hwm = (Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }) -replace '\D', ''
            @{ runs = @($r); peakKib = [long] $hwm; export = [bool] $export } | ConvertTo-Json -Depth 4 | Set-Content $OutFile
            return
        }
        # Warm-up: JIT, the model session at each batch shape, the tensor pool at each size, the OS file cache.
        # A full-length run at each batch: tiered JIT needs more than a few batches to reach its final
        # code (a fresh pwsh ran 54, 63, then 70 frames/s over three 192-frame runs in a row).
        foreach ($b in $Batches -split ',') { $null = Invoke-Pipeline ([int] $b) $End $false }
        foreach ($rep in 1..$Repeats) {
            foreach ($b in $Batches -split ',') { $runs.Add((Invoke-Pipeline ([int] $b) $End $false)) }
        }
        $exportError = $null
        if ($export -and $exportParam) {
            try {
                $null = Invoke-Pipeline $ExportBatch 64 $true
                foreach ($rep in 1..$Repeats) {
                    $runs.Add((Invoke-Pipeline $ExportBatch $End $false))
                    $runs.Add((Invoke-Pipeline $ExportBatch $End $true))
                }
            } catch { $exportError = "$_" }
        }
        @{ runs = $runs; export = [bool] $export; exportParameter = $exportParam; exportError = $exportError } | ConvertTo-Json -Depth 4 | Set-Content $OutFile
        """;

    /// <summary>One timed run; <paramref name="Cpu"/> the pwsh process's CPU seconds, <paramref name="ChildCpu"/> its children's (ffmpeg, for an export).</summary>
    public sealed record Run(int Batch, bool Export, long Frames, double Ms, long Allocated, double Cpu = 0, double ChildCpu = 0);

    public sealed record Outcome(List<Run> Runs, bool ExportAvailable, long PeakKib, string? ExportError);

    /// <summary>Timed runs at every batch size (and, when Export-AnnotatedVideo exists, with and without it at <paramref name="exportBatch"/>).</summary>
    public static Outcome Time(Setup setup, string module, int exportBatch) =>
        Start(setup, module, setup.Vtest, string.Join(",", setup.Batches), exportBatch, memory: false, repeats: 1);

    /// <summary>Only the export pair (`--only export`): at <paramref name="batch"/>, <paramref name="repeats"/> runs with Export-AnnotatedVideo, each beside one without.</summary>
    public static Outcome TimeExport(Setup setup, string module, int batch, int repeats) =>
        Start(setup, module, setup.Vtest, batch.ToString(CultureInfo.InvariantCulture), batch, memory: false, repeats: repeats);

    /// <summary>One run over the whole of <paramref name="video"/> in a fresh pwsh, for its peak RSS.</summary>
    public static Outcome PeakMemory(Setup setup, string module, string video, int batch) =>
        Start(setup, module, video, batch.ToString(CultureInfo.InvariantCulture), batch, memory: true, repeats: 1);

    private static Outcome Start(Setup setup, string module, string video, string batches, int exportBatch, bool memory, int repeats)
    {
        string script = Path.Combine(setup.Output, "pipeline.ps1");
        File.WriteAllText(script, Script);
        string outFile = Path.Combine(setup.Output, memory ? "pipeline-memory.json" : "pipeline-runs.json");
        File.Delete(outFile);
        var (file, prefix) = PwshCommand();
        var psi = new ProcessStartInfo(file);
        foreach (var a in prefix) psi.ArgumentList.Add(a);
        foreach (var a in new[]
        {
            "-NoProfile", "-NonInteractive", "-File", script, "-Module", module, "-Video", video, "-Model", setup.ModelPath,
            "-Provider", setup.Provider.ToString(), "-End", setup.PipelineFrames.ToString(CultureInfo.InvariantCulture), "-Batches", batches,
            "-Repeats", repeats.ToString(CultureInfo.InvariantCulture), "-ExportBatch", exportBatch.ToString(CultureInfo.InvariantCulture),
            "-ExportPath", Path.Combine(setup.Output, "annotated.mp4"), "-OutFile", outFile,
        }) psi.ArgumentList.Add(a);
        if (memory) psi.ArgumentList.Add("-Memory");
        using (var p = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start"))
        {
            p.WaitForExit();
            if (p.ExitCode != 0 || !File.Exists(outFile)) throw new InvalidOperationException($"the pwsh pipeline run failed (exit code {p.ExitCode}); see its output above.");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(outFile));
        var root = doc.RootElement;
        var runs = new List<Run>();
        var runsElement = root.GetProperty("runs");
        foreach (var r in runsElement.ValueKind == JsonValueKind.Array ? runsElement.EnumerateArray() : new[] { runsElement }.AsEnumerable())
        {
            runs.Add(new Run(r.GetProperty("batch").GetInt32(), r.GetProperty("export").GetBoolean(), r.GetProperty("frames").GetInt64(),
                r.GetProperty("ms").GetDouble(), r.GetProperty("allocated").GetInt64(),
                r.TryGetProperty("cpu", out var cpu) ? cpu.GetDouble() : 0, r.TryGetProperty("childCpu", out var child) ? child.GetDouble() : 0));
        }
        long peak = root.TryGetProperty("peakKib", out var pk) ? pk.GetInt64() : 0;
        string? exportError = root.TryGetProperty("exportError", out var ee) && ee.ValueKind == JsonValueKind.String ? ee.GetString() : null;
        return new Outcome(runs, root.GetProperty("export").GetBoolean(), peak, exportError);
    }

    /// <summary>
    /// How to start pwsh: $VIDEODETECT_PWSH (build.ps1 sets it to its own pwsh.dll), else pwsh on the
    /// PATH, else the repository's local tool (dotnet pwsh).
    /// </summary>
    internal static (string File, string[] Prefix) PwshCommand()
    {
        string? configured = Environment.GetEnvironmentVariable("VIDEODETECT_PWSH");
        if (!string.IsNullOrEmpty(configured))
            return configured.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", new[] { configured }) : (configured, Array.Empty<string>());
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "pwsh"))) return (Path.Combine(dir, "pwsh"), Array.Empty<string>());
        }
        return ("dotnet", new[] { "pwsh" });
    }
}
