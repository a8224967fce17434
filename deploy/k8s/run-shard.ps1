#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Runs one shard of a footage folder into a shared result store: the container's entry script,
    and the script each host runs under PowerShell remoting.
.DESCRIPTION
    Shard k of n: k is -Index, else JOB_COMPLETION_INDEX (a Kubernetes indexed Job sets it); n is
    -Count, else VIDEODETECT_SHARDS. Every video under -Footage (VIDEODETECT_FOOTAGE) whose shard is k
    is detected with -Model (VIDEODETECT_MODEL; the embedded default model when empty) into -Store
    (VIDEODETECT_STORE). Paths in the store are relative to the footage folder, so hosts mounting it
    elsewhere share the store; -ResumeFrom makes a re-run do only the missing work, and a video another
    shard is writing is left to it.
#>
param(
    [int] $Index = $(if ($env:JOB_COMPLETION_INDEX) { [int]$env:JOB_COMPLETION_INDEX } else { -1 }),
    [int] $Count = $(if ($env:VIDEODETECT_SHARDS) { [int]$env:VIDEODETECT_SHARDS } else { 0 }),
    [string] $Footage = $env:VIDEODETECT_FOOTAGE,
    [string] $Store = $env:VIDEODETECT_STORE,
    [string] $Model = $env:VIDEODETECT_MODEL,
    [string] $Filter = $(if ($env:VIDEODETECT_FILTER) { $env:VIDEODETECT_FILTER } else { '*' }),
    [int] $ClipLength = $(if ($env:VIDEODETECT_CLIP_LENGTH) { [int]$env:VIDEODETECT_CLIP_LENGTH } else { 8 }),
    [int] $BatchSize = $(if ($env:VIDEODETECT_BATCH_SIZE) { [int]$env:VIDEODETECT_BATCH_SIZE } else { 4 }),
    [string] $Module = $(if ($env:VIDEODETECT_MODULE) { $env:VIDEODETECT_MODULE } else { 'VideoDetect' })
)
$ErrorActionPreference = 'Stop'
if ($Count -lt 1 -or $Index -lt 0 -or $Index -ge $Count) { throw "No shard: give -Index/-Count or JOB_COMPLETION_INDEX/VIDEODETECT_SHARDS (0 <= index < count); got $Index/$Count." }
if (-not $Footage -or -not $Store) { throw 'Give -Footage and -Store (or VIDEODETECT_FOOTAGE and VIDEODETECT_STORE).' }
Import-Module $Module
$modelArgs = if ($Model) { @{ Model = $Model } } else { @{} }
Get-ChildItem -LiteralPath $Footage -Recurse -File -Filter $Filter |
    Split-VideoClip -Length $ClipLength -Shard "$Index/$Count" -Root $Footage -ResumeFrom $Store |
    ConvertTo-FrameBatch -BatchSize $BatchSize -Root $Footage @modelArgs -WarningAction SilentlyContinue |
    Invoke-FrameDetection |
    Export-FrameDetection -OutputDirectory $Store -Root $Footage |
    ForEach-Object { "shard $Index/${Count}: $($_.Name)" }
