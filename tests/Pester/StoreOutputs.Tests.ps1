#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Issue 25, points 2 and 3: a truncated recording is named (VideoTruncated warning, store state
# Truncated, a longer copy is done again), and the result store covers every output (an annotated
# copy interrupted or never made is not Done, and -MissingOutput makes it from the stored detections).
# broken.avi is made here from vtest.avi (its first 200,000 bytes, as `head -c` would); a synthetic
# YOLOv5 model keeps inference fast.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    Import-SyntheticModels
    $Model = Join-Path $TestDrive 'yolov5.onnx'
    [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($Model, 32, 2, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog'}" }))

    # The first $Bytes bytes of vtest.avi at $Path (a recording cut off, or still being written).
    function Write-Head([string] $Path, [int] $Bytes) {
        $all = [IO.File]::ReadAllBytes((Get-SharedVideo 'vtest.avi'))
        [IO.File]::WriteAllBytes($Path, $all[0..($Bytes - 1)])
    }

    # Detections of the given videos into $Store, with -ResumeFrom: what was left to do; returns the information records.
    function Invoke-Detection([string[]] $Videos, [string] $Store) {
        $null = Get-Item -LiteralPath $Videos | Split-VideoClip -Length 16 -ResumeFrom $Store -InformationVariable info -WarningVariable warn -WarningAction SilentlyContinue |
            ConvertTo-FrameBatch -BatchSize 8 -Model $Model | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory $Store
        [pscustomobject]@{ Info = "$info"; Warnings = @($warn | ForEach-Object { "$_" }) }
    }
}

Describe 'A truncated recording is named' {
    It 'Get-VideoInfo warns VideoTruncated with the figures and says IsTruncated; the sample videos are whole (tree.avi too)' {
        $broken = Join-Path $TestDrive 'broken.avi'
        Write-Head $broken 200000
        $info = Get-VideoInfo -LiteralPath $broken -WarningVariable w -WarningAction SilentlyContinue
        $info.IsTruncated | Should -BeTrue
        $info.ReportedFrameCount | Should -Be 795
        $info.FrameCount | Should -BeLessThan 20
        $info.ReportedDuration | Should -Be ([timespan]::FromSeconds(79.5))
        @($w).Count | Should -Be 1
        "$w" | Should -Match "^VideoTruncated: '.*broken\.avi' is truncated: $($info.FrameCount) of the 795 frames the container claims decode \(\d+\.\d s of 79\.5 s\)"
        $whole = Get-ChildItem -Path (Join-Path $SharedVideos '*.avi') | Get-VideoInfo -WarningVariable w2
        @($whole | Where-Object IsTruncated) | Should -BeNullOrEmpty
        @($w2) | Should -BeNullOrEmpty
        ($whole | Where-Object { $_.Path -like '*tree.avi' }).ReportedFrameCount | Should -Be 444 -Because 'tree.avi claims 444 frames, decodes 68 over the whole claimed time: whole'
    }

    It 'is stored as Truncated (not Done), skipped by -ResumeFrom with the figures in its summary, and a longer copy (a recorder still writing) is done again' {
        $store = Join-Path $TestDrive 'truncated-store'
        $cam = Join-Path $TestDrive 'recording.avi'
        Write-Head $cam 200000
        $first = Invoke-Detection $cam $store
        $first.Warnings | Should -Match '^VideoTruncated: .*recording\.avi'
        $entry = Get-DetectionStore $store
        $entry.State | Should -Be 'Truncated'
        $entry.Reason | Should -Match '^\d+ of the 795 frames the container claims decode'
        (Get-ChildItem -LiteralPath $cam | Get-DetectionStore $store).State | Should -Be 'Truncated'
        $header = Get-Content -LiteralPath $entry.File -TotalCount 1 | ConvertFrom-Json
        $header.source.truncated | Should -BeTrue
        $header.source.reportedFrameCount | Should -Be 795
        $header.source.frameCount | Should -Be $entry.FrameCount

        $again = Invoke-Detection $cam $store
        $again.Info | Should -Match 'skipped 1 finished video \(1 truncated: recording\.avi: \d+ of the 795 frames the container claims decode'

        # The recorder wrote on: the same path, larger and newer.
        Start-Sleep -Milliseconds 20
        Write-Head $cam 1000000
        $longer = Invoke-Detection $cam $store
        $longer.Info | Should -Match '1 changed or unreadable, done again'
        $now = Get-DetectionStore $store
        $now.State | Should -Be 'Truncated'
        $now.FrameCount | Should -BeGreaterThan $entry.FrameCount
        # And complete at last.
        Copy-Item -LiteralPath (Get-SharedVideo 'vtest.avi') -Destination $cam -Force
        $null = Invoke-Detection $cam $store
        $done = Get-DetectionStore $store
        ($done.State, $done.FrameCount) | Should -Be @('Done', 795)
    }
}

Describe 'The result store covers every output' {
    BeforeAll {
        $Src = Join-Path $TestDrive 'footage'
        New-Item -ItemType Directory $Src | Out-Null
        $Videos = foreach ($n in 'north [1].avi', 'south.avi') { New-TestVideo -Path (Join-Path $Src $n) -Frames 30 -Rate 10 -Size 64x48 }
    }

    It 'an annotated copy stopped while it encodes, or never made, is not Done; -MissingOutput makes them from the stored detections; a deleted one is missing again' {
        $store = Join-Path $TestDrive 'store'
        $annotated = Join-Path $TestDrive 'annotated'
        $null = Invoke-Detection $Videos $store
        @(Get-DetectionStore $store).State | Should -Be @('Done', 'Done') -Because 'no output other than the detections is expected yet'

        # The run stops (Ctrl+C, a kill) while the first video's annotated copy is being written.
        Get-ChildItem -LiteralPath $store -Filter 'north*' | Import-FrameDetection | Export-AnnotatedVideo -OutputDirectory $annotated -Store $store -Codec Mjpg -PassThru |
            Select-Object -First 5 | Out-Null
        Test-Path -LiteralPath (Join-Path $annotated 'north [1].annotated.mp4') | Should -BeFalse
        $entries = @(Get-DetectionStore $store)
        $entries.State | Should -Be @('Incomplete', 'Incomplete') -Because 'no video has its annotated copy'
        ($entries[0].Outputs | ForEach-Object { "$_" }) | Should -Be @('Detections: Done', 'AnnotatedVideo: Partial')
        ($entries[1].Outputs | ForEach-Object { "$_" }) | Should -Be @('Detections: Done', 'AnnotatedVideo: Missing')
        $entries[0].Reason | Should -Match 'AnnotatedVideo: Partial \(begun .*, not finished'
        (Get-DetectionStore $store | Format-Table | Out-String -Width 200) | Should -Match 'Incomplete .*AnnotatedVideo Partial'
        @(Get-ChildItem -LiteralPath $store).Name | Should -Be @('north [1].detections.jsonl', 'south.detections.jsonl') -Because 'the records are in a hidden folder'

        # The re-run: only the missing outputs, from the stored detections (no inference).
        $missing = @(Get-DetectionStore $store -MissingOutput AnnotatedVideo)
        $missing.Count | Should -Be 2
        $written = @($missing | Import-FrameDetection | Export-AnnotatedVideo -OutputDirectory $annotated -Store $store -Codec Mjpg -PassThruFile)
        $written.Name | Should -Be @('north [1].annotated.mp4', 'south.annotated.mp4')
        @(Get-DetectionStore $store).State | Should -Be @('Done', 'Done')
        (Get-DetectionStore $store)[0].Outputs[1].File | Should -Be $written[0].FullName
        @(Get-DetectionStore $store -MissingOutput annotatedvideo) | Should -BeNullOrEmpty

        # An output kind no run has made yet is missing when asked for; a deleted file is missing again.
        @(Get-DetectionStore $store -MissingOutput Snapshots).Count | Should -Be 2
        Remove-Item -LiteralPath $written[1].FullName
        $again = @(Get-DetectionStore $store -MissingOutput AnnotatedVideo)
        $again.Source | Should -Be @($Videos[1])
        $again[0].Reason | Should -Match 'its file is gone'
    }

    It 'the nightly recipe, run as a scheduler runs it, makes an annotated copy a stopped run left unfinished, from the stored detections' {
        $night = Join-Path $TestDrive 'night'
        New-Item -ItemType Directory (Join-Path $night 'cameras') | Out-Null
        Copy-Item -LiteralPath $Videos -Destination (Join-Path $night 'cameras')
        $results = Join-Path $night 'detections'
        $annotated = Join-Path $night 'annotated'
        function Invoke-Nightly {
            $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshCommand)[0])
            foreach ($a in @(Get-PwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot '../../examples/nightly.ps1'),
                    '-Footage', (Join-Path $night 'cameras'), '-Results', $results, '-Annotated', $annotated, '-Model', $Model)) { $psi.ArgumentList.Add("$a") }
            $psi.Environment['PSModulePath'] = (Split-Path $ModulePath -Parent) + [IO.Path]::PathSeparator + $env:PSModulePath
            $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
            $p = [System.Diagnostics.Process]::Start($psi)
            $err = $p.StandardError.ReadToEndAsync(); $log = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
            [pscustomobject]@{ ExitCode = $p.ExitCode; Log = $log + $err.Result }
        }
        $first = Invoke-Nightly
        $first.ExitCode | Should -Be 0 -Because $first.Log
        @(Get-DetectionStore $results).State | Should -Be @('Done', 'Done') -Because $first.Log
        # A later run is stopped while it encodes north's annotated copy again: the record says begun, the file is gone.
        $north = Join-Path $annotated 'north [1].annotated.mp4'
        Remove-Item -LiteralPath $north
        Get-ChildItem -LiteralPath $results -Filter 'north*' | Import-FrameDetection |
            Export-AnnotatedVideo -OutputDirectory $annotated -Store $results -PassThru | Select-Object -First 3 | Out-Null
        @(Get-DetectionStore $results).State | Should -Be @('Incomplete', 'Done')
        $second = Invoke-Nightly
        $second.ExitCode | Should -Be 0 -Because $second.Log
        $second.Log | Should -Match 'skipped 2 finished videos, 0 new'
        $second.Log | Should -Match 'wrote north \[1\]\.annotated\.mp4 \(missing output\)'
        Test-Path -LiteralPath $north | Should -BeTrue -Because $second.Log
        @(Get-DetectionStore $results).State | Should -Be @('Done', 'Done')
    }
}

Describe '-Store on the writers, and store paths that are not on disk' {
    BeforeAll {
        $Src = Join-Path $TestDrive 'store-footage'
        New-Item -ItemType Directory $Src | Out-Null
        $Video = New-TestVideo -Path (Join-Path $Src 'gate.avi') -Frames 20 -Rate 10 -Size 64x48
        $Frames = @(Get-Item -LiteralPath $Video | Split-VideoClip -Length 10 | ConvertTo-FrameBatch -BatchSize 8 -Model $Model | Invoke-FrameDetection)
    }

    It 'Export-FrameDetection -Format Mot -Store records the MOT file as an output of the store, as Export-AnnotatedVideo -Store records its copy' {
        $store = Join-Path $TestDrive 'mot-store'
        $null = $Frames | Export-FrameDetection -OutputDirectory $store
        $mot = @($Frames | Export-FrameDetection -Format Mot -OutputDirectory (Join-Path $TestDrive 'mot') -Store $store)
        $entry = Get-DetectionStore $store
        "$($entry.State)" | Should -Be 'Done'
        ($entry.Outputs | ForEach-Object { "$_" }) | Should -Be @('Detections: Done', 'Mot: Done')
        Remove-Item -LiteralPath $mot[0].FullName
        (Get-DetectionStore $store -MissingOutput Mot).Source | Should -Be $Video
    }

    It 'with a result format, -Store is the -OutputDirectory or an InvalidOutputPath error before anything is written' {
        $store = Join-Path $TestDrive 'same-store'
        $files = @($Frames | Export-FrameDetection -OutputDirectory $store -Store "$store/")
        $files.Name | Should -Be 'gate.detections.jsonl'
        Test-Path -LiteralPath (Join-Path $store '.outputs') | Should -BeFalse -Because 'a result file is its own record'
        $other = Join-Path $TestDrive 'elsewhere'
        { $Frames | Export-FrameDetection -OutputDirectory $other -Store $store } | Should -Throw -ErrorId 'InvalidOutputPath,VideoDetect.Commands.ExportFrameDetectionCommand' -ExpectedMessage "*-OutputDirectory '$store'*"
        { $Frames | Export-FrameDetection -Path (Join-Path $TestDrive 'one.jsonl') -Store $store } | Should -Throw -ErrorId 'InvalidOutputPath,VideoDetect.Commands.ExportFrameDetectionCommand'
        Test-Path -LiteralPath $other | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $TestDrive 'one.jsonl') | Should -BeFalse
    }

    It 'Get-DetectionStore on a store folder that is not there is ResultNotFound naming it; with -Source each source is Pending' {
        $missing = Join-Path $TestDrive 'unmounted/results'
        $e = { Get-DetectionStore -Path $missing -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'ResultNotFound,VideoDetect.Commands.GetDetectionStoreCommand'
        $e.Exception.Message | Should -BeLike "*'$missing'*does not exist*"
        { Get-DetectionStore -Path $Video -ErrorAction Stop } | Should -Throw -ExpectedMessage '*is a file*'
        "$((Get-DetectionStore -Path $missing -Source $Video).State)" | Should -Be 'Pending'
    }

    It '<Command> <Parameter> <Given>: a typed error naming the parameter, nothing written' -ForEach @(
        @{ Command = 'Export-FrameDetection'; Parameter = '-Store'; Given = 'Variable:'; Id = 'InvalidOutputPath' }
        @{ Command = 'Export-FrameDetection'; Parameter = '-OutputDirectory'; Given = 'Env:'; Id = 'InvalidOutputPath' }
        @{ Command = 'Export-AnnotatedVideo'; Parameter = '-Store'; Given = 'Env:'; Id = 'InvalidOutputPath' }
        @{ Command = 'Export-AnnotatedVideo'; Parameter = '-OutputDirectory'; Given = 'Variable:x'; Id = 'InvalidOutputPath' }
        @{ Command = 'Get-DetectionStore'; Parameter = '-Path'; Given = 'Variable:'; Id = 'NotFileSystemPath' }
        @{ Command = 'Split-VideoClip'; Parameter = '-ResumeFrom'; Given = 'Env:'; Id = 'NotFileSystemPath' }
    ) {
        $work = Join-Path $TestDrive "not-on-disk-$($Parameter.TrimStart('-'))-$Command"
        New-Item -ItemType Directory $work | Out-Null
        Push-Location -LiteralPath $work
        try {
            $store = if ($Parameter -eq '-Store') { @{ Store = $Given } } else { @{} }
            $run = switch ($Command) {
                'Export-FrameDetection' { { $Frames | Export-FrameDetection -OutputDirectory ($Parameter -eq '-Store' ? $work : $Given) @store } }
                'Export-AnnotatedVideo' { { $Frames | Export-AnnotatedVideo -OutputDirectory ($Parameter -eq '-Store' ? (Join-Path $work 'a') : $Given) @store } }
                'Get-DetectionStore' { { Get-DetectionStore -Path $Given } }
                'Split-VideoClip' { { Get-Item -LiteralPath $Video | Split-VideoClip -Length 10 -ResumeFrom $Given } }
            }
            $e = { & $run } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $e.Exception.Message | Should -BeLike "*$Parameter '$Given' is not a file-system path*"
            @(Get-ChildItem -LiteralPath $work -Force -Recurse).Count | Should -Be 0 -Because 'nothing is written, not even into the current folder'
        }
        finally { Pop-Location }
    }
}
