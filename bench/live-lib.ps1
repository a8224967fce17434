# Helpers of bench/live.ps1 (dot-sourced): the child processes it starts and always ends (servers, broker,
# subscriber, pipelines), /proc readings (RSS, CPU time, a process's descendants), and the figures
# made from a run's logs. Linux only (/proc).

$script:Children = [Collections.Generic.List[Diagnostics.Process]]::new()
$script:ClockTicks = [double](& getconf CLK_TCK)

function Get-FreePort {
    $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop(); $port
}

function Start-Child([string] $File, [string[]] $Arguments, [string] $Name) {
    $p = Start-Process -FilePath $File -ArgumentList $Arguments -PassThru -RedirectStandardOutput (Join-Path $script:Work "$Name.out") -RedirectStandardError (Join-Path $script:Work "$Name.err")
    $script:Children.Add($p)
    $p
}

# The camera: the file looped in real time to one HTTP client as MPEG-TS, each packet flushed; -progress counts the frames sent.
function Start-Camera([string] $File, [int] $Port, [string] $Name) {
    $progress = Join-Path $script:Work "$Name.progress"
    $a = @('-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', $File, '-c', 'copy', '-f', 'mpegts', '-flush_packets', '1',
        '-progress', $progress, '-stats_period', '0.5', '-listen', '1', "http://127.0.0.1:$Port")
    $p = Start-Child ffmpeg $a $Name
    Start-Sleep -Milliseconds 300
    [pscustomobject]@{ Process = $p; Progress = $progress }
}

# SIGTERM: ffmpeg ends the stream and writes its final count; SIGKILL only if it does not end.
function Stop-Camera($Camera) {
    $p = $Camera.Process
    if ($p.HasExited) { return }
    & kill -s TERM $p.Id 2>$null
    if (-not $p.WaitForExit(5000)) { Stop-Tree $p }
}

# The frames a camera sent: its last "frame=" count.
function Get-SentFrames($Camera) {
    $last = Select-String -LiteralPath $Camera.Progress -Pattern '^frame=(\d+)' -ErrorAction Ignore | Select-Object -Last 1
    if ($last) { [long]$last.Matches[0].Groups[1].Value } else { 0 }
}

function Get-Descendants([int] $Id) {
    $parents = @{}
    foreach ($d in [IO.Directory]::GetDirectories('/proc')) {
        $name = [IO.Path]::GetFileName($d)
        if ($name -notmatch '^\d+$') { continue }
        try { $stat = [IO.File]::ReadAllText("$d/stat") } catch { continue }
        $parents[[int]$name] = [int]($stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[1])
    }
    $found = [Collections.Generic.List[int]]::new()
    $queue = [Collections.Generic.Queue[int]]::new(); $queue.Enqueue($Id)
    while ($queue.Count) {
        $p = $queue.Dequeue()
        foreach ($k in $parents.Keys) { if ($parents[$k] -eq $p) { $found.Add($k); $queue.Enqueue($k) } }
    }
    $found
}

# Ends a process and every process under it (the pipeline's ffmpeg readers too).
function Stop-Tree($Process) {
    if (-not $Process -or $Process.HasExited) { return }
    $under = @(Get-Descendants $Process.Id)
    try { $Process.Kill() } catch { }
    foreach ($id in $under) { try { (Get-Process -Id $id -ErrorAction Stop).Kill() } catch { } }
    $null = $Process.WaitForExit(5000)
}

function Stop-AllChildren { foreach ($p in $script:Children) { Stop-Tree $p } }

function Get-RssMb([int] $Id) {
    try { $line = [IO.File]::ReadAllLines("/proc/$Id/status") | Where-Object { $_ -like 'VmRSS:*' } } catch { return $null }
    if ($line) { [double](($line -split '\s+')[1]) / 1024 }
}

# CPU seconds (user + system) of a process and of its descendants now alive (its ffmpeg reader).
function Get-CpuSeconds([int] $Id) {
    try { $stat = [IO.File]::ReadAllText("/proc/$Id/stat") } catch { return 0 }
    $f = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    ([double]$f[11] + [double]$f[12]) / $script:ClockTicks
}
function Get-TreeCpu([int] $Id) {
    [pscustomobject]@{ Pwsh = Get-CpuSeconds $Id; Ffmpeg = (@(Get-Descendants $Id | ForEach-Object { Get-CpuSeconds $_ }) + 0 | Measure-Object -Sum).Sum }
}

function Get-Quantile([double[]] $Values, [double] $Q) {
    if (-not $Values.Count) { return $null }
    $s = [double[]]($Values | Sort-Object)
    [math]::Round($s[[math]::Min($s.Count - 1, [int][math]::Ceiling($Q * $s.Count) - 1)], 1)
}
function Get-Summary([double[]] $Values) {
    [ordered]@{ Count = $Values.Count; MedianMs = Get-Quantile $Values 0.5; P95Ms = Get-Quantile $Values 0.95; MaxMs = if ($Values.Count) { [math]::Round(($Values | Measure-Object -Maximum).Maximum, 1) } }
}

function Read-FrameLog([string] $Path) {
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        $f = $line.Split(' ')
        if ($f.Count -ge 5) { [pscustomobject]@{ Index = [long]$f[0]; At = [long]$f[1]; Detected = [long]$f[2]; Left = [long]$f[3]; Gap = $f[4] -eq '1' } }
    }
}

function ConvertTo-UnixMs([string] $Iso) { [DateTimeOffset]::Parse($Iso, [cultureinfo]::InvariantCulture).UtcTicks / 1e4 - 62135596800000 }

# mosquitto_sub "%U %p" lines: arrival (Unix s, ns) and the JSON payload.
function Read-Messages([string] $Path) {
    foreach ($line in Get-Content $Path -ErrorAction Ignore) {
        $arrival, $json = $line -split ' ', 2
        if (-not $json) { continue }
        $m = $json | ConvertFrom-Json -DateKind String
        [pscustomobject]@{ Arrival = [double]::Parse($arrival, [cultureinfo]::InvariantCulture) * 1000; Type = $m.type; StartedAt = ConvertTo-UnixMs $m.startedAt; EndedAt = ConvertTo-UnixMs $m.endedAt; StartFrame = $m.startFrame; EndFrame = $m.endFrame }
    }
}

function Measure-Latency($Run, [string] $Clip, [string] $LinkWindow, [int] $BatchSize, [double] $Warmup) {
    $frames = @(Read-FrameLog $Run.FrameLog)
    $from = $frames[0].At + $Warmup * 1000
    $steady = @($frames | Where-Object At -ge $from)
    $msgs = @(Read-Messages $Run.SubFile | Where-Object StartedAt -ge $from)
    $new = @($msgs | Where-Object Type -eq 'new')
    $end = @($msgs | Where-Object Type -eq 'end')
    $length = if ($Clip.EndsWith('s')) { [int]([double]$Clip.TrimEnd('s') * 10) } else { [int]$Clip }
    $span = ($frames[-1].At - $frames[0].At) / 1000
    [ordered]@{
        Clip = $Clip; ClipFrames = $length; LinkWindow = $(if ($LinkWindow) { "$LinkWindow s" } else { 'default (4 s)' }); BatchSize = $(if ($BatchSize) { $BatchSize } else { 'default (8)' })
        FramesProcessed = $frames.Count; FramesReceived = $frames[-1].Index + 1; ProcessedFps = [math]::Round(($frames.Count - 1) / [math]::Max($span, 1), 2)
        ClipFillMeanMs = [math]::Round(($length - 1) / 2 * 100, 0)
        FrameArrivalToDetected = Get-Summary @($steady | ForEach-Object { $_.Detected - $_.At })
        FrameArrivalToTrackerOut = Get-Summary @($steady | ForEach-Object { $_.Left - $_.At })
        FrameArrivalToBroker = Get-Summary @($new | ForEach-Object { $_.Arrival - $_.EndedAt })
        FirstSightingToBroker = Get-Summary @($new | ForEach-Object { $_.Arrival - $_.StartedAt })
        ConfirmationFrames = Get-Quantile @($new | ForEach-Object { $_.EndFrame - $_.StartFrame + 1 }) 0.5
        LastSightingToEndMessage = Get-Summary @($end | ForEach-Object { $_.Arrival - $_.EndedAt })
    }
}

function Measure-Loss($Run, [double] $Down) {
    $frames = @(Read-FrameLog $Run.FrameLog)
    $sent = @($Run.Servers | ForEach-Object { Get-SentFrames $_ })
    $received = $frames[-1].Index + 1
    $unique = @($frames.Index | Select-Object -Unique).Count
    $ordered = $true
    for ($i = 1; $i -lt $frames.Count; $i++) { if ($frames[$i].Index -le $frames[$i - 1].Index -or $frames[$i].At -lt $frames[$i - 1].At) { $ordered = $false } }
    $marked = @(for ($i = 1; $i -lt $frames.Count; $i++) { if ($frames[$i].Gap) { [math]::Round(($frames[$i].At - $frames[$i - 1].At) / 1000, 2) } })
    $warnings = @(Get-Content $Run.WarnLog -ErrorAction Ignore | Where-Object { $_ -like '*stream lost at*' })
    [ordered]@{
        Minutes = [math]::Round(($frames[-1].At - $frames[0].At) / 60000, 2); ServerDownSeconds = $Down
        FramesSent = ($sent | Measure-Object -Sum).Sum; FramesSentPerServer = $sent
        FramesReceived = $received; FramesLost = ($sent | Measure-Object -Sum).Sum - $received
        FramesProcessed = $frames.Count; DroppedByBuffer = $received - $unique; Doubled = $frames.Count - $unique; InOrder = $ordered
        GapMarkers = $marked.Count; GapSecondsInFrameTimes = $marked; GapWarnings = $warnings.Count; Warnings = @(Get-Content $Run.WarnLog -ErrorAction Ignore)
        EventMessages = @(Get-Content $Run.SubFile -ErrorAction Ignore).Count
    }
}

function Measure-Rss([string] $Csv, [double] $Minutes) {
    $rows = @(Import-Csv $Csv | ForEach-Object { [pscustomobject]@{ T = [double]$_.seconds; Pwsh = [double]$_.pwsh_mb; Ffmpeg = [double]$_.ffmpeg_mb; Frames = [long]$_.frames; Heap = [double]$_.heap_mb } })
    $end = $rows[-1].T
    $first = @($rows | Where-Object { $_.T -ge 60 -and $_.T -lt 300 })
    $last = @($rows | Where-Object { $_.T -ge $end - 300 })
    $late = @($rows | Where-Object T -ge 300)
    $slope = {
        param($pts, $prop)
        if ($pts.Count -lt 3) { return $null }
        $mt = ($pts.T | Measure-Object -Average).Average; $my = ($pts.$prop | Measure-Object -Average).Average
        $num = 0.0; $den = 0.0
        foreach ($p in $pts) { $num += ($p.T - $mt) * ($p.$prop - $my); $den += ($p.T - $mt) * ($p.T - $mt) }
        [math]::Round($num / $den * 3600, 2)
    }
    $median = { param($v) if ($v.Count) { [math]::Round((Get-Quantile $v 0.5), 1) } }
    [ordered]@{
        Minutes = [math]::Round($end / 60, 1); Samples = $rows.Count; FramesProcessed = $rows[-1].Frames
        PwshFirst5MinMedianMb = & $median @($first.Pwsh); PwshLast5MinMedianMb = & $median @($last.Pwsh)
        PwshMaxMb = ($rows.Pwsh | Measure-Object -Maximum).Maximum
        PwshSlopeMbPerHourAfter5Min = & $slope $late 'Pwsh'
        FfmpegFirst5MinMedianMb = & $median @($first.Ffmpeg); FfmpegLast5MinMedianMb = & $median @($last.Ffmpeg)
        FfmpegSlopeMbPerHourAfter5Min = & $slope $late 'Ffmpeg'
        ManagedHeapFirst5MinMedianMb = & $median @($first.Heap); ManagedHeapLast5MinMedianMb = & $median @($last.Heap)
        ManagedHeapSlopeMbPerHourAfter5Min = & $slope $late 'Heap'
        PerFiveMinutes = @(for ($w = 0; $w -lt $end; $w += 300) {
                $in = @($rows | Where-Object { $_.T -ge $w -and $_.T -lt $w + 300 })
                if ($in.Count) { [ordered]@{ FromMinute = $w / 60; PwshMedianMb = & $median @($in.Pwsh); PwshMinMb = ($in.Pwsh | Measure-Object -Minimum).Minimum; HeapMedianMb = & $median @($in.Heap) } }
            })
    }
}

function Measure-Cpu([int] $N, [double] $Window, $Before, $After, $FramesBefore, $FramesAfter) {
    $pw = 0.0; $ff = 0.0; $frames = 0
    for ($i = 0; $i -lt $N; $i++) { $pw += @($After)[$i].Pwsh - @($Before)[$i].Pwsh; $ff += @($After)[$i].Ffmpeg - @($Before)[$i].Ffmpeg; $frames += @($FramesAfter)[$i] - @($FramesBefore)[$i] }
    [ordered]@{
        Streams = $N; WindowSeconds = [math]::Round($Window, 1)
        CorePercentPerStream = [math]::Round(($pw + $ff) / $Window / $N * 100, 1)
        PwshCorePercentPerStream = [math]::Round($pw / $Window / $N * 100, 1)
        FfmpegReaderCorePercentPerStream = [math]::Round($ff / $Window / $N * 100, 1)
        ProcessedFpsPerStream = [math]::Round($frames / $Window / $N, 2)
    }
}

# out/bench/live/live.md from the case JSONs there.
function Write-LiveSummary([string] $Dir) {
    $md = [Collections.Generic.List[string]]::new()
    $md.Add('# Live cameras (bench/live.ps1)'); $md.Add('')
    $read = { param($n) $p = Join-Path $Dir "$n.json"; if (Test-Path $p) { Get-Content $p -Raw | ConvertFrom-Json } }
    if ($l = & $read 'latency') {
        $md.Add("## Latency ($($l.Context.Date), $($l.Context.Machine), load $($l.Context.LoadAverage); $($l.Minutes) min per clip length, first $($l.WarmupSeconds) s left out)"); $md.Add('')
        $md.Add('| clip | link window | batch | processed fps | frame arrival → detected, median / p95 ms | frame arrival → tracker out, median / p95 ms | frame arrival → "new" on broker, median / p95 ms (n) | first sighting → broker, median / p95 ms | last sighting → "end", median / p95 ms |')
        $md.Add('|---|---|---|---|---|---|---|---|---|')
        foreach ($r in $l.Runs) {
            $md.Add("| $($r.Clip) ($($r.ClipFrames) frames, fill mean $($r.ClipFillMeanMs) ms) | $($r.LinkWindow) | $($r.BatchSize) | $($r.ProcessedFps) | $($r.FrameArrivalToDetected.MedianMs) / $($r.FrameArrivalToDetected.P95Ms) | $($r.FrameArrivalToTrackerOut.MedianMs) / $($r.FrameArrivalToTrackerOut.P95Ms) | $($r.FrameArrivalToBroker.MedianMs) / $($r.FrameArrivalToBroker.P95Ms) ($($r.FrameArrivalToBroker.Count)) | $($r.FirstSightingToBroker.MedianMs) / $($r.FirstSightingToBroker.P95Ms) | $($r.LastSightingToEndMessage.MedianMs) / $($r.LastSightingToEndMessage.P95Ms) |")
        }
        $md.Add('')
    }
    if ($s = & $read 'loss') {
        $md.Add("## Frames lost, one server restart ($($s.Context.Date), $($s.Context.Machine))"); $md.Add('')
        $md.Add("$($s.Minutes) min; server down $($s.ServerDownSeconds) s. Sent $($s.FramesSent) ($($s.FramesSentPerServer -join ' + ')), received $($s.FramesReceived), lost $($s.FramesLost); dropped by the buffer $($s.DroppedByBuffer); doubled $($s.Doubled); in order: $($s.InOrder); gap markers $($s.GapMarkers) ($($s.GapSecondsInFrameTimes -join ', ') s), gap warnings $($s.GapWarnings).")
        $md.Add('')
    }
    if ($r = & $read 'rss') {
        $md.Add("## RSS ($($r.Context.Date), $($r.Context.Machine))"); $md.Add('')
        $md.Add("$($r.Minutes) min, $($r.FramesProcessed) frames. pwsh median $($r.PwshFirst5MinMedianMb) MB (minutes 1–5) → $($r.PwshLast5MinMedianMb) MB (last 5), max $($r.PwshMaxMb) MB, slope after 5 min $($r.PwshSlopeMbPerHourAfter5Min) MB/h; ffmpeg reader $($r.FfmpegFirst5MinMedianMb) → $($r.FfmpegLast5MinMedianMb) MB; managed heap $($r.ManagedHeapFirst5MinMedianMb) → $($r.ManagedHeapLast5MinMedianMb) MB. Per 5 min, pwsh median (min): $(@($r.PerFiveMinutes | ForEach-Object { "$($_.PwshMedianMb) ($($_.PwshMinMb))" }) -join ', '). Samples: rss.csv.")
        $md.Add('')
    }
    if ($c = & $read 'cpu') {
        $md.Add("## CPU per stream ($($c.Context.Date), $($c.Context.Machine))"); $md.Add('')
        $md.Add('| streams | % of a core per stream (pwsh + ffmpeg reader) | pwsh | ffmpeg reader | processed fps per stream |'); $md.Add('|---|---|---|---|---|')
        foreach ($x in $c.Runs) { $md.Add("| $($x.Streams) | $($x.CorePercentPerStream) | $($x.PwshCorePercentPerStream) | $($x.FfmpegReaderCorePercentPerStream) | $($x.ProcessedFpsPerStream) |") }
        $md.Add('')
    }
    $md | Set-Content (Join-Path $Dir 'live.md')
}
