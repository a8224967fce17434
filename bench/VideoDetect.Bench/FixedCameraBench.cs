using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Tests;

/// <summary>
/// 12 (on request, `--only fixed-camera`; `--minutes m` sets the length, 55 by default): a fixed camera
/// at the speed of its decode (issue 25, point 9). The video is made here (FixedCameraVideo: vtest.avi's
/// background with sensor noise and six 4-second bursts of people, H.264, 768×576, 10 fps), cached under
/// the output folder and reused. One child pwsh imports the module once and, per round, times
/// `ffmpeg -i f -f null -` (the baseline), `Split-VideoClip | ConvertTo-FrameBatch -SkipStatic` alone
/// (decode + gate + preprocessing, no inference), then the default gated pipeline down to
/// ConvertTo-DetectionEvent, and that pipeline again with VIDEODETECT_DECODER=opencv (OpenCV's FFmpeg,
/// every frame converted to BGR: the decoder before the ffmpeg pipe); CPU seconds include the decoding
/// ffmpeg children. Goal: the pipeline ≤ 2× ffmpeg's decode, an event for every burst. The profiles
/// (this process, one pass each): per frame, OpenCV's decode (grab), BGR conversion (retrieve) and the
/// gate, and why each inferred frame was inferred (clip start, motion, -MaxSkip); then the ffmpeg pipe
/// source's read, gate on luma and BGR conversion of the inferred frames only, with ffmpeg's CPU.
/// </summary>
internal static class FixedCameraBench
{
    private const string Script = """
        param([string] $Module, [string] $Video, [string] $Model, [int] $Repeats, [string] $OutFile, [string] $FfmpegCommand)
        $ErrorActionPreference = 'Stop'
        Import-Module $Module
        $m = Import-DetectionModel $Model
        # CPU seconds of this process and of its waited-for children (ffmpeg), from /proc/self/stat.
        function Cpu {
            $f = ((Get-Content /proc/self/stat -Raw) -replace '^.*\) ', '') -split ' '
            [pscustomobject]@{ self = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds; children = ([double] $f[13] + [double] $f[14]) / 100 }
        }
        # CPU seconds since $Since: this process and its children (the decoding ffmpeg processes, reaped when they end).
        function CpuSince($Since) { $c = Cpu; ($c.self - $Since.self) + ($c.children - $Since.children) }
        function Pipeline([int] $End) {
            $script:inferred = 0
            $split = @{ Length = 64 }; if ($End -gt 0) { $split.End = $End }
            $cpu = Cpu
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $events = @(Split-VideoClip -LiteralPath $Video @split | ConvertTo-FrameBatch -Model $m -SkipStatic | ForEach-Object { $script:inferred += $_.Count; $_ } |
                Invoke-FrameDetection | Add-DetectionTrack | ConvertTo-DetectionEvent)
            [pscustomobject]@{ seconds = $sw.Elapsed.TotalSeconds; cpu = CpuSince $cpu; inferred = $script:inferred
                events = @($events | ForEach-Object { [pscustomobject]@{ label = $_.Label; start = $_.StartFrame; end = $_.EndFrame } }) }
        }
        $null = Pipeline 640   # warm-up: JIT, the model's session, the pools
        $env:VIDEODETECT_DECODER = 'opencv'; $null = Pipeline 640; $env:VIDEODETECT_DECODER = $null
        $rounds = foreach ($r in 1..$Repeats) {
            $cpu = Cpu
            $sw = [Diagnostics.Stopwatch]::StartNew()
            & $FfmpegCommand -v error -nostdin -i $Video -f null -
            if ($LASTEXITCODE -ne 0) { throw "ffmpeg failed on $Video" }
            $ffmpegSeconds = $sw.Elapsed.TotalSeconds
            $ffmpegCpu = (Cpu).children - $cpu.children
            $cpu = Cpu
            $sw.Restart()
            $batched = 0
            Split-VideoClip -LiteralPath $Video -Length 64 | ConvertTo-FrameBatch -Model $m -SkipStatic | ForEach-Object { $batched += $_.Count; $_.Dispose() }
            $batching = $sw.Elapsed.TotalSeconds
            $batchingCpu = CpuSince $cpu
            $p = Pipeline 0
            # The same pipeline decoding through OpenCV's FFmpeg (VideoReader: every frame converted to BGR), same round.
            $env:VIDEODETECT_DECODER = 'opencv'
            try { $o = Pipeline 0 } finally { $env:VIDEODETECT_DECODER = $null }
            [pscustomobject]@{ ffmpeg = $ffmpegSeconds; ffmpegCpu = $ffmpegCpu; batching = $batching; batchingCpu = $batchingCpu; pipeline = $p.seconds; pipelineCpu = $p.cpu
                inferred = $p.inferred; batchedFrames = $batched; events = $p.events
                openCv = $o.seconds; openCvCpu = $o.cpu; openCvInferred = $o.inferred; openCvEvents = $o.events }
        }
        @{ rounds = @($rounds) } | ConvertTo-Json -Depth 5 | Set-Content $OutFile
        """;

    public static void Run(Setup setup, Results results, string module, double minutes, int repeats)
    {
        const int bursts = 6, burstFrames = 40;
        string name = string.Create(CultureInfo.InvariantCulture, $"fixed-camera-{minutes:0.##}min-{bursts}x{burstFrames}.mp4");
        string video = Path.Combine(setup.Output, name);
        bool made = !File.Exists(video);
        var clock = Stopwatch.StartNew();
        var plan = FixedCameraVideo.Make(setup.Vtest, video, minutes, bursts, burstFrames);
        long frames = (long)Math.Round(minutes * 600);
        Console.WriteLine($"  {video}: {frames} frames, bursts at {string.Join(", ", plan.Select(b => $"{b.First}..{b.End - 1}"))}" + (made ? $" (made in {clock.Elapsed.TotalSeconds:F0} s)" : " (cached)"));

        Profile(video, results);
        ProfilePipe(video, results, inProcess: true);
        ProfilePipe(video, results, inProcess: false);

        string script = Path.Combine(setup.Output, "fixed-camera.ps1");
        File.WriteAllText(script, Script);
        string outFile = Path.Combine(setup.Output, "fixed-camera-runs.json");
        File.Delete(outFile);
        var (file, prefix) = PipelineBench.PwshCommand();
        var psi = new ProcessStartInfo(file);
        foreach (var a in prefix) psi.ArgumentList.Add(a);
        foreach (var a in new[]
        {
            "-NoProfile", "-NonInteractive", "-File", script, "-Module", module, "-Video", video, "-Model", setup.ModelPath,
            "-Repeats", repeats.ToString(CultureInfo.InvariantCulture), "-OutFile", outFile, "-FfmpegCommand", "ffmpeg",
        }) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start"))
        {
            p.WaitForExit();
            if (p.ExitCode != 0 || !File.Exists(outFile)) throw new InvalidOperationException($"the fixed-camera pipeline run failed (exit code {p.ExitCode}); see its output above.");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(outFile));
        var rounds = doc.RootElement.GetProperty("rounds").EnumerateArray().ToList();
        var ratios = new List<double>();
        int round = 0;
        foreach (var r in rounds)
        {
            round++;
            double ffmpeg = r.GetProperty("ffmpeg").GetDouble(), batching = r.GetProperty("batching").GetDouble(), pipeline = r.GetProperty("pipeline").GetDouble();
            double ffmpegCpu = r.GetProperty("ffmpegCpu").GetDouble(), batchingCpu = r.GetProperty("batchingCpu").GetDouble(), pipelineCpu = r.GetProperty("pipelineCpu").GetDouble();
            long inferred = r.GetProperty("inferred").GetInt64();
            var events = r.GetProperty("events").EnumerateArray().Select(e => (Label: e.GetProperty("label").GetString(), Start: e.GetProperty("start").GetInt64(), End: e.GetProperty("end").GetInt64())).ToList();
            int caught = plan.Count(b => events.Any(e => e.Label == "person" && e.Start < b.End && e.End >= b.First));
            double openCv = r.GetProperty("openCv").GetDouble(), openCvCpu = r.GetProperty("openCvCpu").GetDouble();
            long openCvInferred = r.GetProperty("openCvInferred").GetInt64();
            var openCvEvents = r.GetProperty("openCvEvents").EnumerateArray().Select(e => (Label: e.GetProperty("label").GetString(), Start: e.GetProperty("start").GetInt64(), End: e.GetProperty("end").GetInt64())).ToList();
            int openCvCaught = plan.Count(b => openCvEvents.Any(e => e.Label == "person" && e.Start < b.End && e.End >= b.First));
            ratios.Add(pipeline / ffmpeg);
            Console.WriteLine($"  round {round}: decoding through OpenCV (VIDEODETECT_DECODER=opencv): pipeline {openCv:F1} s ({openCv / ffmpeg:F2}×), CPU {openCvCpu:F1} s ({openCvCpu / ffmpegCpu:F2}×); " +
                $"inferred {openCvInferred}; events {openCvEvents.Count}, bursts with a person event {openCvCaught} of {plan.Count}");
            results.Add(new Figure
            {
                Section = "12 fixed camera", Name = $"gated pipeline decoding through OpenCV (VIDEODETECT_DECODER=opencv), {minutes:0.##} min, round {round}: time", Value = openCv, Unit = "s",
                Baseline = "ffmpeg -i f -f null -", BaselineValue = ffmpeg,
                Note = $"CPU {openCvCpu:F1} s against ffmpeg's {ffmpegCpu:F1} s ({openCvCpu / ffmpegCpu:F2}×); inferred {openCvInferred}; {openCvCaught} of {plan.Count} bursts with a person event",
            });
            Console.WriteLine($"  round {round}: ffmpeg -f null {ffmpeg:F1} s; batching (decode + gate + preprocess) {batching:F1} s ({batching / ffmpeg:F2}×); " +
                $"pipeline {pipeline:F1} s ({pipeline / ffmpeg:F2}×); CPU s ffmpeg {ffmpegCpu:F1}, batching {batchingCpu:F1} ({batchingCpu / ffmpegCpu:F2}×), pipeline {pipelineCpu:F1} ({pipelineCpu / ffmpegCpu:F2}×); inferred {inferred} of {frames} ({100.0 * inferred / frames:F2} %); events {events.Count}, bursts with a person event {caught} of {plan.Count}");
            results.Add(new Figure
            {
                Section = "12 fixed camera", Name = $"gated pipeline to ConvertTo-DetectionEvent, {minutes:0.##} min, round {round}: time", Value = pipeline, Unit = "s",
                Baseline = "ffmpeg -i f -f null -", BaselineValue = ffmpeg, Goal = Target.AtMost(2.0),
                Note = $"CPU {pipelineCpu:F1} s against ffmpeg's {ffmpegCpu:F1} s ({pipelineCpu / ffmpegCpu:F2}×); inferred {inferred} of {frames} frames ({100.0 * inferred / frames:F2} %); batching alone {batching:F1} s ({batching / ffmpeg:F2}×); {events.Count} events, {caught} of {plan.Count} bursts with a person event",
            });
            results.Add(new Figure
            {
                Section = "12 fixed camera", Name = $"bursts with a person event, round {round}", Value = caught, Unit = "bursts",
                Baseline = "bursts", BaselineValue = plan.Count, Goal = Target.AtLeast(1.0),
            });
        }
        if (ratios.Count > 1) results.Note($"12: pipeline ÷ ffmpeg per round: {string.Join(", ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} (median {Stats.Median(ratios):F2}).");
    }

    /// <summary>The profile's pass stops here (10 minutes at 10 fps): enough for per-frame costs and the reasons' shares, and it keeps the 55-minute case short.</summary>
    private const long ProfileFrames = 6000;

    /// <summary>One pass over (the first <see cref="ProfileFrames"/> of) the video in this process: FFmpeg's decode (grab), the BGR conversion (retrieve) and the gate per frame, and each inferred frame's reason.</summary>
    private static void Profile(string video, Results results)
    {
        var options = new MotionGateOptions();
        using var gate = new MotionGate(options);
        using var capture = new VideoCapture(video);
        using var mat = new Mat();
        var grab = new Stopwatch();
        var retrieve = new Stopwatch();
        var admit = new Stopwatch();
        long n = 0, clipStarts = 0, motion = 0, maxSkip = 0;
        double fps = capture.Fps > 0 ? capture.Fps : 10;
        var selfCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        while (n < ProfileFrames)
        {
            grab.Start();
            bool ok = capture.Grab();
            grab.Stop();
            if (!ok) break;
            retrieve.Start();
            capture.Retrieve(mat);
            retrieve.Stop();
            bool first = n % 64 == 0;
            if (first) gate.Restart();
            admit.Start();
            bool infer = gate.Admit(mat, n, TimeSpan.FromSeconds(n / fps));
            admit.Stop();
            if (infer)
            {
                if (first) clipStarts++;
                else if (gate.LastChange >= options.Threshold && gate.LastChange > 0) motion++;
                else maxSkip++;
            }
            n++;
        }
        double PerFrame(Stopwatch s) => s.Elapsed.TotalMilliseconds * 1000 / Math.Max(1, n);
        string line = $"profile over {n} frames ({total.Elapsed.TotalSeconds:F1} s): FFmpeg decode (grab) {PerFrame(grab):F0} µs/frame, BGR conversion (retrieve) {PerFrame(retrieve):F0} µs/frame, " +
            $"gate {PerFrame(admit):F0} µs/frame; CPU {(Process.GetCurrentProcess().TotalProcessorTime - selfCpu).TotalSeconds:F1} s; the gate infers {clipStarts + motion + maxSkip} frames ({100.0 * (clipStarts + motion + maxSkip) / Math.Max(1, n):F2} %): " +
            $"{clipStarts} clip starts, {motion} on motion, {maxSkip} at -MaxSkip ({options.MaxSkip})";
        Console.WriteLine("  " + line);
        results.Note("12: " + line);
        results.Add(new Figure { Section = "12 fixed camera", Name = "profile: BGR conversion per frame", Value = PerFrame(retrieve), Unit = "µs", Baseline = "FFmpeg decode (grab)", BaselineValue = PerFrame(grab) });
        results.Add(new Figure { Section = "12 fixed camera", Name = "profile: gate per frame", Value = PerFrame(admit), Unit = "µs", Baseline = "FFmpeg decode (grab)", BaselineValue = PerFrame(grab) });
    }

    /// <summary>CPU seconds of this process's reaped children (the decoding ffmpeg), from /proc/self/stat.</summary>
    private static double ChildrenCpu()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(f[13], CultureInfo.InvariantCulture) + double.Parse(f[14], CultureInfo.InvariantCulture)) / 100;
    }

    /// <summary>
    /// The same pass through the source a gated run uses (<see cref="VideoDetect.Video.FfmpegFileSource"/>: the
    /// system's FFmpeg, in this process through libavcodec when <paramref name="inProcess"/> and it loads, else
    /// the ffmpeg executable on a yuv420p pipe): reading a frame (wall: waiting for ffmpeg included), the gate on
    /// the luma plane, the BGR conversion of the inferred frames only; ffmpeg's own CPU from the reaped child.
    /// </summary>
    private static void ProfilePipe(string video, Results results, bool inProcess)
    {
        var probed = VideoDetect.Video.VideoProbe.Probe(video);
        var options = new MotionGateOptions();
        using var gate = new MotionGate(options);
        using var mat = new Mat();
        var grab = new Stopwatch();
        var retrieve = new Stopwatch();
        var admit = new Stopwatch();
        long n = 0, inferred = 0;
        double childCpu = ChildrenCpu();
        var selfCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        string how = inProcess ? "in process (libavcodec)" : "through ffmpeg's pipe";
        using (var source = VideoDetect.Video.FrameSources.OpenGatedFile(video, probed.Index, inProcess: inProcess))
        {
            if (source is not VideoDetect.Video.FfmpegFileSource luma)
            {
                Console.WriteLine("  profile through the system's FFmpeg: not used for this file (no ffmpeg/ffprobe, or VIDEODETECT_DECODER=opencv)");
                return;
            }
            while (n < ProfileFrames)
            {
                grab.Start();
                bool ok = source.Grab();
                grab.Stop();
                if (!ok) break;
                if (n % 64 == 0) gate.Restart();
                admit.Start();
                luma.TryGetLuma(out var plane);
                bool infer = gate.AdmitLuma(plane, n, source.CurrentTime, luma.LumaIsFullRange);
                admit.Stop();
                if (infer)
                {
                    inferred++;
                    retrieve.Start();
                    source.Retrieve(mat);
                    retrieve.Stop();
                }
                n++;
            }
            if (inProcess && luma.InProcess != true) how = $"through ffmpeg's pipe (in process asked, but: {luma.WhyNotInProcess})";
        }
        double ffmpegCpu = ChildrenCpu() - childCpu;
        double ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - selfCpu).TotalSeconds;
        double PerFrame(Stopwatch s) => s.Elapsed.TotalMilliseconds * 1000 / Math.Max(1, n);
        string line = $"profile {how} over {n} frames ({total.Elapsed.TotalSeconds:F1} s): read a frame (grab, waiting for ffmpeg included) {PerFrame(grab):F0} µs/frame, " +
            $"gate on luma {PerFrame(admit):F0} µs/frame, BGR conversion of the {inferred} inferred frames {retrieve.Elapsed.TotalMilliseconds * 1000 / Math.Max(1, inferred):F0} µs each ({PerFrame(retrieve):F0} µs/frame); " +
            $"CPU: ffmpeg {ffmpegCpu:F1} s ({ffmpegCpu * 1e6 / Math.Max(1, n):F0} µs/frame), this process {ownCpu:F1} s ({ownCpu * 1e6 / Math.Max(1, n):F0} µs/frame)";
        Console.WriteLine("  " + line);
        results.Note("12: " + line);
        results.Add(new Figure { Section = "12 fixed camera", Name = $"profile {how}: gate on luma per frame", Value = PerFrame(admit), Unit = "µs", Baseline = "read a frame (grab)", BaselineValue = PerFrame(grab) });
    }
}
