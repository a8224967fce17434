#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# ConvertTo-FrameBatch -SkipStatic: held frames through Invoke-FrameDetection, the same output at
# -ThrottleLimit 1 and 2. Fixture: vtest.avi's frame 0 frozen for 3 s, then 20 moving frames (ffmpeg).

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Yolox = Join-Path $SharedModels 'yolox_nano.onnx'
}

Describe "ConvertTo-FrameBatch -SkipStatic | Invoke-FrameDetection$NoShared$NoModels$NoFfmpeg" -Skip:(-not $HaveShared -or -not $HaveModels -or -not $HaveFfmpeg) {
    BeforeAll {
        $video = Join-Path $TestDrive 'frozen.avi'
        & ffmpeg -v error -y -i (Get-SharedVideo 'vtest.avi') -vf 'trim=start_frame=0:end_frame=20,setpts=PTS-STARTPTS,tpad=start_mode=clone:start_duration=3' -c:v mjpeg -q:v 2 $video
        $LASTEXITCODE | Should -Be 0
        function Invoke-Gated([int] $Throttle) {
            Split-VideoClip $video -Length 25 | ConvertTo-FrameBatch -BatchSize 4 -Model $Yolox -SkipStatic -MaxSkip 2s -ThrottleLimit $Throttle |
                Invoke-FrameDetection -Class person
        }
        $batches = @(Split-VideoClip $video -Length 25 | ConvertTo-FrameBatch -BatchSize 4 -Model $Yolox -SkipStatic -MaxSkip 2s)
        $batched = @($batches.Frames.FrameIndex)
        $batches | ForEach-Object { $_.Dispose() }
        $one = @(Invoke-Gated 1)
        $two = @(Invoke-Gated 2)
    }

    It 'batches only the frames that changed, and each clip''s first frame' {
        $batched | Should -Contain 0
        $batched | Should -Contain 25
        # 50 frames: the frozen 30 are held but for clip starts and MaxSkip (2 s = 20 frames), the moving 20 mostly inferred.
        $batched.Count | Should -BeLessThan 35
        $batched.Count | Should -BeGreaterThan 8
    }

    It 'emits every frame in order, the held ones with the detections of the frame they follow' {
        $one.Count | Should -Be 50
        (Compare-Object (0..49) $one.FrameIndex -SyncWindow 0) | Should -BeNullOrEmpty
        $held = @($one | Where-Object { $_.Extras -and $_.Extras.ContainsKey('HeldFrom') })
        $held.Count | Should -Be (50 - $batched.Count)
        $byIndex = @{}; $one | ForEach-Object { $byIndex[$_.FrameIndex] = $_ }
        foreach ($h in $held) {
            $from = $byIndex[[long]$h.Extras.HeldFrom]
            $from.Extras.HeldFrom | Should -BeNullOrEmpty
            $batched | Should -Contain $from.FrameIndex
            $h.Detections.Count | Should -Be $from.Detections.Count
            if ($h.Detections.Count) {
                ($h.Detections.X -join ',') | Should -Be ($from.Detections.X -join ',')
                $h.Detections[0].FrameIndex | Should -Be $h.FrameIndex
            }
        }
        ($held | Where-Object Count -GT 0).Count | Should -BeGreaterThan 0 -Because 'the frozen frame has people in it'
    }

    It 'gives the same frames and detections at -ThrottleLimit 1 and 2' {
        $text = { param($frames) ($frames | ForEach-Object { "$($_.FrameIndex)@$($_.Timestamp.Ticks) h$($_.Extras.HeldFrom) " + (($_.Detections | ForEach-Object { "$($_.X),$($_.Y),$($_.Width),$($_.Height),$($_.Confidence)" }) -join ';') }) -join "`n" }
        (& $text $two) | Should -Be (& $text $one)
    }

    It 'warns that -MotionThreshold is ignored without -SkipStatic' {
        $b = @(Split-VideoClip $video -Length 25 -End 4 | ConvertTo-FrameBatch -Model $Yolox -MotionThreshold 0.1 -WarningVariable w -WarningAction SilentlyContinue)
        $b | ForEach-Object { $_.Dispose() }
        "$w" | Should -Match 'only with -SkipStatic'
    }
}
