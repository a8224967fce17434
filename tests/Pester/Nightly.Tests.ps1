#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The nightly recipe (examples/nightly.ps1) as a scheduler runs it: a child pwsh with no terminal,
# its output redirected to a file (sh -c 'exec pwsh … >log 2>&1 </dev/null', as cron does), the
# exit code checked; stopped with SIGINT, SIGTERM and SIGKILL during detection, between detection and
# annotation (the run held at its "detected" log line: a FIFO -LogPath) and during annotation.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $NotUnix = if ($IsWindows) { ' [skipped: signals and sh are Unix]' } else { '' }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Script = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/nightly.ps1')).ProviderPath
    $Pwsh = Get-PwshCommand
    $Kill = if (-not $IsWindows) { (Get-Command kill -CommandType Application)[0].Source }
    # Every log line starts with an ISO 8601 time with its offset, then the event and the text; "$Line event" matches at a line's start.
    $Stamp = '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d'
    $Line = "(?m)^$Stamp"

    Import-SyntheticModels
    $Synthetic = Join-Path $TestDrive 'yolov5.onnx'
    # One box a frame, class 1 of 2 ('dog'), centred in the 32x32 input: inference costs next to nothing.
    [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($Synthetic, 32, 2, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog'}" }))
    $Yolox = Join-Path $SharedModels 'yolox_nano.onnx'

    # Starts the script as cron would, its output to $Log; returns the process (its Id is pwsh's: sh execs it).
    # -IgnoreInt: SIGINT ignored in the run, as for a job started with & by a non-interactive shell script.
    function Start-Nightly([string] $Night, [string] $Model, [string] $Log, [string] $Footage = (Join-Path $Night 'cameras'), [string[]] $More = @(), [switch] $IgnoreInt) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
        $argv = @('-c', "$($IgnoreInt ? 'trap '''' INT; ' : '')log=`$1; shift; exec ""`$@"" >""`$log"" 2>&1 </dev/null", 'sh', $Log) + $Pwsh +
            @('-NoProfile', '-NonInteractive', '-File', $Script, '-Footage', $Footage,
                '-Results', (Join-Path $Night 'detections'), '-Annotated', (Join-Path $Night 'annotated'), '-Model', $Model) + $More
        foreach ($a in $argv) { $psi.ArgumentList.Add("$a") }
        $psi.Environment['PSModulePath'] = (Split-Path $ModulePath -Parent) + [IO.Path]::PathSeparator + $env:PSModulePath
        $psi.UseShellExecute = $false
        [System.Diagnostics.Process]::Start($psi)
    }

    # Runs the script to its end: the exit code and the log.
    function Invoke-Nightly([string] $Night, [string] $Model, [string] $Name, [string] $Footage = (Join-Path $Night 'cameras')) {
        $log = Join-Path $Night "$Name.log"
        $p = Start-Nightly $Night $Model $log $Footage
        if (-not $p.WaitForExit(180000)) { $p.Kill(); throw "nightly.ps1 did not end: $(Get-Content -LiteralPath $log -Raw)" }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Log = (Get-Content -LiteralPath $log -Raw) ?? '' }
    }

    # Waits for a condition (a script block) while the process runs; throws with the log when it does not come.
    function Wait-Until([scriptblock] $Condition, $Process, [string] $Log, [string] $What, [int] $Seconds = 120) {
        $deadline = [datetime]::Now.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ($Process.HasExited) { throw "the run ended ($($Process.ExitCode)) before $What`: $(Get-Content -LiteralPath $Log -Raw)" }
            if ([datetime]::Now -gt $deadline) { $Process.Kill(); throw "no $What in $Seconds s: $(Get-Content -LiteralPath $Log -Raw)" }
            Start-Sleep -Milliseconds 20
        }
    }

    # Every line of a log is timestamped plain text (no ANSI escape codes).
    function Assert-PlainLog([string] $Log) {
        $Log | Should -Not -Match "`e" -Because 'a redirected log has no ANSI escape codes'
        foreach ($l in $Log -split '\r?\n' | Where-Object { $_ }) { $l | Should -Match "^$Stamp [a-z]+ " }
    }

    # Sends a signal to the run: INT and TERM as kill does; KILL as a power cut (nothing of the script runs).
    function Send-Signal($Process, [string] $Signal) {
        if ($Signal -eq 'KILL') { $Process.Kill() } else { & $Kill -s $Signal $Process.Id }
        $Process.WaitForExit(60000) | Should -BeTrue -Because "the run ends on SIG$Signal"
    }

    # The log lines the run wrote (whole lines only, those of the script: timestamped).
    function Get-LogLine([string] $Log) {
        # Always one string: a missing, empty or just-created log is '' (a Substring on anything else threw here once in CI).
        $text = @(Get-Content -LiteralPath $Log -Raw -ErrorAction Ignore) -join ''
        @($text.Substring(0, $text.LastIndexOf("`n") + 1) -split '\r?\n' | Where-Object { $_ -match "^$Stamp " })
    }

    # Holds the run between its detection and its annotation, deterministically: its -LogPath is a FIFO,
    # so each log line blocks the script until a reader opens it. One reader is started per line the
    # run has written to its standard output (which it does first), each reading exactly that line;
    # the "detected" line gets none, so the script waits right after its detections file completed,
    # before the file reaches Export-AnnotatedVideo. Returns the FIFO; Open-Fifo releases the run.
    function Wait-BetweenStages($Process, [string] $Log, [string] $Fifo, [string] $Video) {
        $state = @{ Served = 0; Reader = $null }
        $copy = "$Fifo.lines"
        Wait-Until {
            $lines = Get-LogLine $Log
            if ($lines -match " detected +$([regex]::Escape($Video)): ") { return $true }
            if ($lines.Count -gt $state.Served -and ($null -eq $state.Reader -or $state.Reader.HasExited)) {
                $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
                foreach ($a in '-c', 'IFS= read -r line <"$1" && printf "%s\n" "$line" >>"$2"', 'sh', $Fifo, $copy) { $psi.ArgumentList.Add($a) }
                $state.Reader = [System.Diagnostics.Process]::Start($psi)
                $state.Served++
            }
            $false
        } $Process $Log "the detections of $Video"
        Start-Sleep -Milliseconds 200
        (Get-LogLine $Log)[-1] | Should -Match " detected +$([regex]::Escape($Video)): " -Because 'the run waits at its detected line'
        (Get-Content -LiteralPath $copy) -match ' detected ' | Should -BeNullOrEmpty
    }

    # Releases a run held at its FIFO log: an open for reading and writing never blocks, and the
    # script's appends then go into the FIFO's buffer (the lines are in its standard output too).
    function Open-Fifo([string] $Fifo) { [System.IO.FileStream]::new($Fifo, [System.IO.FileMode]::Open, [System.IO.FileAccess]::ReadWrite, [System.IO.FileShare]::ReadWrite) }

}

Describe 'The nightly script (examples/nightly.ps1) as a scheduler runs it' {
    It 'documents its log lines and its exit codes in its help' {
        $help = Get-Help $Script -Full | Out-String
        foreach ($event in 'started', 'resumed', 'skipped', 'detected', 'done', 'truncated', 'failed', 'summary') { $help | Should -Match "\s$event\s" }
        $help | Should -Match '(?s)Exit codes:.*0 +every video.*1 +a video failed or was truncated.*2 +the footage folder is missing or unreadable.*3 +interrupted \(SIGINT, Ctrl\+C, SIGTERM\)'
        (Get-Help $Script -Parameter LogPath).description.text | Should -Match 'appended'
    }

    It "fails with exit 2 and an error when the footage folder is missing, warns and exits 0 when it holds no video$NotUnix" -Skip:($NotUnix -ne '') {
        $night = Join-Path $TestDrive 'footage-checks'
        New-Item -ItemType Directory (Join-Path $night 'empty/sub') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $night 'empty/sub/notes.txt') -Value 'not a video'
        $missing = Start-Nightly $night $Synthetic (Join-Path $night 'missing.log') (Join-Path $night 'unmounted') -More '-LogPath', (Join-Path $night 'kept.log')
        $empty = Start-Nightly $night $Synthetic (Join-Path $night 'empty.log') (Join-Path $night 'empty')
        $missing.WaitForExit(120000), $empty.WaitForExit(120000) | Should -Be $true, $true
        $log = Get-Content -LiteralPath (Join-Path $night 'missing.log') -Raw
        $missing.ExitCode | Should -Be 2 -Because $log
        $log | Should -Match "$Line failed +footage folder '.*unmounted' is missing"
        $log | Should -Match 'summary +0 videos: .*exit 2'
        Assert-PlainLog $log
        Get-Content -LiteralPath (Join-Path $night 'kept.log') -Raw | Should -Be $log -Because '-LogPath gets the same lines'
        $log = Get-Content -LiteralPath (Join-Path $night 'empty.log') -Raw
        $empty.ExitCode | Should -Be 0 -Because $log
        $log | Should -Match "$Line warning +no videos \(.*\) under '.*empty'"
        $log | Should -Match 'summary +0 videos: 0 done .*exit 0'
        Assert-PlainLog $log
        Test-Path -LiteralPath (Join-Path $night 'detections') | Should -BeFalse
    }

    It "processes a folder, logs one timestamped line per video, exits 1 when a video failed and 0 on a clean re-run that does nothing$NotUnix" -Skip:($NotUnix -ne '') {
        $night = Join-Path $TestDrive 'night'
        New-Item -ItemType Directory (Join-Path $night 'cameras') | Out-Null
        foreach ($n in 'cam 1.avi', 'caméra 3.avi') { $null = New-TestVideo -Path (Join-Path $night "cameras/$n") -Frames 40 -Rate 10 }
        Set-Content -LiteralPath (Join-Path $night 'cameras/broken.avi') -Value 'not a video'
        $first = Invoke-Nightly $night $Synthetic 'first'
        $first.ExitCode | Should -Be 1 -Because "broken.avi failed: $($first.Log)"
        $first.Log | Should -Match 'skipped 0 finished videos, 2 new'
        $first.Log | Should -Match "$Line failed +broken\.avi: VideoUnreadable: "
        foreach ($n in 'cam 1', 'caméra 3') {
            $first.Log | Should -Match "$Line started +$n\.avi: new, 40 frames"
            $first.Log | Should -Match "$Line detected +$n\.avi: 40 frames in [\d.]+ s, [\d.]+ frames/s -> $n\.detections\.jsonl"
            $first.Log | Should -Match "$Line done +$n\.avi: 40 frames in [\d.]+ s, [\d.]+ frames/s -> $n\.annotated\.mp4"
        }
        $first.Log | Should -Match "$Line summary +3 videos: 2 done \(0 resumed\), 0 skipped, 0 truncated, 1 failed, 1 error\(s\); 80 frames in \d+ s; exit 1\s*$"
        Assert-PlainLog $first.Log
        (Get-ChildItem -LiteralPath (Join-Path $night 'annotated') -Force).Name | Sort-Object | Should -Be @('cam 1.annotated.mp4', 'caméra 3.annotated.mp4')
        # Nothing beside the result files but the store's record of the other outputs (-Store: .outputs).
        (Get-ChildItem -LiteralPath (Join-Path $night 'detections') -Force).Name | Sort-Object | Should -Be @('.outputs', 'cam 1.detections.jsonl', 'caméra 3.detections.jsonl')
        (Get-ChildItem -LiteralPath (Join-Path $night 'detections/.outputs') -Force).Name | Sort-Object | Should -Be @('cam 1.json', 'caméra 3.json')
        Remove-Item -LiteralPath (Join-Path $night 'cameras/broken.avi')
        $second = Invoke-Nightly $night $Synthetic 'second'
        $second.ExitCode | Should -Be 0 -Because $second.Log
        $second.Log | Should -Match 'skipped 2 finished videos, 0 new'
        $second.Log | Should -Match "$Line skipped +cam 1\.avi: finished \(cam 1\.detections\.jsonl\)"
        $second.Log | Should -Match 'summary +2 videos: 0 done \(0 resumed\), 2 skipped, .*0 error\(s\); 0 frames .*exit 0'
        Assert-PlainLog $second.Log
    }

    It "a truncated recording is logged as truncated with the figures and exits 1; a longer copy (a recorder still writing) is done again, not skipped$NotUnix" -Skip:($NotUnix -ne '') {
        $night = Join-Path $TestDrive 'truncated'
        New-Item -ItemType Directory (Join-Path $night 'cameras') | Out-Null
        $bytes = [IO.File]::ReadAllBytes((Get-SharedVideo 'vtest.avi'))
        $video = Join-Path $night 'cameras/gate.avi'
        [IO.File]::WriteAllBytes($video, $bytes[0..199999])   # head -c 200000: 6 of the 795 frames the container claims
        $first = Invoke-Nightly $night $Synthetic 'first'
        $first.ExitCode | Should -Be 1 -Because $first.Log
        $first.Log | Should -Match "$Line truncated +gate\.avi: .*\b6 of the 795 frames"
        $first.Log | Should -Match "$Line summary +1 videos: 0 done \(0 resumed\), 0 skipped, 1 truncated, 0 failed, 0 error\(s\); 6 frames .*exit 1\s*$"
        Assert-PlainLog $first.Log
        "$((Get-DetectionStore -Path (Join-Path $night 'detections') -Source $video).State)" | Should -Be 'Truncated'
        # The same bytes again: skipped, named as truncated.
        $same = Invoke-Nightly $night $Synthetic 'same'
        $same.Log | Should -Match "$Line skipped +gate\.avi: finished, truncated"
        # The recorder wrote more: another version, detected again.
        [IO.File]::WriteAllBytes($video, $bytes[0..599999])
        $longer = Invoke-Nightly $night $Synthetic 'longer'
        $longer.Log | Should -Not -Match ' skipped +gate\.avi' -Because $longer.Log
        $longer.Log | Should -Match "$Line started +gate\.avi: new, \d+ frames"
        $longer.Log | Should -Match "$Line truncated +gate\.avi: .* of the 795 frames"
        $frames = @(Import-FrameDetection -LiteralPath (Join-Path $night 'detections/gate.detections.jsonl'))
        $frames.Count | Should -BeGreaterThan 6
        $longer.ExitCode | Should -Be 1 -Because $longer.Log
        Assert-PlainLog $longer.Log
    }

    It "SIGINT and SIGTERM during detection log 'interrupted' and exit 3, leaving the store resumable; the next run resumes and completes$NotUnix$NoModels" -Skip:($NotUnix -ne '' -or -not $HaveModels) {
        if (Test-SigIntIgnored) { Set-ItResult -Skipped -Because 'SIGINT is ignored in this process (started in the background by a non-interactive shell), so its children cannot be stopped with it'; return }
        # yolox_nano: inference is slow enough (tens of frames a second) to be stopped mid-video.
        $night = Join-Path $TestDrive 'signals'
        New-Item -ItemType Directory (Join-Path $night 'cameras') | Out-Null
        $null = New-TestVideo -Path (Join-Path $night 'cameras/lobby.avi') -Frames 250 -Rate 25 -Size 320x240
        $checkpoint = Join-Path $night 'detections/lobby.detections.jsonl.partial.checkpoint'
        function Get-Checkpoint { if (Test-Path -LiteralPath $checkpoint) { try { Get-Content -LiteralPath $checkpoint -Raw | ConvertFrom-Json } catch { $null } } }

        # SIGINT (Ctrl+C) once the first clip of 64 frames is stored.
        $log = Join-Path $night 'sigint.log'
        $p = Start-Nightly $night $Yolox $log
        Wait-Until { (Get-Checkpoint).clipIndex -ge 0 } $p $log 'a stored clip'
        & $Kill -s INT $p.Id
        $p.WaitForExit(60000) | Should -BeTrue
        $text = Get-Content -LiteralPath $log -Raw
        $p.ExitCode | Should -Be 3 -Because $text
        $text | Should -Match "$Line started +lobby\.avi: new, 250 frames"
        $text | Should -Match "$Line interrupted +by SIGINT after 0 of 1 videos done, during lobby\.avi while detecting .*the next run resumes"
        $text | Should -Match "$Line summary +1 videos: .*exit 3\s*$"
        Assert-PlainLog $text
        $stored = Get-DetectionStore -Path (Join-Path $night 'detections') -Source (Join-Path $night 'cameras/lobby.avi')
        "$($stored.State)" | Should -Be 'Partial'
        $stored.LastClip | Should -BeGreaterOrEqual 0
        Get-ChildItem -LiteralPath (Join-Path $night 'annotated') -Force -ErrorAction Ignore | Should -BeNullOrEmpty

        # SIGTERM while SIGINT is ignored (a job a shell script started with &): it still stops the run cleanly.
        $log = Join-Path $night 'sigterm-int-ignored.log'
        $p = Start-Nightly $night $Yolox $log -IgnoreInt
        Wait-Until { (Get-Content -LiteralPath $log -Raw -ErrorAction Ignore) -match 'resumed +lobby\.avi' } $p $log 'the resumed video'
        Test-SigIntIgnored $p.Id | Should -BeTrue -Because 'the run ignores SIGINT'
        & $Kill -s TERM $p.Id
        $p.WaitForExit(60000) | Should -BeTrue -Because 'SIGTERM ends the run even when SIGINT is ignored'
        $text = Get-Content -LiteralPath $log -Raw
        $p.ExitCode | Should -Be 3 -Because $text
        $text | Should -Match "$Line interrupted +by SIGTERM after 0 of 1 videos done, during lobby\.avi while detecting"
        "$((Get-DetectionStore -Path (Join-Path $night 'detections') -Source (Join-Path $night 'cameras/lobby.avi')).State)" | Should -Be 'Partial'

        # SIGTERM (systemd, Kubernetes) while the resumed video is detected.
        $log = Join-Path $night 'sigterm.log'
        $p = Start-Nightly $night $Yolox $log
        Wait-Until { (Get-Content -LiteralPath $log -Raw -ErrorAction Ignore) -match 'resumed +lobby\.avi' } $p $log 'the resumed video'
        & $Kill -s TERM $p.Id
        $p.WaitForExit(60000) | Should -BeTrue
        $text = Get-Content -LiteralPath $log -Raw
        $p.ExitCode | Should -Be 3 -Because $text
        $text | Should -Match "$Line resumed +lobby\.avi: at clip [1-9]\d*, \d+ frames to do"
        $text | Should -Match "$Line interrupted +by SIGTERM after 0 of 1 videos done, during lobby\.avi while detecting"
        $text | Should -Match "$Line summary +1 videos: .*\(1 resumed\).*exit 3\s*$"
        Assert-PlainLog $text
        "$((Get-DetectionStore -Path (Join-Path $night 'detections') -Source (Join-Path $night 'cameras/lobby.avi')).State)" | Should -Be 'Partial'

        # The next run resumes after the last whole clip and completes: every frame once, in order.
        $third = Invoke-Nightly $night $Yolox 'third'
        $third.ExitCode | Should -Be 0 -Because $third.Log
        $third.Log | Should -Match "$Line resumed +lobby\.avi: at clip [1-9]"
        $third.Log | Should -Match "$Line done +lobby\.avi: "
        $third.Log | Should -Match 'summary +1 videos: 1 done \(1 resumed\), 0 skipped, 0 truncated, 0 failed, 0 error\(s\);.*exit 0'
        $frames = @(Import-FrameDetection -LiteralPath (Join-Path $night 'detections/lobby.detections.jsonl'))
        $frames.FrameIndex | Should -Be (0..249)
        (Get-ChildItem -LiteralPath (Join-Path $night 'annotated') -Force).Name | Should -Be 'lobby.annotated.mp4'
    }

    It "SIGKILL during annotation leaves the encoder's temporary file; the next run that writes there removes it$NotUnix$NoFfmpeg" -Skip:($NotUnix -ne '' -or -not $HaveFfmpeg) {
        $night = Join-Path $TestDrive 'killed'
        New-Item -ItemType Directory (Join-Path $night 'cameras') | Out-Null
        # Big enough frames that encoding the annotated copy takes a while; detection (synthetic model) is quick.
        $null = New-TestVideo -Path (Join-Path $night 'cameras/yard.avi') -Frames 300 -Rate 25 -Size 640x480
        $annotated = Join-Path $night 'annotated'
        $log = Join-Path $night 'killed.log'
        $p = Start-Nightly $night $Synthetic $log
        Wait-Until { @(Get-ChildItem -LiteralPath $annotated -Force -Filter '.yard.annotated.*.tmp.mp4' -ErrorAction Ignore | Where-Object Length -GT 0).Count -gt 0 } $p $log 'an annotated copy being encoded'
        $p.Kill()   # SIGKILL: nothing of the script or the module runs
        $p.WaitForExit()
        $orphan = @(Get-ChildItem -LiteralPath $annotated -Force -Filter '.yard.annotated.*.tmp.mp4')
        $orphan.Count | Should -Be 1 -Because 'a killed encoder leaves its temporary file'

        # The next night: a new video is annotated into the same folder, which removes the orphan.
        $null = New-TestVideo -Path (Join-Path $night 'cameras/zone.avi') -Frames 20 -Rate 10
        $next = Invoke-Nightly $night $Synthetic 'next'
        $next.ExitCode | Should -Be 0 -Because $next.Log
        $next.Log | Should -Match "$Line done +zone\.avi: "
        Test-Path -LiteralPath $orphan[0].FullName | Should -BeFalse
        @(Get-ChildItem -LiteralPath $annotated -Force -Filter '.*.tmp.*').Count | Should -Be 0
        (Get-ChildItem -LiteralPath $annotated -Force).Name | Should -Contain 'zone.annotated.mp4'
        # yard's annotated copy, cut off by the kill, is made from its stored detections, without inference.
        $next.Log | Should -Not -Match ' (started|resumed) +yard\.avi'
        $next.Log | Should -Match "$Line done +yard\.avi: wrote yard\.annotated\.mp4 \(missing output\)"
        (Get-ChildItem -LiteralPath $annotated -Force).Name | Sort-Object | Should -Be @('yard.annotated.mp4', 'zone.annotated.mp4')
    }
    # Every signal at every stage (those not above): what a stop leaves is resumable and nothing half
    # written looks finished; a re-run makes what is missing, the annotated copy from the stored
    # detections without inference, and leaves no temporary file. Each stage is reached by waiting
    # for what marks it: a stored clip (detection), the run held at its "detected" log line
    # (between), the encoder's temporary file growing (annotation).
    It "SIG<Signal> <Stage>: exit <Exit>, the store resumable, a re-run completes it$NotUnix" -Skip:($NotUnix -ne '') -ForEach @(
        @{ Stage = 'during detection'; Signal = 'KILL'; Exit = 137 }
        @{ Stage = 'between detection and annotation'; Signal = 'INT'; Exit = 3 }
        @{ Stage = 'between detection and annotation'; Signal = 'TERM'; Exit = 3 }
        @{ Stage = 'between detection and annotation'; Signal = 'KILL'; Exit = 137 }
        @{ Stage = 'during annotation'; Signal = 'INT'; Exit = 3 }
        @{ Stage = 'during annotation'; Signal = 'TERM'; Exit = 3 }
    ) {
        if ($Signal -eq 'INT' -and (Test-SigIntIgnored)) { Set-ItResult -Skipped -Because 'SIGINT is ignored in this process (started in the background by a non-interactive shell), so its children cannot be stopped with it'; return }
        $detecting = $Stage -eq 'during detection'
        if ($detecting -and -not $HaveModels) { Set-ItResult -Skipped -Because "yolox_nano is missing$NoModels"; return }
        if (-not $HaveFfmpeg) { Set-ItResult -Skipped -Because 'ffmpeg is not installed'; return }
        $night = Join-Path $TestDrive "stop-$Signal-$($Stage -replace ' ', '-')"
        New-Item -ItemType Directory (Join-Path $night 'cameras') | Out-Null
        $video = Join-Path $night 'cameras/yard.avi'
        # Detection: yolox_nano on a small video (slow enough to stop mid-video); annotation: large frames (slow to encode), the synthetic model.
        if ($detecting) { $null = New-TestVideo -Path $video -Frames 250 -Rate 25 -Size 320x240; $model = $Yolox }
        else { $null = New-TestVideo -Path $video -Frames 300 -Rate 25 -Size 640x480; $model = $Synthetic }
        $results = Join-Path $night 'detections'
        $annotated = Join-Path $night 'annotated'
        $detections = Join-Path $results 'yard.detections.jsonl'
        $log = Join-Path $night 'stopped.log'

        if ($detecting) {
            $p = Start-Nightly $night $model $log
            $checkpoint = "$detections.partial.checkpoint"
            Wait-Until { (Test-Path -LiteralPath $checkpoint) -and ((Get-Content -LiteralPath $checkpoint -Raw -ErrorAction Ignore) -match '"clipIndex"\s*:\s*\d') } $p $log 'a stored clip'
            Send-Signal $p $Signal
        }
        elseif ($Stage -like 'between*') {
            $fifo = Join-Path $night 'log.fifo'
            & mkfifo $fifo
            $p = Start-Nightly $night $model $log -More '-LogPath', $fifo
            Wait-BetweenStages $p $log $fifo 'yard.avi'
            Test-Path -LiteralPath $detections | Should -BeTrue -Because 'the detections file is complete'
            @(Get-ChildItem -LiteralPath $annotated -Force -ErrorAction Ignore).Count | Should -Be 0 -Because 'the annotation has not begun'
            if ($Signal -eq 'KILL') { Send-Signal $p $Signal }
            else {
                & $Kill -s $Signal $p.Id
                $hold = Open-Fifo $fifo
                try { $p.WaitForExit(60000) | Should -BeTrue } finally { $hold.Dispose() }
            }
        }
        else {
            $p = Start-Nightly $night $model $log
            Wait-Until { @(Get-ChildItem -LiteralPath $annotated -Force -Filter '.yard.annotated.*.tmp.mp4' -ErrorAction Ignore | Where-Object Length -GT 0).Count -gt 0 } $p $log 'an annotated copy being encoded'
            Send-Signal $p $Signal
        }
        $text = Get-Content -LiteralPath $log -Raw
        $p.ExitCode | Should -Be $Exit -Because $text
        Assert-PlainLog $text
        if ($Signal -eq 'KILL') { $text | Should -Not -Match 'interrupted|summary' -Because 'nothing of the script runs after SIGKILL' }
        else {
            $text | Should -Match "$Line interrupted +by SIG$Signal after 0 of 1 videos done, during yard\.avi while annotating \(detections complete\).*the next run resumes"
            $text | Should -Match "$Line summary +1 videos: 0 done .*exit 3\s*$"
        }

        # Nothing half written looks finished; the store says what is missing.
        Test-Path -LiteralPath (Join-Path $annotated 'yard.annotated.mp4') | Should -BeFalse
        if ($detecting) {
            Test-Path -LiteralPath $detections | Should -BeFalse
            "$((Get-DetectionStore -Path $results -Source $video).State)" | Should -Be 'Partial'
        }
        else {
            $stored = Get-DetectionStore -Path $results -Source $video -MissingOutput AnnotatedVideo
            "$($stored.State)" | Should -Be 'Incomplete'
            ($stored.Outputs | Where-Object Kind -EQ 'AnnotatedVideo').State | Should -BeIn 'Partial', 'Missing'
            if ($Signal -ne 'KILL') { @(Get-ChildItem -LiteralPath $annotated -Force -Filter '.*.tmp.*' -ErrorAction Ignore).Count | Should -Be 0 -Because 'a stopped encoder removes its temporary file' }
            $kept = (Get-Item -LiteralPath $detections).LastWriteTimeUtc
        }

        # The re-run: detection resumed after the last whole clip, or the annotated copy made from the stored detections (no inference).
        $again = Invoke-Nightly $night $model 'again'
        $again.ExitCode | Should -Be 0 -Because $again.Log
        Assert-PlainLog $again.Log
        if ($detecting) {
            $again.Log | Should -Match "$Line resumed +yard\.avi: at clip [1-9]"
            $again.Log | Should -Match "$Line done +yard\.avi: "
            (@(Import-FrameDetection -LiteralPath $detections).FrameIndex) | Should -Be (0..249)
        }
        else {
            $again.Log | Should -Not -Match ' (started|resumed|detected) ' -Because 'no frame is inferred again'
            $again.Log | Should -Match "$Line done +yard\.avi: wrote yard\.annotated\.mp4 \(missing output\)"
            $again.Log | Should -Match "$Line summary +1 videos: .* 0 frames in "
            (Get-Item -LiteralPath $detections).LastWriteTimeUtc | Should -Be $kept -Because 'the detections file is not written again'
        }
        (Get-ChildItem -LiteralPath $annotated -Force).Name | Should -Be 'yard.annotated.mp4' -Because 'no temporary file is left'
        @(Get-DetectionStore -Path $results -Source $video -MissingOutput AnnotatedVideo).Count | Should -Be 0
        "$((Get-DetectionStore -Path $results -Source $video).State)" | Should -Be 'Done'
    }
}
