#!/usr/bin/env pwsh
<#
.SYNOPSIS
    The pipeline bench/live.ps1 runs in a child pwsh: one live camera through detection, tracking and
    events to an MQTT broker, the main live pipeline of issue 28, for -Seconds.
.DESCRIPTION
    Between the tracker and ConvertTo-DetectionEvent each frame writes one line to -FrameLog:
    "FrameIndex StartedAtMs DetectedMs LeftMs Gap" (StartedAt: the frame's arrival as the live reader
    stamped it; DetectedMs: when it left Invoke-FrameDetection; LeftMs: when it left the tracker; Gap: 1
    on the frame that carries the GapBefore marker), times in Unix ms. -LinkWindow (seconds; empty: the
    default) and -BatchSize (0: the default) are passed on when given. -Heap adds a sixth field: the managed
    heap in MB (GC.GetTotalMemory, no collection), to tell managed growth from native in an RSS run.
    Split-VideoClip's warnings (gaps) go to -WarnLog when the run ends. -Clip is a frame count ("5") or
    a duration ("2s").
#>
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Model,
    [Parameter(Mandatory)] [string] $Url,
    [Parameter(Mandatory)] [string] $Clip,
    [Parameter(Mandatory)] [double] $Seconds,
    [Parameter(Mandatory)] [string] $Broker,
    [Parameter(Mandatory)] [string] $Topic,
    [Parameter(Mandatory)] [string] $FrameLog,
    [Parameter(Mandatory)] [string] $WarnLog,
    [string] $LinkWindow = '',
    [int] $BatchSize = 0,
    [switch] $Heap
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$m = Import-DetectionModel $Model -WarningAction SilentlyContinue
$split = @{ Path = $Url; For = [timespan]::FromSeconds($Seconds) }
if ($Clip.EndsWith('s')) { $split.Duration = [timespan]::FromSeconds([double]::Parse($Clip.TrimEnd('s'), [cultureinfo]::InvariantCulture)) } else { $split.Length = [long]$Clip }
$batch = if ($BatchSize) { @{ BatchSize = $BatchSize } } else { @{} }
$track = if ($LinkWindow) { @{ LinkWindow = [timespan]::FromSeconds([double]::Parse($LinkWindow, [cultureinfo]::InvariantCulture)) } } else { @{} }
$detected = [Collections.Generic.Dictionary[long, long]]::new()
$log = [IO.StreamWriter]::new($FrameLog)
$log.AutoFlush = $true
$warnings = $null
try {
    Split-VideoClip @split -WarningVariable +warnings | ConvertTo-FrameBatch -Model $m @batch | Invoke-FrameDetection |
        ForEach-Object { $detected[$_.FrameIndex] = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds(); $_ } | Add-DetectionTrack @track |
        ForEach-Object {
            $d = $detected[$_.FrameIndex]; $null = $detected.Remove($_.FrameIndex)
            $gap = if ($_.Extras -and $_.Extras.ContainsKey('GapBefore')) { 1 } else { 0 }
            $line = [string]::Format([cultureinfo]::InvariantCulture, '{0} {1} {2} {3} {4}', $_.FrameIndex, $_.StartedAt.ToUnixTimeMilliseconds(), $d, [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds(), $gap)
            if ($Heap) { $line += ' ' + [math]::Round([GC]::GetTotalMemory($false) / 1MB).ToString([cultureinfo]::InvariantCulture) }
            $log.WriteLine($line)
            $_
        } |
        ConvertTo-DetectionEvent -EmitOpen | Send-DetectionEvent -MqttServer $Broker -Topic $Topic -OnOpen
}
finally {
    $log.Dispose()
    @($warnings | ForEach-Object { "$_" }) | Set-Content $WarnLog
}
