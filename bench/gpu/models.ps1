# Per-model figures on the GPU: batch verification note, batching only, inference only (pre-made batches), end to end.
param([string] $Shared = '/root/g/shared', [string] $Provider = 'Cuda', [int] $BatchSize = 16, [string[]] $Models = @('yolox_nano', 'nanodet_m_416', 'FastestDet', 'version-RFB-320'))
$ErrorActionPreference = 'Stop'
Import-Module $env:VIDEODETECT_MODULE
$video = Join-Path $Shared 'videos/vtest.avi'
function Median($xs) { ($xs | Sort-Object)[[int][Math]::Floor(@($xs).Count / 2)] }
foreach ($name in $Models) {
    $t0 = [Diagnostics.Stopwatch]::StartNew()
    $m = Import-DetectionModel (Join-Path $Shared "models/$name.onnx") -Provider $Provider
    $load = $t0.Elapsed.TotalSeconds
    $batches = @(Split-VideoClip $video -Length 64 -End 256 | ConvertTo-FrameBatch -BatchSize $BatchSize -Model $m)
    $t0.Restart(); $null = $batches | Invoke-FrameDetection -KeepBatch; $first = $t0.Elapsed.TotalSeconds
    $inf = foreach ($i in 1..3) { $sw = [Diagnostics.Stopwatch]::StartNew(); $null = $batches | Invoke-FrameDetection -KeepBatch; 256 / $sw.Elapsed.TotalSeconds }
    $batch = foreach ($i in 1..3) { $sw = [Diagnostics.Stopwatch]::StartNew(); $n = @(Split-VideoClip $video -Length 64 | ConvertTo-FrameBatch -BatchSize $BatchSize -Model $m | ForEach-Object { $_.Count; $_.Dispose() }) | Measure-Object -Sum; $n.Sum / $sw.Elapsed.TotalSeconds }
    $e256 = foreach ($i in 1..3) { $sw = [Diagnostics.Stopwatch]::StartNew(); $n = (Split-VideoClip $video -Length 64 -End 256 | ConvertTo-FrameBatch -BatchSize $BatchSize -Model $m | Invoke-FrameDetection | Measure-Object).Count; $n / $sw.Elapsed.TotalSeconds }
    $e2e = foreach ($i in 1..3) { $sw = [Diagnostics.Stopwatch]::StartNew(); $n = (Split-VideoClip $video -Length 64 | ConvertTo-FrameBatch -BatchSize $BatchSize -Model $m | Invoke-FrameDetection | Measure-Object).Count; $n / $sw.Elapsed.TotalSeconds }
    '{0,-16} {1} b{2} | load {3:F1} s, first pass {4:F1} s | batching only {5:F0} fps | inference only {6:F0} fps | e2e 256 frames {7:F0} fps | e2e 795 frames {8:F0} fps ({9}) | {10}' -f $name, $m.Provider, $BatchSize, $load, $first, (Median $batch), (Median $inf), (Median $e256), (Median $e2e), (($e2e | ForEach-Object { '{0:F0}' -f $_ }) -join '/'), $m.BatchNote
    Remove-DetectionModel $m
}
