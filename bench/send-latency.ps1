#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Send-DetectionEvent to a local mosquitto: the latency from an event's emission to its arrival
    at mosquitto_sub (median and 95th percentile), at -Rate events per second.
.DESCRIPTION
    Starts Debian's mosquitto on a free port of 127.0.0.1 and mosquitto_sub (QoS 1, "%U %p": the
    arrival as Unix time with nanoseconds, then the payload). A pipeline emits -Count events, one
    every 1/-Rate s, each stamped (StartedAt) with the UTC time it enters Send-DetectionEvent; the
    latency of each is its arrival minus that stamp. Both ends read the same clock. The first
    -Warmup events (connecting, JIT) are left out of the figures.
.EXAMPLE
    dotnet pwsh ./build.ps1 build; dotnet pwsh ./bench/send-latency.ps1
#>
param(
    [string] $Module = (Join-Path $PSScriptRoot '../out/VideoDetect'),
    [int] $Count = 300,
    [double] $Rate = 10,
    [int] $Warmup = 10
)
$ErrorActionPreference = 'Stop'
Import-Module $Module -Force
if (-not (Test-Path /usr/sbin/mosquitto) -or -not (Get-Command mosquitto_sub -ErrorAction Ignore)) { throw 'Needs Debian''s mosquitto and mosquitto-clients (build.ps1 deps).' }
$l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
$work = Join-Path ([IO.Path]::GetTempPath()) "vd-send-latency-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$broker = Start-Process /usr/sbin/mosquitto -ArgumentList '-p', $port -PassThru -RedirectStandardError (Join-Path $work 'broker.err')
try {
    Start-Sleep -Milliseconds 500
    $out = Join-Path $work 'sub.txt'
    $sub = Start-Process mosquitto_sub -ArgumentList '-h', '127.0.0.1', '-p', $port, '-t', 'bench/latency', '-q', '1', '-C', $Count, '-W', ([int]($Count / $Rate) + 60), '-F', '"%U %p"' -PassThru -RedirectStandardOutput $out
    Start-Sleep -Milliseconds 500
    $interval = [timespan]::FromSeconds(1 / $Rate)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    1..$Count | ForEach-Object {
        $due = [timespan]::FromTicks($interval.Ticks * ($_ - 1))
        $wait = $due - $clock.Elapsed
        if ($wait -gt [timespan]::Zero) { Start-Sleep -Milliseconds ([int]$wait.TotalMilliseconds) }
        [VideoDetect.Events.DetectionEvent]@{ Path = 'bench'; Label = 'person'; TrackId = $_; StartedAt = [datetimeoffset]::UtcNow }
    } | Send-DetectionEvent -MqttServer "127.0.0.1:$port" -Topic bench/latency
    $null = $sub.WaitForExit(30000)
    $lat = foreach ($line in Get-Content $out) {
        $arrival, $json = $line -split ' ', 2
        $m = $json | ConvertFrom-Json -DateKind String
        if ($m.trackId -le $Warmup) { continue }
        $sent = [datetimeoffset]::Parse($m.startedAt, [cultureinfo]::InvariantCulture).ToUnixTimeMilliseconds() + ([datetimeoffset]::Parse($m.startedAt).Ticks % 10000) / 10000
        [double]::Parse($arrival, [cultureinfo]::InvariantCulture) * 1000 - $sent
    }
    $sorted = @($lat | Sort-Object)
    $pick = { param($q) $sorted[[math]::Min($sorted.Count - 1, [int][math]::Floor($q * ($sorted.Count - 1)))] }
    [pscustomobject]@{
        Events = $sorted.Count; Rate = $Rate
        MedianMs = [math]::Round((& $pick 0.5), 2); P95Ms = [math]::Round((& $pick 0.95), 2); MaxMs = [math]::Round($sorted[-1], 2)
    }
}
finally {
    if ($sub -and -not $sub.HasExited) { Stop-Process -Id $sub.Id }
    Stop-Process -Id $broker.Id -ErrorAction Ignore
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
