#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Memory flat over segments: the RSS of a live run that rolls result files and annotated videos
    (-Segment), sampled while it runs, against the same run without Export-AnnotatedVideo.
.DESCRIPTION
    Serves a looped testsrc clip (-Size, 10 fps, H.264 in MPEG-TS) over HTTP with `ffmpeg -re -listen 1`
    on 127.0.0.1 and runs, in a child pwsh, Split-VideoClip -For -Seconds | ConvertTo-FrameBatch |
    Invoke-FrameDetection | Export-FrameDetection -Segment [| Export-AnnotatedVideo -Segment]. The
    child's RSS is sampled every -Every seconds; the figures are the RSS after the first segment
    (warm) and at the end, their difference, and the most seen, for the run with the annotated
    videos (frames kept from the first decode, one encoder per segment) and the baseline without.
    Flat: the growth from the first segment to the end stays small and does not scale with the
    segment count.
.EXAMPLE
    dotnet pwsh ./build.ps1 build; dotnet pwsh ./bench/annotated-segments-rss.ps1
#>
param(
    [string] $Module = (Join-Path $PSScriptRoot '../out/VideoDetect'),
    [int] $Seconds = 120,
    [int] $Segment = 10,
    [double] $Every = 2,
    [string] $Size = '640x480'
)
$ErrorActionPreference = 'Stop'
$Module = (Resolve-Path -LiteralPath $Module).ProviderPath
if (-not (Get-Command ffmpeg -ErrorAction Ignore)) { throw 'Needs ffmpeg.' }
$work = Join-Path ([IO.Path]::GetTempPath()) "vd-segments-rss-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$loop = Join-Path $work 'loop.ts'
& ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc=size=${Size}:rate=10" -t 20 -c:v libx264 -g 10 -pix_fmt yuv420p $loop
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$pwsh = @(if (Test-Path -LiteralPath $pwsh -PathType Leaf) { $pwsh } else { [Environment]::ProcessPath; Join-Path $PSHOME 'pwsh.dll' })

function Measure-Run([bool] $Annotate) {
    $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    $store = Join-Path $work ($Annotate ? 'annotated' : 'results')
    $camera = Start-Process ffmpeg -ArgumentList '-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', $loop, '-c', 'copy', '-f', 'mpegts', '-listen', '1', "http://127.0.0.1:$port" -PassThru
    Start-Sleep -Milliseconds 500
    $tail = if ($Annotate) { "| Export-AnnotatedVideo -OutputDirectory '$store' -Segment ${Segment}s" } else { '' }
    $script = "Import-Module '$Module'; Split-VideoClip -Path http://127.0.0.1:$port -Duration 2s -For ${Seconds}s | ConvertTo-FrameBatch -BatchSize 8 | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory '$store' -Segment ${Segment}s -PassThru $tail | Out-Null"
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
    $samples = [Collections.Generic.List[object]]::new()
    $child = $null
    try {
        $child = [Diagnostics.Process]::Start($psi)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not $child.HasExited) {
            $status = Get-Content -LiteralPath "/proc/$($child.Id)/status" -ErrorAction Ignore | Where-Object { $_ -like 'VmRSS:*' }
            if ($status) { $samples.Add([pscustomobject]@{ T = $clock.Elapsed.TotalSeconds; MiB = [math]::Round([double]($status -split '\s+')[1] / 1024, 1) }) }
            Start-Sleep -Milliseconds ([int]($Every * 1000))
        }
    }
    finally {
        if ($child -and -not $child.HasExited) { $child.Kill() }
        if (-not $camera.HasExited) { $camera.Kill() }
    }
    # Warm: the first sample after the first segment is committed (the stream's start plus a segment, plus startup).
    $warm = $samples | Where-Object T -GE ($Segment + 8) | Select-Object -First 1
    $end = $samples[-1]
    [pscustomobject]@{
        Run = $Annotate ? 'results + annotated video' : 'results only'
        Segments = @(Get-ChildItem -LiteralPath $store -Filter '*.detections.jsonl' -ErrorAction Ignore).Count
        Videos = @(Get-ChildItem -LiteralPath $store -Filter '*.annotated.mp4' -ErrorAction Ignore).Count
        WarmMiB = $warm.MiB; EndMiB = $end.MiB; GrowthMiB = [math]::Round($end.MiB - $warm.MiB, 1)
        MaxMiB = ($samples | Measure-Object MiB -Maximum).Maximum
    }
}

try {
    Measure-Run $false
    Measure-Run $true
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
