#!/usr/bin/env pwsh
#Requires -Version 7.2

<#
.SYNOPSIS
    The nightly folder job: detections for every video of a camera folder that grows every day, and
    an annotated copy of each, with a log a scheduler keeps and an exit code it can act on.

.DESCRIPTION
    A re-run does only what is new: finished videos are skipped (one stat each), a video a killed or
    interrupted run left half done resumes after its last whole clip, a changed video is redone.
    Detections go to -Results (crash-safe, resumable); each video whose result file completes is
    re-rendered from that file (no second inference), so a resumed video's annotated copy is whole.

    The log goes to standard output (and to -LogPath), plain text, one line per event:

        <time, ISO 8601 with offset> <event> <video>: <details>

        started    cam1.mp4: new, 1800 frames
        resumed    cam2.mp4: at clip 12, 640 frames to do
        skipped    cam3.mp4: finished (cam3.detections.jsonl)
        detected   cam1.mp4: 1800 frames in 61.2 s, 29.4 frames/s -> cam1.detections.jsonl
        done       cam1.mp4: 1800 frames in 75.0 s, 24.0 frames/s -> cam1.annotated.mp4
        truncated  cam4.mp4: <the VideoTruncated warning>
        failed     cam5.mp4: VideoUnreadable: <the error>
        warning    <any other warning>
        plan       skipped 1 finished video, resumed cam2.mp4 at clip 12, 1 new
        summary    5 videos: 2 done (1 resumed), 1 skipped, 1 truncated, 1 failed, 1 error(s); 2440 frames in 80 s; exit 1

    The summary line is written however the run ends, an interruption included.

    SIGINT (Ctrl+C) and SIGTERM (systemd, Kubernetes, kill) stop the run as Ctrl+C does: the video
    being detected keeps its whole clips (its partial result file), a half-encoded annotated copy is
    removed, the log says "interrupted" with what was done, and the next run resumes. SIGKILL or a
    power cut leave the same store; the next export into the annotated folder removes the temporary
    file the killed encoder left.

    Exit codes:
        0  every video is done or skipped (also when the footage folder holds no video: a warning says so)
        1  a video failed or was truncated, a footage subfolder could not be read, or the run failed
           (e.g. the module or the model could not be loaded)
        2  the footage folder is missing or unreadable (an unmounted share): nothing was done
        3  interrupted (SIGINT, Ctrl+C, SIGTERM): what was done is kept, a re-run resumes

.PARAMETER LogPath
    A file the log lines are appended to as well (e.g. for Task Scheduler, which keeps no output).

.EXAMPLE
    # cron, 3 a.m.; the module installed on PSModulePath:
    0 3 * * * pwsh -NoProfile -File /srv/jobs/nightly.ps1 -Footage /srv/cameras >> /var/log/videodetect.log 2>&1
#>
param(
    [string] $Footage = '/srv/cameras',
    [string] $Results = '/srv/detections',
    [string] $Annotated = '/srv/annotated',
    [string] $Model = '/srv/models/yolox_nano.onnx',
    [string[]] $Include = @('*.mp4', '*.avi', '*.mkv', '*.mov'),
    [float] $Confidence = 0.4,
    [string] $LogPath
)

# A redirected log (a scheduler's) gets no ANSI escape codes, from this script or from PowerShell, and no progress bars.
if ([Console]::IsOutputRedirected -or [Console]::IsErrorRedirected -or $LogPath) { $PSStyle.OutputRendering = 'PlainText' }
$ProgressPreference = 'SilentlyContinue'
if ($LogPath) { $LogPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($LogPath) }
$Culture = [cultureinfo]::InvariantCulture
$Clock = [Diagnostics.Stopwatch]::StartNew()

# The log: written straight to standard output (and -LogPath), so lines reach the log as they happen
# and still do while PowerShell stops the script (output streams are closed then).
function Write-Log([string] $Event, [string] $Text) {
    $line = '{0} {1,-10} {2}' -f [DateTimeOffset]::Now.ToString('yyyy-MM-ddTHH:mm:ss.fffzzz', $Culture), $Event, ($Text -replace '\s*\r?\n\s*', ' ')
    [Console]::Out.WriteLine($line)
    if ($LogPath) { [IO.File]::AppendAllText($LogPath, $line + [Environment]::NewLine) }
}

# SIGTERM: .NET would end the process at once, without finally blocks, so no summary and no clean
# stop. The handler stops the running pipeline instead, as Ctrl+C does (Runspace's running pipeline,
# StopAsync), so the finally block below writes "interrupted" and the summary. It does not go through
# SIGINT: a job started with & by a non-interactive shell script ignores SIGINT, and its SIGTERM would
# then stop nothing. It is a compiled expression, not a script block: a script block cannot run on the
# signal's thread.
function Register-TerminateAsStop {
    if ($IsWindows) { return $null }
    $E = [System.Linq.Expressions.Expression]
    $signalled = [System.Threading.ManualResetEventSlim]::new()
    $context = $E::Parameter([System.Runtime.InteropServices.PosixSignalContext], 'context')
    $pipeline = $E::Variable([System.Management.Automation.Runspaces.Pipeline], 'pipeline')
    $body = $E::Block([System.Linq.Expressions.ParameterExpression[]] @($pipeline),
        $E::Assign($E::Property($context, 'Cancel'), $E::Constant($true)),   # the process is not ended
        $E::IfThen($E::Not($E::Property($E::Constant($signalled), 'IsSet')), $E::Block(   # once
            $E::Call($E::Constant($signalled), 'Set', $null),
            $E::Assign($pipeline, $E::Call($E::Constant([runspace]::DefaultRunspace), 'GetCurrentlyRunningPipeline', $null)),
            $E::IfThen($E::NotEqual($pipeline, $E::Constant($null, [System.Management.Automation.Runspaces.Pipeline])),
                $E::Call($pipeline, 'StopAsync', $null)))))
    $handler = $E::Lambda[Action[System.Runtime.InteropServices.PosixSignalContext]]($body, $context).Compile()
    [pscustomobject]@{
        Signalled    = $signalled
        Registration = [System.Runtime.InteropServices.PosixSignalRegistration]::Create([System.Runtime.InteropServices.PosixSignal]::SIGTERM, $handler)
    }
}

# What happened to each video: by full path, and by name without extension (how outputs are named).
$Videos = [ordered]@{}
$ByBase = @{}
$Count = @{ Errors = 0 }
$LastPath = $null   # the Path of the last detected frame
$Current = $null    # its video
function Add-Video([IO.FileInfo] $File) {
    $v = [pscustomobject]@{ Path = $File.FullName; Name = $File.Name; State = 'pending'; FirstClip = $null; ToDo = 0L; Resumed = $false; Frames = 0L; Started = $null; Truncated = $false }
    $Videos[$File.FullName] = $v
    $base = [IO.Path]::GetFileNameWithoutExtension($File.Name)
    if (-not $ByBase.ContainsKey($base)) { $ByBase[$base] = [Collections.Generic.List[object]]::new() }
    $ByBase[$base].Add($v)
}

# The video an output file (<name><suffix>) or an error's target belongs to.
function Find-Video($About) {
    if ($About -is [IO.FileSystemInfo]) { $About = $About.FullName }
    elseif ($null -ne $About -and $About -isnot [string] -and $About.PSObject.Properties['Path']) { $About = $About.Path }
    if ($About -isnot [string]) { return $null }
    if ($Videos.Contains($About)) { return $Videos[$About] }
    $name = [IO.Path]::GetFileName($About)
    foreach ($base in $ByBase.Keys) {
        if ($name.StartsWith("$base.", [StringComparison]::Ordinal)) {
            $candidates = $ByBase[$base]
            return ($candidates | Where-Object State -In 'started', 'detected' | Select-Object -First 1) ?? $candidates[0]
        }
    }
    $null
}

function Format-Rate($v) {
    $seconds = ((Get-Date) - $v.Started).TotalSeconds
    '{0} frames in {1:0.0} s, {2:0.0} frames/s' -f $v.Frames, $seconds, ($v.Frames / [Math]::Max($seconds, 0.001))
}

# Pipeline hooks (filters: cheap per object), each passing its input on.
filter Step-Clip {
    # The plan: where each video starts (clip 0, or after its last whole clip when resumed).
    $v = $Videos[$_.Path]
    if ($null -ne $v -and $null -eq $v.FirstClip) {
        $v.FirstClip = $_.Index
        $v.ToDo = $_.Video.FrameCount - $_.StartFrame
        if ($_.Index -gt 0) { $v.Resumed = $true }
    }
    $_
}
filter Step-Frame {
    # A detected frame: a new Path is the next video starting.
    if ($_.Path -ne $script:LastPath) {
        $script:LastPath = $_.Path
        $v = $Videos[$_.Path]
        if ($null -ne $v -and $v.State -eq 'pending') {
            $v.State = 'started'
            $v.Started = Get-Date
            if ($v.Resumed) { Write-Log resumed "$($v.Name): at clip $($v.FirstClip), $($v.ToDo) frames to do" }
            else { Write-Log started "$($v.Name): new, $($v.ToDo) frames" }
        }
        $script:Current = $v
    }
    if ($null -ne $script:Current) { $script:Current.Frames++ }
    $_
}
filter Step-Detected {
    # A result file completed.
    $v = Find-Video $_
    if ($null -ne $v) {
        if ($v.State -eq 'started') { $v.State = 'detected' }
        Write-Log detected "$($v.Name): $(Format-Rate $v) -> $($_.Name)"
    }
    $_
}
filter Step-Done {
    # An annotated copy completed: the video is done.
    $v = Find-Video $_
    if ($null -ne $v) {
        if ($v.State -in 'started', 'detected') { $v.State = 'done' }
        Write-Log done "$($v.Name): $(Format-Rate $v) -> $($_.Name)"
    }
}

filter Step-Missing {
    # A missing output made from the stored detections (no inference).
    $v = Find-Video $_
    Write-Log done "$($v ? $v.Name : $_.Name): wrote $($_.Name) (missing output)"
}

# Errors, warnings and information of the pipeline, as they come.
function Write-Record($record) {
    switch ($record) {
        { $_ -is [System.Management.Automation.ErrorRecord] } {
            $id = $_.FullyQualifiedErrorId.Split(',')[0]
            $v = Find-Video $_.TargetObject
            $Count.Errors++
            if ($null -ne $v) {
                $v.State = 'failed'
                Write-Log failed "$($v.Name): ${id}: $($_.Exception.Message)"
            }
            else { Write-Log failed "${id}: $($_.Exception.Message)" }
            break
        }
        { $_ -is [System.Management.Automation.WarningRecord] } {
            if ("$($_.FullyQualifiedWarningId) $($_.Message)" -match '\bVideoTruncated\b') {
                $message = $_.Message
                $v = $Videos.Values | Where-Object { $message.Contains($_.Path) } | Select-Object -First 1
                $v ??= $Videos.Values | Where-Object { $message.Contains($_.Name) } | Select-Object -First 1
                if ($null -ne $v) { $v.Truncated = $true; Write-Log truncated "$($v.Name): $message" }
                else { $Count.Errors++; Write-Log truncated $message }
            }
            else { Write-Log warning $_.Message }
            break
        }
        { $_ -is [System.Management.Automation.InformationRecord] } {
            Write-Log ($_.Source -like 'Split-VideoClip*' ? 'plan' : 'info') "$($_.MessageData)"
            break
        }
        { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord] } { break }
        default { Write-Log info "$_" }
    }
}

function Write-Summary([int] $Exit) {
    $all = @($Videos.Values)
    $by = { param($s) @($all | Where-Object State -EQ $s).Count }
    $frames = ($all | Measure-Object Frames -Sum).Sum
    Write-Log summary ('{0} videos: {1} done ({2} resumed), {3} skipped, {4} truncated, {5} failed, {6} error(s); {7} frames in {8:0} s; exit {9}' -f
        $all.Count, @($all | Where-Object { $_.State -eq 'done' -and -not $_.Truncated }).Count, @($all | Where-Object Resumed).Count, (& $by 'skipped'), @($all | Where-Object Truncated).Count,
        (& $by 'failed'), $Count.Errors, [long] $frames, $Clock.Elapsed.TotalSeconds, $Exit)
}

# The footage folder, checked first: Get-ChildItem -Recurse -Include on a missing folder says nothing.
if (-not (Test-Path -LiteralPath $Footage -PathType Container)) {
    Write-Log failed "footage folder '$Footage' is missing or not a folder (an unmounted share?): nothing done"
    Write-Summary 2
    exit 2
}
try {
    $null = Get-ChildItem -LiteralPath $Footage -Force -ErrorAction Stop | Select-Object -First 1
}
catch {
    Write-Log failed "footage folder '$Footage' cannot be read: $($_.Exception.Message)"
    Write-Summary 2
    exit 2
}
$listing = @(Get-ChildItem -LiteralPath $Footage -File -Recurse -Include $Include -ErrorAction SilentlyContinue -ErrorVariable unreadable)
foreach ($e in $unreadable) { $Count.Errors++; Write-Log failed "$($e.FullyQualifiedErrorId.Split(',')[0]): $($e.Exception.Message)" }
foreach ($f in $listing) { Add-Video $f }
if ($listing.Count -eq 0) {
    $exit = $Count.Errors -gt 0 ? 1 : 0
    Write-Log warning "no videos ($($Include -join ', ')) under '$Footage'"
    Write-Summary $exit
    exit $exit
}

$term = Register-TerminateAsStop
$finished = $false
$crashed = $null
try {
    Import-Module VideoDetect -ErrorAction Stop

    # What the store already holds: finished videos are skipped (Split-VideoClip -ResumeFrom decides the same).
    foreach ($entry in Get-DetectionStore -Path $Results -Source $listing.FullName) {
        $v = $Videos[$entry.Source]
        if ($null -eq $v) { continue }
        switch ("$($entry.State)") {
            'Done' { $v.State = 'skipped'; Write-Log skipped "$($v.Name): finished ($([IO.Path]::GetFileName($entry.File)))" }
            'Running' { $v.State = 'skipped'; Write-Log skipped "$($v.Name): being written by another run" }
            'Truncated' { $v.State = 'skipped'; Write-Log skipped "$($v.Name): finished, truncated ($([IO.Path]::GetFileName($entry.File)))" }
            'Partial' { $v.Resumed = $true } # a run stopped or crashed: resumed after its last whole clip
            'Incomplete' { $v.State = 'skipped'; Write-Log skipped "$($v.Name): detections finished; its missing outputs are made below" }
        }
    }

    & {
        $listing |
            Split-VideoClip -Length 64 -ResumeFrom $Results | Step-Clip |
            ConvertTo-FrameBatch -BatchSize 8 -Model $Model |
            Invoke-FrameDetection -Confidence $Confidence | Step-Frame |
            Export-FrameDetection -OutputDirectory $Results | Step-Detected |
            Import-FrameDetection |
            Export-AnnotatedVideo -OutputDirectory $Annotated -Store $Results -Force -PassThruFile | Step-Done
    } *>&1 | ForEach-Object { Write-Record $_ }

    # Missing outputs: the store records each annotated copy (-Store); one that a killed run left
    # unfinished, or never began, is made now from the stored detections, without inference
    # (about_VideoDetect_ResultStore, "EVERY OUTPUT OF A VIDEO").
    # (No store yet: every video failed before its first clip; nothing to make.)
    if (Test-Path -LiteralPath $Results -PathType Container) { & {
        Get-DetectionStore $Results -MissingOutput AnnotatedVideo |
            Import-FrameDetection |
            Export-AnnotatedVideo -OutputDirectory $Annotated -Store $Results -Force -PassThruFile | Step-Missing
    } *>&1 | ForEach-Object { Write-Record $_ } }

    # A video that got no clips without an error (another run finished it meanwhile, no frames): nothing to do.
    foreach ($v in @($Videos.Values | Where-Object State -EQ 'pending')) { $v.State = 'skipped'; Write-Log skipped "$($v.Name): nothing to do" }

    # A truncated video as the store records it (when the module records truncation).
    $ran = @($Videos.Values | Where-Object State -NE 'skipped')
    if ($ran.Count -gt 0) {
        foreach ($entry in Get-DetectionStore -Path $Results -Source $ran.Path) {
            $v = $Videos[$entry.Source]
            if ($null -ne $v -and "$($entry.State)" -eq 'Truncated' -and -not $v.Truncated) {
                $v.Truncated = $true
                Write-Log truncated "$($v.Name): the store holds it as Truncated$($entry.Reason ? ": $($entry.Reason)" : '')"
            }
        }
    }
    $finished = $true
}
catch {
    $crashed = $_
}
finally {
    $exit = 0
    if ($null -ne $crashed) {
        $Count.Errors++
        Write-Log failed "$($crashed.FullyQualifiedErrorId.Split(',')[0]): $($crashed.Exception.Message)"
        $exit = 1
    }
    elseif (-not $finished) {
        # Stopped: SIGINT (Ctrl+C) or SIGTERM. Whole clips are kept; a re-run resumes.
        $signal = ($null -ne $term -and $term.Signalled.IsSet) ? 'SIGTERM' : 'SIGINT'
        $stopped = @($Videos.Values | Where-Object State -In 'started', 'detected' | ForEach-Object {
                $_.State -eq 'started' ? "$($_.Name) while detecting (its whole clips are kept)" : "$($_.Name) while annotating (detections complete)" })
        $done = @($Videos.Values | Where-Object State -EQ 'done').Count
        Write-Log interrupted ("by {0} after {1} of {2} videos done{3}; what was written is kept and the next run resumes" -f
            $signal, $done, $Videos.Count, ($stopped ? ", during $($stopped -join ', ')" : ''))
        $exit = 3
    }
    elseif ($Count.Errors -gt 0 -or @($Videos.Values | Where-Object { $_.State -eq 'failed' -or $_.Truncated }).Count -gt 0) {
        $exit = 1
    }
    Write-Summary $exit
    if ($null -ne $term) { $term.Registration.Dispose() }
    exit $exit
}
