#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Export-EventSnapshot (each event's peak frame, by exact index) and for the
# regions and lines Export-AnnotatedVideo -Region/-Line draws, with its live line counts.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $SnapshotId = 'VideoDetect.Commands.ExportEventSnapshotCommand'

    # Mean of a region of a BGR image (0..255, all channels).
    function Get-Level($Mat, [int[]] $Rect) {
        $m = [OpenCvSharp.Cv2]::Mean($Mat.SubMat([OpenCvSharp.Rect]::new($Rect[0], $Rect[1], $Rect[2], $Rect[3])))
        ($m.Val0 + $m.Val1 + $m.Val2) / 3
    }

    # A tracked person event made by hand, its times those of a 25 frames/s video.
    function New-Event([string] $Path, [long] $Start, [long] $Peak, [int] $Track = 1) {
        [VideoDetect.Events.DetectionEvent]@{
            Path = $Path; Label = 'person'; ClassId = 0; TrackId = $Track; StartFrame = $Start; EndFrame = $Peak + 2
            StartTime = [TimeSpan]::FromMilliseconds(40 * $Start); EndTime = [TimeSpan]::FromMilliseconds(40 * ($Peak + 2))
            FrameCount = $Peak + 3 - $Start; MaxConfidence = 0.9; PeakFrame = $Peak; X = 100; Y = 60; Width = 40; Height = 50
        }
    }
}

Describe "Export-EventSnapshot$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        # Every frame one flat grey that encodes its index: level 16 + 3n (a colour code the JPEG keeps).
        $src = Join-Path $TestDrive 'coded.avi'
        $out = & ffmpeg -v error -nostdin -y -f lavfi -i 'color=c=black:s=240x160:r=25' -frames:v 60 -vf "geq=lum='16+3*N':cb=128:cr=128" -c:v mjpeg -q:v 2 $src 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ffmpeg failed: $out" }
        # The level of each source frame as OpenCV decodes it, to find which frame a snapshot shows.
        $levels = @(
            $cap = [OpenCvSharp.VideoCapture]::new($src, [OpenCvSharp.VideoCaptureAPIs]::FFMPEG)
            $m = [OpenCvSharp.Mat]::new()
            while ($cap.Read($m) -and -not $m.Empty()) { Get-Level $m @(10, 10, 40, 30) }
            $cap.Dispose()
        )
        function Find-Frame([string] $Jpeg) {
            $img = [OpenCvSharp.Cv2]::ImRead($Jpeg)
            try { $level = Get-Level $img @(10, 10, 40, 30) } finally { $img.Dispose() }
            $best = 0
            for ($i = 1; $i -lt $levels.Count; $i++) { if ([math]::Abs($levels[$i] - $level) -lt [math]::Abs($levels[$best] - $level)) { $best = $i } }
            $best
        }
    }

    It 'the coded video has 60 frames of distinct levels' {
        $levels.Count | Should -Be 60
        for ($i = 1; $i -lt 60; $i++) { $levels[$i] - $levels[$i - 1] | Should -BeGreaterThan 2 }
    }

    It 'each snapshot shows the event''s peak frame exactly, named video.label-track.start.jpg, and -PassThru sets SnapshotPath' {
        $dir = Join-Path $TestDrive 'exact'
        $events = (New-Event $src 40 50), (New-Event $src 5 7), (New-Event $src 20 23 -Track 2), (New-Event $src 21 24), (New-Event $src 30 31 -Track 2)
        $out = $events | Export-EventSnapshot -OutputDirectory $dir -PassThru
        $out.Count | Should -Be 5
        foreach ($i in 0..4) {
            $out[$i].SnapshotPath | Should -Be (Join-Path $dir ('coded.person-{0}.{1:D6}.jpg' -f $events[$i].TrackId, $events[$i].StartFrame))
            $out[$i].SnapshotPath | Should -Exist
            Find-Frame $out[$i].SnapshotPath | Should -Be $events[$i].PeakFrame
            $events[$i].SnapshotPath | Should -BeNullOrEmpty -Because 'the input event is not changed'
        }
        @(Get-ChildItem -LiteralPath $dir -Force).Name | Should -Not -Match '^\.' -Because 'no temporary file is left'
        # -Crop: the box with half its size around it.
        $crop = New-Event $src 10 12 | Export-EventSnapshot $dir -Crop -Margin 0.5 -Quality 70 -PassThru
        $crop.SnapshotPath | Should -BeLike '*coded.person-1.000010.crop.jpg'
        $img = [OpenCvSharp.Cv2]::ImRead($crop.SnapshotPath)
        try { @($img.Cols, $img.Rows) | Should -Be @(80, 100) } finally { $img.Dispose() }
    }

    It 'an existing snapshot is OutputExists unless -Force; -WhatIf writes nothing' {
        $dir = Join-Path $TestDrive 'again'
        $e = New-Event $src 3 4
        $e | Export-EventSnapshot $dir
        $e | Export-EventSnapshot $dir -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "OutputExists,$SnapshotId"
        $e | Export-EventSnapshot $dir -Force -ErrorAction Stop
        $other = Join-Path $TestDrive 'whatif'
        $e | Export-EventSnapshot $other -WhatIf
        $other | Should -Not -Exist
    }

    It 'an event whose video is gone or changed is an error naming it; the others are written' {
        $dir = Join-Path $TestDrive 'gone'
        $gone = New-Event (Join-Path $TestDrive 'missing.avi') 1 2 -Track 9
        $changed = New-Event $src 55 80 -Track 8
        $good = New-Event $src 33 34
        $out = $gone, $changed, $good | Export-EventSnapshot $dir -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 2
        $err.FullyQualifiedErrorId | Should -Be @("SourceUnavailable,$SnapshotId", "SourceUnavailable,$SnapshotId")
        $err[0].Exception.Message | Should -BeLike '*person #9*missing.avi*'
        $err[1].Exception.Message | Should -BeLike '*person #8*'
        $out.Count | Should -Be 3
        $out[0].SnapshotPath | Should -BeNullOrEmpty
        $out[1].SnapshotPath | Should -BeNullOrEmpty
        Find-Frame $out[2].SnapshotPath | Should -Be 34
    }
}

Describe "Export-AnnotatedVideo -Region/-Line on vtest.avi$NoShared$NoModels$NoFfmpeg" -Skip:(-not $HaveShared -or -not $HaveModels -or -not $HaveFfmpeg) {
    BeforeAll {
        $vtest = Get-SharedVideo 'vtest.avi'
        $line = @{ Middle = '0,300 768,300' }
        $region = @{ Right = '600,100 760,100 760,560 600,560' }
        $frames = @(Split-VideoClip $vtest -Length 32 -End 160 |
                ConvertTo-FrameBatch -Model (Join-Path $SharedModels 'yolox_nano.onnx') |
                Invoke-FrameDetection -Class person | Add-DetectionTrack)
        $out = Join-Path $TestDrive 'lines.avi'
        $verbose = $frames | Export-AnnotatedVideo -Path $out -Codec Mjpg -Region $region -Line $line -Verbose 4>&1
        $crossings = @($frames | ConvertTo-DetectionEvent -Line $line)
    }

    It 'draws the polygon and the line' {
        $written = [OpenCvSharp.VideoCapture]::new($out, [OpenCvSharp.VideoCaptureAPIs]::FFMPEG)
        $source = [OpenCvSharp.VideoCapture]::new($vtest, [OpenCvSharp.VideoCaptureAPIs]::FFMPEG)
        $a = [OpenCvSharp.Mat]::new(); $b = [OpenCvSharp.Mat]::new(); $d = [OpenCvSharp.Mat]::new()
        try {
            $written.Read($a) | Should -BeTrue
            $source.Read($b) | Should -BeTrue
            [OpenCvSharp.Cv2]::Absdiff($a, $b, $d)
            Get-Level $d @(758, 200, 3, 300) | Should -BeGreaterThan 40 -Because 'the region''s right edge is drawn'
            Get-Level $d @(0, 299, 400, 3) | Should -BeGreaterThan 40 -Because 'the line is drawn'
            Get-Level $d @(640, 20, 100, 60) | Should -BeLessThan 10 -Because 'nothing is drawn elsewhere'
        }
        finally { $a.Dispose(); $b.Dispose(); $d.Dispose(); $written.Dispose(); $source.Dispose() }
    }

    It 'ends with the counts of ConvertTo-DetectionEvent''s crossing events for the same frames' {
        $in = @($crossings | Where-Object Direction -EQ 'In').Count
        $outs = @($crossings | Where-Object Direction -EQ 'Out').Count
        ($in + $outs) | Should -BeGreaterThan 0 -Because 'people cross the middle of vtest.avi in its first 160 frames'
        (($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join ' ') | Should -Match "Lines: Middle in $in out $outs\."
    }
}
