#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests of the model families: every fixture detector recognised from the model alone, and the
# pipeline finding people and faces with each; YOLOv5/YOLOv8 layouts through generated graphs.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $Fixtures = @(
        @{ File = 'yolox_nano.onnx'; Family = 'YOLOX'; Size = '416x416'; Classes = 80 }
        @{ File = 'nanodet_m_416.onnx'; Family = 'NanoDet'; Size = '416x416'; Classes = 80 }
        @{ File = 'FastestDet.onnx'; Family = 'FastestDet'; Size = '352x352'; Classes = 80 }
        @{ File = 'version-RFB-320.onnx'; Family = 'SSD'; Size = '320x240'; Classes = 1 }
    )
    $Coco = $Fixtures | Where-Object Classes -EQ 80
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Models = $SharedModels
    $ImportId = 'VideoDetect.Commands.ImportDetectionModelCommand'
}

Describe "Import-DetectionModel recognises every fixture without -Family$NoShared$NoModels" -Skip:(-not $HaveShared -or -not $HaveModels) {
    It '<File> is <Family>, <Size>, <Classes> classes' -ForEach $Fixtures {
        $m = Import-DetectionModel (Join-Path $Models $File) -Provider Cpu
        $m.Family | Should -Be $Family
        "$($m.InputWidth)x$($m.InputHeight)" | Should -Be $Size
        $m.Labels.Count | Should -Be $Classes
    }

    It '-Family takes aliases (UltraFace for SSD) and refuses a layout that does not fit' {
        (Import-DetectionModel (Join-Path $Models 'version-RFB-320.onnx') -Family UltraFace -Provider Cpu).Family | Should -Be 'SSD'
        { Import-DetectionModel (Join-Path $Models 'FastestDet.onnx') -Family NanoDet -Provider Cpu -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelNotRecognised,$ImportId"
    }
}

Describe "The pipeline with each detector$NoShared$NoModels" -Skip:(-not $HaveShared -or -not $HaveModels) {
    It 'finds the three walkers of vtest.avi frame 0 with <File> (checked by eye)' -ForEach $Coco {
        $r = Split-VideoClip (Get-SharedVideo 'vtest.avi') -Length 4 -End 4 |
            ConvertTo-FrameBatch -Model (Join-Path $Models $File) -WarningAction SilentlyContinue | Invoke-FrameDetection -Confidence 0.4
        $r.Count | Should -Be 4
        $persons = $r[0].Detections | Where-Object Label -EQ 'person'
        foreach ($w in @(@(663, 280), @(268, 264), @(515, 194))) {
            $hit = $persons | Where-Object { [math]::Abs($_.X + $_.Width / 2 - $w[0]) -lt 15 -and [math]::Abs($_.Y + $_.Height / 2 - $w[1]) -lt 15 }
            $hit | Should -Not -BeNullOrEmpty -Because "$File should find the walker near ($($w -join ', '))"
        }
    }

    It 'finds the faces in Megamind.avi with version-RFB-320.onnx: the boy on frame 100 (checked by eye)' {
        $r = @(Split-VideoClip (Get-SharedVideo 'Megamind.avi') -Length 64 -Start 64 -End 128 |
            ConvertTo-FrameBatch -Model (Join-Path $Models 'version-RFB-320.onnx') -WarningAction SilentlyContinue | Invoke-FrameDetection -Confidence 0.7)
        $r.Count | Should -Be 64
        ($r | Where-Object Count -GT 0).Count | Should -BeGreaterThan 50
        $f = ($r | Where-Object FrameIndex -EQ 100).Detections
        $hit = $f | Where-Object { $_.Label -eq 'face' -and [math]::Abs($_.X + $_.Width / 2 - 485) -lt 20 -and [math]::Abs($_.Y + $_.Height / 2 - 195) -lt 25 }
        $hit | Should -Not -BeNullOrEmpty
    }
}

Describe 'Ultralytics layouts, through generated graphs with known outputs' {
    BeforeAll {
        Import-SyntheticModels
        $meta = New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog', 2: 'hat'}"; stride = '32'; task = 'detect' }
        $v5 = Join-Path $TestDrive 'v5.onnx'
        $v8 = Join-Path $TestDrive 'v8.onnx'
        # One box centred at (32, 32), 20 x 10 pixels of the 64 x 64 input, class 1.
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($v5, 64, 3, 1, 32, 32, 20, 10, $meta)
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV8($v8, 64, 3, 1, 32, 32, 20, 10, $meta)
    }

    It '<Name> is recognised and named from its metadata' -ForEach @(@{ Name = 'v5'; Family = 'YOLOv5' }, @{ Name = 'v8'; Family = 'YOLOv8' }) {
        $m = Import-DetectionModel (Join-Path $TestDrive "$Name.onnx") -Provider Cpu
        $m.Family | Should -Be $Family
        $m.Labels | Should -Be @('cat', 'dog', 'hat')
        $m.Preprocessing.Resize | Should -Be 'Letterbox'
    }

    It 'maps the box back to source pixels through the centred letterbox (<Name>)' -Skip:(-not $HaveFfmpeg) -ForEach @(@{ Name = 'v5' }, @{ Name = 'v8' }) {
        # 160x120 letterboxed into 64x64: scale 0.4, 8 rows of padding at the top; the box is
        # x 22..42, y 27..37 in the input, so x 55..105, y 47.5..72.5 in the source.
        $video = New-TestVideo -Path (Join-Path $TestDrive "src-$Name.mp4") -Frames 5
        $r = Split-VideoClip $video -Length 5 | ConvertTo-FrameBatch -Model (Join-Path $TestDrive "$Name.onnx") -WarningAction SilentlyContinue | Invoke-FrameDetection
        $r.Count | Should -Be 5
        foreach ($frame in $r) {
            $frame.Count | Should -Be 1
            $d = $frame.Detections[0]
            $d.Label | Should -Be 'dog'
            $d.X | Should -BeGreaterThan 54.9
            $d.X | Should -BeLessThan 55.1
            $d.Y | Should -BeGreaterThan 47.4
            $d.Y | Should -BeLessThan 47.6
            $d.Width | Should -BeGreaterThan 49.9
            $d.Width | Should -BeLessThan 50.1
            $d.Height | Should -BeGreaterThan 24.9
            $d.Height | Should -BeLessThan 25.1
        }
    }

    It 'an unknown layout is ModelNotRecognised, listing inputs and outputs and the -Family to try' {
        $odd = Join-Path $TestDrive 'odd.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteConstantDetector($odd, 64, [long[]](1, 5, 5), [float[]]::new(25), (New-ModelMetadata @{}))
        $err = { Import-DetectionModel $odd -Provider Cpu -ErrorAction Stop } | Should -Throw -ErrorId "ModelNotRecognised,$ImportId" -PassThru
        $err.Exception.Message | Should -Match 'input images \[1,3,64,64\]; outputs output0 \[1,5,5\]'
        $err.Exception.Message | Should -Match 'try -Family YOLOv5, YOLOv8 or YOLOX'
    }
}
