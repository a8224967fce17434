#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Export-EventClip: clips of events as users make them (live, and from the
# store with -Annotate), their names, frame counts (ffprobe), -Merge, -Force, -WhatIf, the orphan
# sweep, and a gone source among others. Frame accuracy pixel by pixel is xunit's
# (tests/VideoDetect.Core.Tests/Review/EventClipWriterTests.cs).

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop

    # Video frames of an MP4, counted by decoding (ffprobe).
    function Get-FrameCount([string] $Path) {
        [int](& ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 $Path)
    }
    # An event of a 25 frames/s video, as ConvertTo-DetectionEvent makes it.
    function New-Event([string] $Path, [int] $Start, [int] $End, [int] $Track = 1) {
        [VideoDetect.Events.DetectionEvent]@{
            Path = $Path; Label = 'person'; TrackId = $Track; StartFrame = $Start; EndFrame = $End
            StartTime = [TimeSpan]::FromMilliseconds(40 * $Start); EndTime = [TimeSpan]::FromMilliseconds(40 * $End)
        }
    }
}

Describe "Export-EventClip on synthetic videos$NoFfmpeg$NoFfprobe" -Skip:(-not ($HaveFfmpeg -and $HaveFfprobe)) {
    BeforeAll {
        $src = New-Item -ItemType Directory (Join-Path $TestDrive 'src')
        $camA = New-TestVideo -Path (Join-Path $src 'camA.mp4') -Frames 100 -Codec @('-c:v', 'libx264', '-g', '25', '-bf', '2')
        $camB = New-TestVideo -Path (Join-Path $src 'camB.mp4') -Frames 100 -Codec @('-c:v', 'libx264', '-g', '25', '-bf', '2')
    }

    It 'writes one clip per event, named video.label-track.start.mp4, of the rolled frames, and -PassThru sets ClipPath' {
        $out = Join-Path $TestDrive 'clips1'
        $events = @((New-Event $camA 30 40 -Track 3), (New-Event $camA 60 62 -Track 4))
        $written = @($events | Export-EventClip -OutputDirectory $out -PreRoll 5 -PostRoll '0.2s' -PassThru)
        $written.Count | Should -Be 2
        $written[0].ClipPath | Should -Be (Join-Path $out 'camA.person-3.000030.mp4')
        $written[1].ClipPath | Should -Be (Join-Path $out 'camA.person-4.000060.mp4')
        Get-FrameCount $written[0].ClipPath | Should -Be 21 -Because 'frames 25..45'
        Get-FrameCount $written[1].ClipPath | Should -Be 13 -Because 'frames 55..67'
        $events[0].ClipPath | Should -BeNullOrEmpty -Because 'the input events are not changed'
    }

    It '-Merge writes one clip for events whose clips overlap, and every event names it' {
        $out = Join-Path $TestDrive 'clips2'
        $written = @((New-Event $camA 30 40 -Track 3), (New-Event $camA 42 50 -Track 4)) | Export-EventClip -OutputDirectory $out -PreRoll 5 -PostRoll 5 -Merge -PassThru
        $written.Count | Should -Be 2
        @($written.ClipPath | Select-Object -Unique) | Should -Be (Join-Path $out 'camA.person-3.000030.mp4')
        Get-FrameCount $written[0].ClipPath | Should -Be 31 -Because 'frames 25..45 and 37..55 make 25..55'
        @(Get-ChildItem $out -Force).Count | Should -Be 1
    }

    It 'refuses to replace a clip without -Force, replaces it with -Force, and writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'clips3'
        $event = New-Event $camA 50 55
        $event | Export-EventClip -OutputDirectory $out
        $clip = Join-Path $out 'camA.person-1.000050.mp4'
        Set-Content -LiteralPath $clip -Value 'old'
        $event | Export-EventClip -OutputDirectory $out -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -Be 'OutputExists,VideoDetect.Commands.ExportEventClipCommand'
        Get-Content -LiteralPath $clip | Should -Be 'old'
        $event | Export-EventClip -OutputDirectory $out -Force
        Get-FrameCount $clip | Should -Be 100 -Because 'frames 50..55 with 2 s each side, clamped to 0..99'
        $event | Export-EventClip -OutputDirectory (Join-Path $TestDrive 'whatif') -WhatIf
        Test-Path (Join-Path $TestDrive 'whatif') | Should -BeFalse
    }

    It 'a gone source is a non-terminating SourceUnavailable naming it, and the other videos go on' {
        $out = Join-Path $TestDrive 'clips4'
        $gone = Join-Path $src 'gone.mp4'
        Copy-Item $camA $gone
        $events = @((New-Event $gone 10 12), (New-Event $camB 10 12))
        Remove-Item $gone
        $written = @($events | Export-EventClip -OutputDirectory $out -PassThru -ErrorVariable err -ErrorAction SilentlyContinue)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'SourceUnavailable,VideoDetect.Commands.ExportEventClipCommand'
        $err[0].TargetObject | Should -Be $gone
        $err[0].Exception.Message | Should -BeLike "*gone.mp4*"
        $written.ClipPath | Should -Be (Join-Path $out 'camB.person-1.000010.mp4')
    }

    It 'sweeps a killed writer''s temporary clip from the folder, and leaves none of its own' {
        $out = New-Item -ItemType Directory (Join-Path $TestDrive 'clips5')
        $orphan = Join-Path $out '.camA.person-1.20.0123abcd.tmp.mp4'
        Set-Content -LiteralPath $orphan -Value 'half a clip'
        New-Event $camA 20 21 | Export-EventClip -OutputDirectory $out
        Test-Path -LiteralPath $orphan | Should -BeFalse
        @(Get-ChildItem $out -Force).Name | Should -Be 'camA.person-1.000020.mp4'
    }
}

Describe "Export-EventClip -Annotate from the result store$NoShared$NoFfmpeg" -Skip:(-not ($HaveShared -and $HaveFfmpeg -and $HaveFfprobe)) {
    It 'draws the events'' tracks from -Detections, keeps the audio; events from Import-FrameDetection name their clips' {
        $store = Join-Path $TestDrive 'store'
        $out = Join-Path $TestDrive 'annotated'
        # Megamind.avi: faces (the embedded default model), and an AC-3 audio track.
        Split-VideoClip (Get-SharedVideo 'Megamind.avi') -Length 32 | ConvertTo-FrameBatch | Invoke-FrameDetection | Add-DetectionTrack |
            Export-FrameDetection -OutputDirectory $store -Force | Out-Null
        $events = @(Import-FrameDetection (Join-Path $store 'Megamind.detections.jsonl') | ConvertTo-DetectionEvent -MinDuration 1s | Select-Object -First 2)
        $events.Count | Should -Be 2
        $written = @($events | Export-EventClip -Annotate -Detections $store -OutputDirectory $out -PreRoll 0 -PostRoll 0 -PassThru -Verbose 4>&1)
        $verbose = @($written | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $clips = @($written | Where-Object { $_ -is [VideoDetect.Events.DetectionEvent] })
        $clips.Count | Should -Be 2
        foreach ($e in $clips) {
            Split-Path -Leaf $e.ClipPath | Should -Be "Megamind.face-$($e.TrackId).$($e.StartFrame.ToString('D6')).mp4"
            Get-FrameCount $e.ClipPath | Should -Be ($e.EndFrame - $e.StartFrame + 1)
            & ffprobe -v error -select_streams a:0 -show_entries stream=codec_type -of csv=p=0 $e.ClipPath | Should -Be 'audio'
        }
        ($verbose.Message -join ' ') | Should -BeLike '*re-encoded*' -Because 'an annotated clip is never copied'
        ($verbose.Message -join ' ') | Should -Not -BeLike '*copied*'
    }
}
