#!/usr/bin/env pwsh
<#
.SYNOPSIS
    The folder job: first run vs a re-run of the finished folder, and a run resumed after a kill vs an uninterrupted one.
.DESCRIPTION
    Makes a folder of -Videos videos from the shared ones (tree.avi and Megamind.avi, each copy given a
    distinct last-write time), then, with yolox_nano (the model imported before anything is timed):
      1. first run: Split-VideoClip -ResumeFrom (an empty folder) | ConvertTo-FrameBatch | Invoke-FrameDetection | Export-FrameDetection;
      2. re-run of the finished folder (the same command): ratio to 1 (target: at most 3 %);
      3. a child pwsh killed with SIGKILL half way through the same job, then resumed here: the resumed
         run's time against (1), and whether every file's frame records equal (1)'s byte for byte.
    Figures are ratios within this run; the machine is shared, absolute times are for information.
.EXAMPLE
    dotnet pwsh ./build.ps1 build; dotnet pwsh ./bench/resume-folder.ps1
#>
param(
    [string] $Module = (Join-Path $PSScriptRoot '../out/VideoDetect'),
    [string] $Shared = $(if ($env:VIDEODETECT_SHARED) { $env:VIDEODETECT_SHARED } else { Join-Path $PSScriptRoot '../../shared' }),
    [int] $Videos = 10
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$modelPath = Join-Path $Shared 'models/yolox_nano.onnx'
$model = Import-DetectionModel $modelPath -WarningAction SilentlyContinue
$work = Join-Path ([IO.Path]::GetTempPath()) "videodetect-resume-bench-$PID"
$footage = New-Item -ItemType Directory (Join-Path $work 'footage')
$sources = 'tree.avi', 'Megamind.avi'
for ($i = 0; $i -lt $Videos; $i++) {
    $name = $sources[$i % $sources.Count]
    $copy = Join-Path $footage ("cam{0:d2}-{1}" -f $i, $name)
    Copy-Item (Join-Path $Shared "videos/$name") $copy
    (Get-Item $copy).LastWriteTimeUtc = [datetime]::UtcNow.AddMinutes(-$i)
}
$frames = (Get-ChildItem $footage | Get-VideoInfo | Measure-Object FrameCount -Sum).Sum
function Invoke-Job([string] $Out) {
    Get-ChildItem $footage | Split-VideoClip -Length 64 -ResumeFrom $Out |
        ConvertTo-FrameBatch -Model $model -BatchSize 8 | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory $Out | Out-Null
}
function Get-Records([string] $Path) { $b = [IO.File]::ReadAllBytes($Path); $n = [Array]::IndexOf($b, [byte]10); [Convert]::ToBase64String($b[($n + 1)..($b.Length - 1)]) }
try {
    $whole = Join-Path $work 'whole'
    $first = (Measure-Command { Invoke-Job $whole }).TotalSeconds
    $rerun = (Measure-Command { Invoke-Job $whole }).TotalSeconds
    Write-Host ('{0} videos, {1} frames' -f $Videos, $frames)
    Write-Host ('first run            {0,8:F2} s' -f $first)
    Write-Host ('re-run, finished     {0,8:F2} s   {1:P2} of the first run (target <= 3 %)' -f $rerun, ($rerun / $first))

    $killed = Join-Path $work 'killed'
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $exe, $pre = if (Test-Path $pwsh) { $pwsh, @() } else { [Environment]::ProcessPath, @(Join-Path $PSHOME 'pwsh.dll') }
    $script = "Import-Module '$Module'; Get-ChildItem '$footage' | Split-VideoClip -Length 64 | ConvertTo-FrameBatch -Model '$modelPath' -BatchSize 8 -WarningAction SilentlyContinue | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory '$killed' | Out-Null"
    $p = Start-Process $exe -ArgumentList ($pre + @('-NoProfile', '-Command', $script)) -PassThru
    $half = [math]::Floor($Videos / 2)
    while (@(Get-ChildItem $killed -Filter *.jsonl -ErrorAction Ignore).Count -lt $half -and -not $p.HasExited) { Start-Sleep -Milliseconds 50 }
    Start-Sleep -Milliseconds 300
    $p.Kill(); $p.WaitForExit()
    $done = @(Get-ChildItem $killed -Filter *.jsonl).Count
    $resumed = (Measure-Command { Invoke-Job $killed }).TotalSeconds
    $equal = @(Get-ChildItem $whole | Where-Object { (Get-Records $_.FullName) -ne (Get-Records (Join-Path $killed $_.Name)) }).Count -eq 0
    Write-Host ('killed after {0} finished videos; resumed {1,8:F2} s   {2:P1} of the first run; frame records equal the uninterrupted run''s: {3}' -f $done, $resumed, ($resumed / $first), $equal)
}
finally { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore }
