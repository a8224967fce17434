#!/usr/bin/env pwsh
# The nightly folder job: detections for every video of a camera folder that grows every day, and an
# annotated copy of each. A re-run does only what is new: finished videos are skipped (one stat
# each), a video a killed run left half done resumes after its last whole clip, a changed video is
# redone. Logs what it did on the information stream; exits 1 when any video failed.
param(
    [string] $Footage = '/srv/cameras',
    [string] $Results = '/srv/detections',
    [string] $Annotated = '/srv/annotated',
    [string] $Model = '/srv/models/yolox_nano.onnx',
    [string[]] $Include = @('*.mp4', '*.avi', '*.mkv', '*.mov'),
    [float] $Confidence = 0.4
)
$InformationPreference = 'Continue'
Import-Module VideoDetect -ErrorAction Stop
$started = Get-Date
$Error.Clear()

# Detections go to $Results (crash-safe, resumable); each video whose data file completes is
# re-rendered from that file (no second inference), so a resumed video's annotated copy is whole.
Get-ChildItem -LiteralPath $Footage -File -Recurse -Include $Include |
    Split-VideoClip -Length 64 -ResumeFrom $Results |
    ConvertTo-FrameBatch -BatchSize 8 -Model $Model |
    Invoke-FrameDetection -Confidence $Confidence |
    Export-FrameDetection -OutputDirectory $Results |
    Import-FrameDetection |
    Export-AnnotatedVideo -OutputDirectory $Annotated -Store $Results -Force -PassThruFile |
    ForEach-Object { Write-Information "wrote $($_.Name)" }

# --- Missing outputs (issue 25, point 3) ---
# The store records each annotated copy (-Store): one a killed run left unfinished, or never began,
# is made now from the stored detections, without inference (about_VideoDetect_ResultStore).
Get-DetectionStore $Results -MissingOutput AnnotatedVideo |
    Import-FrameDetection |
    Export-AnnotatedVideo -OutputDirectory $Annotated -Store $Results -Force -PassThruFile |
    ForEach-Object { Write-Information "wrote $($_.Name) (missing output)" }
# --- end of missing outputs ---

$failed = @($Error | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
Write-Information ("done in {0:n0} s, {1} error(s)" -f ((Get-Date) - $started).TotalSeconds, $failed.Count)
foreach ($e in $failed) { Write-Information "failed: $($e.FullyQualifiedErrorId): $e" }
exit ($failed.Count -gt 0 ? 1 : 0)
