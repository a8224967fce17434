#!/usr/bin/env pwsh
<#
.SYNOPSIS
    End-to-end frames/s of the main job with and without Export-AnnotatedVideo, measured in one process.
.DESCRIPTION
    Runs Split-VideoClip | ConvertTo-FrameBatch -Model yolox_nano | Invoke-FrameDetection over a whole
    video, once ending there (detections discarded) and once ending in Export-AnnotatedVideo (H.264 when
    ffmpeg with libx264 is present), alternating, -Runs times each; prints each run and the medians.
    The model is imported (and its session created) before the first timed run.
.EXAMPLE
    dotnet pwsh ./build.ps1 build; dotnet pwsh ./bench/export-e2e.ps1 -Runs 2
#>
param(
    [string] $Module = (Join-Path $PSScriptRoot '../out/VideoDetect'),
    [string] $Shared = $(if ($env:VIDEODETECT_SHARED) { $env:VIDEODETECT_SHARED } else { Join-Path $PSScriptRoot '../../shared' }),
    [string] $Video = 'vtest.avi',
    [int] $Runs = 1
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$path = Join-Path $Shared "videos/$Video"
$model = Import-DetectionModel (Join-Path $Shared 'models/yolox_nano.onnx') -WarningAction SilentlyContinue
$frames = (Get-VideoInfo $path).FrameCount
$out = Join-Path ([IO.Path]::GetTempPath()) "videodetect-bench-$PID.mp4"
$times = @{ without = @(); with = @() }
try {
    for ($i = 1; $i -le $Runs; $i++) {
        $t = Measure-Command {
            Split-VideoClip $path -Length 64 | ConvertTo-FrameBatch -Model $model -BatchSize 8 | Invoke-FrameDetection | Out-Null
        }
        $times.without += $t.TotalSeconds
        Write-Host ('run {0}: without export {1,7:F1} s  {2,6:F1} frames/s' -f $i, $t.TotalSeconds, ($frames / $t.TotalSeconds))
        $t = Measure-Command {
            Split-VideoClip $path -Length 64 | ConvertTo-FrameBatch -Model $model -BatchSize 8 | Invoke-FrameDetection | Export-AnnotatedVideo -Path $out -Force
        }
        $times.with += $t.TotalSeconds
        Write-Host ('run {0}: with export    {1,7:F1} s  {2,6:F1} frames/s' -f $i, $t.TotalSeconds, ($frames / $t.TotalSeconds))
    }
}
finally { Remove-Item -LiteralPath $out -ErrorAction Ignore }
$median = { param($a) $s = @($a | Sort-Object); $s[[int][math]::Floor($s.Count / 2)] }
$without = & $median $times.without
$with = & $median $times.with
'{0} ({1} frames), {2} cores: without export {3:F1} frames/s, with export {4:F1} frames/s, ratio {5:F2}' -f $Video, $frames, [Environment]::ProcessorCount, ($frames / $without), ($frames / $with), ($without / $with)
