#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Live cameras (issue 28): latency from a frame's arrival to its event on the broker, frames lost
    over a run with one server restart, RSS over a long run, CPU per live stream; all at 10 fps on the CPU.
.DESCRIPTION
    The camera: vtest.avi (people walking, 768x576, 10 fps) encoded once to H.264 (a key frame each
    second) and served, looped in real time, as HTTP MPEG-TS by `ffmpeg -re -listen 1` on 127.0.0.1
    (GStreamer's RTSP server in tests/Pester/Scripts serves a test pattern, not a file; HTTP is the same
    live path: an ffmpeg reader child, the same buffer and clip cutter). The server writes `-progress`
    so the frames it sent are counted exactly. Debian's mosquitto is the broker; `mosquitto_sub -F "%U %p"`
    stamps each message's arrival (Unix time, ns). The pipeline runs in a child pwsh (its own process,
    so its RSS and CPU are its own), the main live pipeline of the issue:

        Split-VideoClip -Path http://... -Duration 2s|-Length 5 -For ... | ConvertTo-FrameBatch -Model $m |
          Invoke-FrameDetection | Add-DetectionTrack | <frame log> | ConvertTo-DetectionEvent -EmitOpen |
          Send-DetectionEvent -MqttServer 127.0.0.1:port -Topic bench/live -OnOpen

    <frame log> writes, per frame leaving the tracker: FrameIndex, StartedAt (ms), the time it left
    (ms), 1 if it carries the GapBefore marker. "Arrival" of a frame is its StartedAt: the wall-clock
    time the live reader took it off ffmpeg's pipe (LiveStream: RecordingStart + receive stopwatch; the
    stream has no clock of its own over MPEG-TS here). A "new" message (the event opened) carries
    startedAt (the arrival of the event's first frame) and endedAt (the arrival of the frame that made
    it count, the frame being processed when it was sent); "end" messages carry the last sighting.

    Cases (-Case, default all):
      Latency  per setting in -Setting, "clip[/linkWindowSeconds[/batchSize]]" (default: 2s, the issue's
               example with every other parameter at its default; 5 frames; 5 frames and -LinkWindow 0,
               as Add-DetectionTrack holds frames -LinkWindow (4 s) to link tracks; the same, -BatchSize 1): median and
               95th percentile of (a) broker arrival - endedAt of each "new" message: a frame's arrival to
               its event on the broker; (b) broker arrival - startedAt: from the first sighting, adding the
               tracker's confirmation; (c) per frame, leaving the tracker - arrival (clip fill, decode,
               batching, inference, tracking). The first -Warmup seconds of the stream are left out.
      Loss     -LossMinutes run; the server is stopped (SIGTERM: the stream ends, as when a camera
               reboots; it reports the frames it sent) at half time, restarted -Down seconds later, and
               stopped 8 s before the run's -For ends so every frame it sent can arrive. Sent (both
               servers' counts) vs received (the reader numbers every frame it takes off the pipe: last
               index + 1), frames dropped by the buffer (index holes), doubled indices, gap markers and
               gap warnings (expected: exactly one).
      Rss      -RssMinutes run; the child's RSS (and its ffmpeg reader's) every -RssInterval s into
               rss.csv; medians of the first and last 5 minutes (the first minute left out) and the
               least-squares slope after the first 5 minutes, MB per hour.
      Cpu      for each count in -Streams: that many servers and pipelines (one child pwsh each) side by
               side; CPU seconds (utime+stime from /proc) of each child and its ffmpeg reader over a
               -CpuWindow s window after -Warmup s, divided by stream seconds: % of one core per stream.
    Results: out/bench/live/<case>.json (each case its own file, so a long case may run apart) and
    out/bench/live/live.md made from every JSON there. Every child process is ended in `finally`.
    The machine may be loaded: -Load names it in the results ("2-core VM, loaded: 4 other helpers building").
.EXAMPLE
    dotnet pwsh ./build.ps1 build; dotnet pwsh ./bench/live.ps1
.EXAMPLE
    dotnet pwsh ./bench/live.ps1 -Case Latency,Loss,Rss,Cpu -LatencyMinutes 0.5 -LossMinutes 1 -RssMinutes 1 -CpuWindow 20   # a smoke run
#>
param(
    [string[]] $Case = @('Latency', 'Loss', 'Rss', 'Cpu'),
    [string] $Module = (Join-Path $PSScriptRoot '../out/VideoDetect'),
    [string] $Shared = $(if ($env:VIDEODETECT_SHARED) { $env:VIDEODETECT_SHARED } else { Join-Path $PSScriptRoot '../../shared' }),
    [string] $Model = 'yolox_nano.onnx',
    [string] $OutDir = (Join-Path $PSScriptRoot '../out/bench/live'),
    [string[]] $Setting = @('2s', '5', '5/0', '5/0/1'),
    [double] $LatencyMinutes = 2,
    [double] $LossMinutes = 10,
    [double] $Down = 3,
    [double] $RssMinutes = 30,
    [double] $RssInterval = 10,
    [string[]] $Streams = @('1', '2'),
    [double] $CpuWindow = 60,
    [double] $Warmup = 15,
    [string] $Load = "$([Environment]::ProcessorCount)-core, quiet"
)
$ErrorActionPreference = 'Stop'
# Lists may come as one comma-separated word (pwsh -File passes "a,b" as one string).
$Case = @($Case -split ','); $Setting = @($Setting -split ','); $Streams = @($Streams -split ',' | ForEach-Object { [int]$_ })
foreach ($c in $Case) { if ($c -notin 'Latency', 'Loss', 'Rss', 'Cpu') { throw "Unknown case '$c' (Latency, Loss, Rss, Cpu)." } }
. (Join-Path $PSScriptRoot 'live-lib.ps1')
foreach ($tool in 'ffmpeg', 'mosquitto_sub') { if (-not (Get-Command $tool -ErrorAction Ignore)) { throw "Needs $tool (build.ps1 deps)." } }
if (-not (Test-Path /usr/sbin/mosquitto)) { throw 'Needs Debian''s mosquitto (build.ps1 deps).' }
$Module = (Resolve-Path $Module).Path
$modelPath = (Resolve-Path (Join-Path $Shared "models/$Model")).Path
New-Item -ItemType Directory -Force $OutDir | Out-Null
$OutDir = (Resolve-Path $OutDir).Path
$work = Join-Path ([IO.Path]::GetTempPath()) "vd-live-bench-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$script:Work = $work
$camera = Join-Path $work 'people.mp4'
& ffmpeg -hide_banner -loglevel error -y -i (Join-Path $Shared 'videos/vtest.avi') -c:v libx264 -preset veryfast -g 10 -pix_fmt yuv420p $camera
if ($LASTEXITCODE) { throw 'could not encode the camera file' }
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$script:PwshExe, $script:PwshPre = if (Test-Path $pwsh) { $pwsh, @() } else { [Environment]::ProcessPath, @(Join-Path $PSHOME 'pwsh.dll') }
$script:ChildScript = Join-Path $PSScriptRoot 'live-pipeline.ps1'

function Get-Context { [ordered]@{ Date = [DateTimeOffset]::UtcNow.ToString('u'); Machine = $Load; LoadAverage = (Get-Content /proc/loadavg) -replace ' \S+ \S+$', ''; Model = $Model; Fps = 10; Size = '768x576' } }

# One camera, a broker and a subscriber, a pipeline child, started; Stop-LiveRun ends them all.
function Start-LiveRun([string] $Name, [string] $ClipArg, [double] $Seconds, [string] $LinkWindow = '', [int] $BatchSize = 0, [switch] $Heap) {
    $run = @{ Name = $Name; Port = Get-FreePort; BrokerPort = Get-FreePort; Topic = "bench/live/$Name" }
    $run.Url = "http://127.0.0.1:$($run.Port)"
    $run.Broker = Start-Child /usr/sbin/mosquitto @('-p', $run.BrokerPort) "$Name-broker"
    Start-Sleep -Milliseconds 400
    $run.SubFile = Join-Path $work "$Name-sub.txt"
    $run.Sub = Start-Process mosquitto_sub -ArgumentList '-h', '127.0.0.1', '-p', $run.BrokerPort, '-t', $run.Topic, '-q', '1', '-F', '"%U %p"' -PassThru -RedirectStandardOutput $run.SubFile -RedirectStandardError (Join-Path $work "$Name-sub.err")
    $script:Children.Add($run.Sub)
    $run.Servers = [Collections.Generic.List[object]]::new()
    $run.Servers.Add((Start-Camera $camera $run.Port "$Name-server1"))
    $run.FrameLog = Join-Path $work "$Name-frames.txt"
    $run.WarnLog = Join-Path $work "$Name-warnings.txt"
    $a = $script:PwshPre + @('-NoProfile', '-File', $script:ChildScript, '-Module', $Module, '-Model', $modelPath, '-Url', $run.Url, '-Clip', $ClipArg,
        '-Seconds', $Seconds, '-Broker', "127.0.0.1:$($run.BrokerPort)", '-Topic', $run.Topic, '-FrameLog', $run.FrameLog, '-WarnLog', $run.WarnLog)
    if ($LinkWindow) { $a += '-LinkWindow', $LinkWindow }
    if ($BatchSize) { $a += '-BatchSize', $BatchSize }
    if ($Heap) { $a += '-Heap' }
    $run.Child = Start-Child $script:PwshExe $a "$Name-pipeline"
    $run
}

function Stop-LiveRun($Run) {
    foreach ($s in $Run.Servers) { Stop-Camera $s }
    Stop-Tree $Run.Child
    Start-Sleep -Milliseconds 500   # the last messages reach the subscriber
    Stop-Tree $Run.Sub; Stop-Tree $Run.Broker
    # The run's raw logs stay beside the results: frames (one line each), broker messages, warnings.
    $logs = New-Item -ItemType Directory -Force (Join-Path $OutDir 'logs')
    foreach ($f in $Run.FrameLog, $Run.SubFile, $Run.WarnLog) { if (Test-Path $f) { Copy-Item $f $logs } }
}

# The first frame's log line appears: the stream runs. Returns frame 0's arrival (its StartedAt), which
# is earlier than the line by the pipeline's delay; $Timeout s at most.
function Wait-FirstFrame($Run, [double] $Timeout = 120) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while ($clock.Elapsed.TotalSeconds -lt $Timeout) {
        if ((Test-Path $Run.FrameLog) -and ($line = [IO.File]::ReadAllLines($Run.FrameLog) | Select-Object -First 1)) { return [DateTimeOffset]::FromUnixTimeMilliseconds([long]$line.Split(' ')[1]) }
        if ($Run.Child.HasExited) { throw "the pipeline ended before its first frame: $(Get-Content (Join-Path $work "$($Run.Name)-pipeline.err") -Raw)" }
        Start-Sleep -Milliseconds 200
    }
    throw "no frame in $Timeout s"
}

function Wait-Child($Run, [double] $Seconds) {
    if (-not $Run.Child.WaitForExit([int](($Seconds + 120) * 1000))) { throw "the pipeline $($Run.Name) did not end" }
}

function Save-Result([string] $Name, $Result) {
    $Result | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $OutDir "$Name.json")
    $Result | ConvertTo-Json -Depth 6 | Write-Host
}

try {
    foreach ($c in $Case) {
        switch ($c) {
            'Latency' {
                $rows = foreach ($set in $Setting) {
                    $clipArg, $link, $bs = $set.Split('/')
                    $seconds = $LatencyMinutes * 60
                    $run = Start-LiveRun "latency-$($set.Replace('/', '-'))" $clipArg $seconds $link ([int]$bs)
                    try { $null = Wait-FirstFrame $run; Wait-Child $run $seconds } finally { Stop-LiveRun $run }
                    Measure-Latency $run $clipArg $link ([int]$bs) $Warmup
                }
                Save-Result 'latency' ([ordered]@{ Context = Get-Context; Minutes = $LatencyMinutes; WarmupSeconds = $Warmup; Runs = @($rows) })
            }
            'Loss' {
                $seconds = $LossMinutes * 60
                $run = $r = Start-LiveRun 'loss' '2s' $seconds
                try {
                    $first = Wait-FirstFrame $r
                    $at = { param($s) $w = $first.AddSeconds($s) - [DateTimeOffset]::UtcNow; if ($w -gt [timespan]::Zero) { Start-Sleep -Milliseconds ([int]$w.TotalMilliseconds) } }
                    & $at ($seconds / 2)
                    $r.StoppedAt = [DateTimeOffset]::UtcNow
                    Stop-Camera $r.Servers[0]
                    Start-Sleep -Milliseconds ([int]($Down * 1000))
                    $r.Servers.Add((Start-Camera $camera $r.Port 'loss-server2'))
                    & $at ($seconds - 8)
                    Stop-Camera $r.Servers[1]
                    Wait-Child $r $seconds
                }
                finally { Stop-LiveRun $r }
                Save-Result 'loss' ([ordered]@{ Context = Get-Context } + (Measure-Loss $run $Down))
            }
            'Rss' {
                $seconds = $RssMinutes * 60
                $csv = Join-Path $OutDir 'rss.csv'
                $run = $r = Start-LiveRun 'rss' '2s' $seconds -Heap
                try {
                    $first = Wait-FirstFrame $r
                    'seconds,pwsh_mb,ffmpeg_mb,frames,heap_mb' | Set-Content $csv
                    while (-not $r.Child.HasExited) {
                        $t = ([DateTimeOffset]::UtcNow - $first).TotalSeconds
                        $pw = Get-RssMb $r.Child.Id
                        $ff = (Get-Descendants $r.Child.Id | ForEach-Object { Get-RssMb $_ } | Measure-Object -Sum).Sum
                        $lines = [IO.File]::ReadAllLines($r.FrameLog)
                        $heap = if ($lines.Count) { $lines[-1].Split(' ')[5] }
                        if ($pw) { [string]::Format([cultureinfo]::InvariantCulture, '{0:F0},{1:F1},{2:F1},{3},{4}', $t, $pw, $ff, $lines.Count, $heap) | Add-Content $csv }
                        $null = $r.Child.WaitForExit([int]($RssInterval * 1000))
                    }
                }
                finally { Stop-LiveRun $r }
                Save-Result 'rss' ([ordered]@{ Context = Get-Context } + (Measure-Rss $csv $RssMinutes))
            }
            'Cpu' {
                $rows = foreach ($n in $Streams) {
                    $seconds = $Warmup + $CpuWindow + 20
                    $runs = @(foreach ($i in 1..$n) { Start-LiveRun "cpu$n-$i" '2s' $seconds })
                    try {
                        foreach ($r in $runs) { $null = Wait-FirstFrame $r }
                        Start-Sleep -Seconds $Warmup
                        $before = foreach ($r in $runs) { Get-TreeCpu $r.Child.Id }
                        $framesBefore = foreach ($r in $runs) { [IO.File]::ReadAllLines($r.FrameLog).Count }
                        $clock = [Diagnostics.Stopwatch]::StartNew()
                        Start-Sleep -Seconds $CpuWindow
                        $after = foreach ($r in $runs) { Get-TreeCpu $r.Child.Id }
                        $framesAfter = foreach ($r in $runs) { [IO.File]::ReadAllLines($r.FrameLog).Count }
                        $window = $clock.Elapsed.TotalSeconds
                    }
                    finally { foreach ($r in $runs) { Stop-LiveRun $r } }
                    Measure-Cpu $n $window $before $after $framesBefore $framesAfter
                }
                Save-Result 'cpu' ([ordered]@{ Context = Get-Context; WindowSeconds = $CpuWindow; Runs = @($rows) })
            }
        }
    }
    Write-LiveSummary $OutDir
}
finally {
    Stop-AllChildren
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}
