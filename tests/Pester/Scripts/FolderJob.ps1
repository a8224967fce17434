# The folder job the FrameDetectionFiles tests run in a child pwsh (and kill): every video of -Source,
# detections into -Output, optionally resuming from it. -DelayMs slows the frames so a kill lands mid-run.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Source,
    [Parameter(Mandatory)] [string] $Output,
    [Parameter(Mandatory)] [string] $Model,
    [int] $DelayMs = 0,
    [float] $Confidence = 0.3,
    [switch] $Resume,
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$resumeFrom = if ($Resume) { @{ ResumeFrom = $Output } } else { @{} }
Get-ChildItem -LiteralPath $Source -Filter *.avi | Sort-Object Name |
    Split-VideoClip -Length 8 @resumeFrom |
    ConvertTo-FrameBatch -BatchSize 4 -Model $Model -WarningAction SilentlyContinue |
    Invoke-FrameDetection -Confidence $Confidence |
    ForEach-Object { if ($DelayMs) { Start-Sleep -Milliseconds $DelayMs }; $_ } |
    Export-FrameDetection -OutputDirectory $Output -Force:$Force | Out-Null
