#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Export-DetectionReport for 50 videos and 2,000 synthetic events: build time (goal <= 5 s) and the
    time headless Chromium takes to open the page (goal <= 2 s).
.DESCRIPTION
    50 short videos (copies of one 10-second 640x360 clip ffmpeg makes) and 2,000 events over them
    (40 per video; labels person/car/dog, tracks, half the videos on the time of day, drawn with a
    fixed seed), each with a SnapshotPath: 200 distinct JPEGs (640x360, from the clip), so the
    report makes 200 thumbnails and 50 representative frames. A store of 50 result files is not
    made (the summary reads headers only; Get-DetectionStore's own cost). Build: the wall time of
    Export-DetectionReport -Force, best and median of -Rounds after one warm-up. Open: Chromium
    (Selenium.WebDriver from build/Tools.csproj, /usr/bin/chromedriver) navigates to index.html
    from disk until the load event, best and median of -Rounds, a fresh page each time.
.EXAMPLE
    dotnet pwsh ./build.ps1 build; dotnet restore build/Tools.csproj; dotnet pwsh ./bench/review-report.ps1
#>
param(
    [string] $Module = (Join-Path $PSScriptRoot '../out/VideoDetect'),
    [int] $Videos = 50,
    [int] $Events = 2000,
    [int] $Snapshots = 200,
    [int] $Rounds = 5,
    [string] $Work = (Join-Path ([IO.Path]::GetTempPath()) "vd-bench-report-$PID")
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$null = New-Item -ItemType Directory -Force -Path $Work
try {
    # Inputs: one clip, copied per video; snapshots cut from it.
    $clip = Join-Path $Work 'clip.mp4'
    & ffmpeg -nostdin -y -loglevel error -f lavfi -i 'testsrc2=size=640x360:rate=25:duration=10' -c:v libx264 -pix_fmt yuv420p $clip
    if ($LASTEXITCODE -ne 0) { throw 'ffmpeg could not make the clip' }
    $paths = foreach ($v in 1..$Videos) { $p = Join-Path $Work ('cam{0:d2}.mp4' -f $v); Copy-Item $clip $p; $p }
    $snapDir = New-Item -ItemType Directory -Force -Path (Join-Path $Work 'snapshots')
    & ffmpeg -nostdin -y -loglevel error -i $clip -vf "fps=$($Snapshots / 10)" -frames:v $Snapshots -q:v 3 (Join-Path $snapDir 'snap%03d.jpg')
    $snaps = @(Get-ChildItem $snapDir -Filter *.jpg | ForEach-Object FullName)
    $rng = [Random]::new(27)
    $labels = 'person', 'car', 'dog'
    $rec = [DateTimeOffset]::new(2026, 12, 4, 22, 0, 0, [timespan]::FromHours(1))
    $list = [System.Collections.Generic.List[VideoDetect.Events.DetectionEvent]]::new()
    for ($i = 0; $i -lt $Events; $i++) {
        $v = $i % $Videos
        $start = $rng.NextDouble() * 9; $end = [Math]::Min(10, $start + 0.2 + $rng.NextDouble() * 3)
        $e = [VideoDetect.Events.DetectionEvent]::new()
        $e.Path = $paths[$v]; $e.Label = $labels[$rng.Next(3)]; $e.TrackId = $rng.Next(1, 30)
        $e.StartTime = [timespan]::FromSeconds($start); $e.EndTime = [timespan]::FromSeconds($end)
        $e.StartFrame = [long]($start * 25); $e.EndFrame = [long]($end * 25); $e.PeakFrame = $e.StartFrame; $e.MaxConfidence = $rng.NextDouble()
        if ($v % 2 -eq 0) { $e.StartedAt = $rec.AddSeconds($start); $e.EndedAt = $rec.AddSeconds($end) }
        $e.SnapshotPath = $snaps[$i % $snaps.Count]
        $list.Add($e)
    }
    $report = Join-Path $Work 'report'
    $region = @{ Dock = '50,200 300,200 300,350 50,350' }; $line = @{ Gate = '0,180 640,180' }

    # Wall time and this process's CPU time (user + system, all threads): on a shared VM the CPU time
    # divided by the cores is what the wall time would be on an idle one.
    $me = [Diagnostics.Process]::GetCurrentProcess()
    $cpu = @()
    $build = foreach ($r in 0..$Rounds) {
        $me.Refresh(); $c0 = $me.TotalProcessorTime
        $t = [Diagnostics.Stopwatch]::StartNew()
        $null = $list | Export-DetectionReport -Path $report -Region $region -Line $line -Interval 1s -Force
        $t.Stop()
        $me.Refresh()
        if ($r -gt 0) { $cpu += ($me.TotalProcessorTime - $c0).TotalSeconds; $t.Elapsed.TotalSeconds }   # round 0 warms up (JIT, OpenCV)
    }
    $size = (Get-ChildItem $report -Recurse -File | Measure-Object Length -Sum).Sum

    $open = @()
    $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $dll = Join-Path $packages 'selenium.webdriver/4.52.0/lib/net8.0/Selenium.WebDriver.dll'
    if ((Test-Path $dll) -and (Test-Path /usr/bin/chromium) -and (Test-Path /usr/bin/chromedriver)) {
        Add-Type -LiteralPath $dll
        $service = [OpenQA.Selenium.Chrome.ChromeDriverService]::CreateDefaultService('/usr/bin', 'chromedriver')
        $service.SuppressInitialDiagnosticInformation = $true
        $options = [OpenQA.Selenium.Chrome.ChromeOptions]::new()
        $options.BinaryLocation = '/usr/bin/chromium'
        $options.AddArguments('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,1000')
        $driver = [OpenQA.Selenium.Chrome.ChromeDriver]::new($service, $options, [timespan]::FromSeconds(60))
        try {
            $url = [uri]::new((Join-Path $report 'index.html')).AbsoluteUri
            $open = foreach ($r in 0..$Rounds) {
                $driver.Navigate().GoToUrl('about:blank')
                $t = [Diagnostics.Stopwatch]::StartNew()
                $driver.Navigate().GoToUrl($url)   # returns after the load event (page load strategy Normal)
                $t.Stop()
                if ($r -gt 0) { $t.Elapsed.TotalSeconds }
            }
            $nav = $driver.ExecuteScript('const n = performance.getEntriesByType("navigation")[0]; return [n.domContentLoadedEventEnd, n.loadEventEnd];')
        }
        finally { $driver.Quit() }
    }
    else { Write-Warning 'Chromium, chromedriver or Selenium.WebDriver (dotnet restore build/Tools.csproj) is missing: the open time is not measured.' }

    $median = { param($xs) $s = @($xs | Sort-Object); $s[[int][math]::Floor(($s.Count - 1) / 2)] }
    [pscustomobject]@{
        Videos = $Videos; Events = $Events; Thumbnails = $snaps.Count; Cores = [Environment]::ProcessorCount
        BuildBestS = [math]::Round(($build | Measure-Object -Minimum).Minimum, 2); BuildMedianS = [math]::Round((& $median $build), 2)
        BuildCpuMedianS = [math]::Round((& $median $cpu), 2)
        LoadAverage = if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg).Split(' ')[0] }
        OpenBestS = if ($open) { [math]::Round(($open | Measure-Object -Minimum).Minimum, 2) }
        OpenMedianS = if ($open) { [math]::Round((& $median $open), 2) }
        DomContentLoadedMs = if ($open) { [math]::Round($nav[0]) }
        LoadEventMs = if ($open) { [math]::Round($nav[1]) }
        ReportMB = [math]::Round($size / 1MB, 1)
    }
}
finally {
    Remove-Item -Recurse -Force -LiteralPath $Work -ErrorAction SilentlyContinue
}
