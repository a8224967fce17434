#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Planning shards of 1,000 synthetic video descriptors (no decoding): time per file and balance.
.DESCRIPTION
    1,000 ShardItems with mixed lengths (a heavy tail: a few long recordings, many short ones, drawn
    with a fixed seed), keys like site3/cam0412.mp4. For n = 2, 4, 8, 16 shards: the time per file of
    ShardPlanner.Assign (the policy Split-VideoClip -Shard runs; probing is cached and not timed here),
    the balance (largest shard's frames over the mean; 1 is perfect), and the same balance of a naive
    baseline in the same run: round robin over the listing sorted by name.
.EXAMPLE
    dotnet pwsh ./build.ps1 build; dotnet pwsh ./bench/shard-plan.ps1
#>
param(
    [string] $Module = (Join-Path $PSScriptRoot '../out/VideoDetect'),
    [int] $Files = 1000,
    [int] $Rounds = 20
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$rng = [Random]::new(13)
$items = [System.Collections.Generic.List[VideoDetect.Video.ShardItem]]::new()
for ($i = 0; $i -lt $Files; $i++) {
    # Pareto-like: most files 1-10 minutes at 25 fps, some hours long.
    $frames = [long](1500 * [Math]::Pow(1 - $rng.NextDouble(), -1 / 1.5))
    $items.Add([VideoDetect.Video.ShardItem]::new(('site{0}/cam{1:d4}.mp4' -f ($i % 7), $i), [Math]::Min($frames, 25 * 3600 * 4)))
}
$sorted = @($items | Sort-Object Key)
foreach ($n in 2, 4, 8, 16) {
    $null = [VideoDetect.Video.ShardPlanner]::Assign($items, $n)   # warm
    $sw = [Diagnostics.Stopwatch]::StartNew()
    for ($r = 0; $r -lt $Rounds; $r++) { $null = [VideoDetect.Video.ShardPlanner]::Assign($items, $n) }
    $perFileUs = $sw.Elapsed.TotalMilliseconds * 1000 / ($Rounds * $Files)
    $balance = [VideoDetect.Video.ShardPlanner]::Loads($items, $n).Item2
    $rr = [long[]]::new($n)
    for ($i = 0; $i -lt $sorted.Count; $i++) { $rr[$i % $n] += $sorted[$i].Frames }
    $rrBalance = ($rr | Measure-Object -Maximum).Maximum / (($rr | Measure-Object -Sum).Sum / $n)
    [pscustomobject]@{ Shards = $n; Files = $Files; MicrosecondsPerFile = [Math]::Round($perFileUs, 2); Balance = [Math]::Round($balance, 4); RoundRobinBalance = [Math]::Round($rrBalance, 4) }
}
