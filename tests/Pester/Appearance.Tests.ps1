#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for the appearance descriptor (Invoke-FrameDetection -NoAppearance,
# -AppearanceModel) and its way through the result files, CliXml and Add-DetectionTrack; and for
# Export-FrameDetection -Format Mot, line by line.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $InvokeId = 'VideoDetect.Commands.InvokeFrameDetectionCommand'
    Import-SyntheticModels
    $Model = Join-Path $TestDrive 'yolov5.onnx'
    # One box a frame, class 1 of 2 ('dog'), centred in the 32x32 input.
    [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($Model, 32, 2, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog'}" }))
    $Reid = Join-Path $TestDrive 'reid.onnx'
    [VideoDetect.Tests.SyntheticModels]::WriteMeanColourReid($Reid, 64, 32)
    $Src = Join-Path $TestDrive 'footage'
    New-Item -ItemType Directory $Src | Out-Null
    $Video = Join-Path $Src 'cam 1.avi'
    $null = New-TestVideo -Path $Video -Frames 20 -Rate 10

    function Invoke-Detection([hashtable] $Options = @{}) {
        Split-VideoClip $Video -Length 10 | ConvertTo-FrameBatch -Model $Model -BatchSize 4 | Invoke-FrameDetection @Options
    }
}

Describe 'Invoke-FrameDetection: the appearance descriptor' {
    It 'gives every detection a colour histogram by default, and none with -NoAppearance' {
        $frames = @(Invoke-Detection)
        $frames.Count | Should -Be 20
        $frames.Detections.Count | Should -Be 20
        foreach ($d in $frames.Detections) {
            $d.Appearance | Should -Not -BeNullOrEmpty
            $d.Appearance.Length | Should -Be 88 -Because 'a kind byte and 64 one-byte bins, base64'
            [VideoDetect.Inference.AppearanceDescriptor]::Decode($d.Appearance).Item1 | Should -Be ([VideoDetect.Inference.AppearanceKind]::ColourHistogram)
        }
        $none = @(Invoke-Detection @{ NoAppearance = $true })
        $none.Detections.Count | Should -Be 20
        $none.Detections | ForEach-Object { $_.Appearance | Should -BeNullOrEmpty }
    }

    It '-AppearanceModel runs the ReID network on the boxes: its embedding, not the histogram' {
        $frames = @(Invoke-Detection @{ AppearanceModel = $Reid })
        foreach ($d in $frames.Detections) {
            $decoded = [VideoDetect.Inference.AppearanceDescriptor]::Decode($d.Appearance)
            $decoded.Item1 | Should -Be ([VideoDetect.Inference.AppearanceKind]::Embedding)
            $decoded.Item2.Count | Should -Be 3 -Because 'the synthetic network gives the crop''s mean per channel'
            $norm = [math]::Sqrt(($decoded.Item2 | ForEach-Object { $_ * $_ } | Measure-Object -Sum).Sum)
            $norm | Should -BeGreaterThan 0.999
        }
        $histogram = @(Invoke-Detection)
        [VideoDetect.Inference.AppearanceDescriptor]::Distance($frames[0].Detections[0].Appearance, $histogram[0].Detections[0].Appearance) |
            Should -BeNullOrEmpty -Because 'an embedding and a histogram cannot be compared'
        # -NoAppearance wins over -AppearanceModel.
        (Invoke-Detection @{ AppearanceModel = $Reid; NoAppearance = $true }).Detections | ForEach-Object { $_.Appearance | Should -BeNullOrEmpty }
    }

    It '-AppearanceModel refuses a missing file or a network of another shape, terminating' {
        { Invoke-Detection @{ AppearanceModel = (Join-Path $TestDrive 'none.onnx'); ErrorAction = 'Stop' } } |
            Should -Throw -ErrorId "ModelNotFound,$InvokeId"
        { Invoke-Detection @{ AppearanceModel = $Model; ErrorAction = 'Stop' } } |
            Should -Not -Throw -Because 'a [1,3,32,32] -> [1,rows,7] graph has the shapes of a ReID network (the control)'
        $bad = Join-Path $TestDrive 'single-image.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteDetectron2MaskRcnn($bad, 64, 48, 0)
        { Invoke-Detection @{ AppearanceModel = $bad; ErrorAction = 'Stop' } } |
            Should -Throw -ErrorId "ModelNotRecognised,$InvokeId" -ExpectedMessage '*[N, 3, H, W]*'
    }

    It 'survives JSON Lines, CSV and CliXml as it is, and Import-FrameDetection | Add-DetectionTrack keeps it' {
        $frames = @(Invoke-Detection)
        $expected = @($frames.Detections.Appearance)
        foreach ($format in 'JsonLines', 'Csv') {
            $out = Join-Path $TestDrive "store-$format"
            $frames | Export-FrameDetection -OutputDirectory $out -Format $format | Out-Null
            $back = @(Import-FrameDetection $out)
            @($back.Detections.Appearance) | Should -Be $expected -Because "$format keeps the descriptor"
            $tracked = @($back | Add-DetectionTrack)
            @($tracked.Detections.Appearance) | Should -Be $expected -Because 'tracking copies the detections whole'
            @($tracked.Detections | Where-Object TrackId).Count | Should -BeGreaterThan 15
        }
        $xml = Join-Path $TestDrive 'frames.xml'
        $frames | Export-Clixml $xml
        $fromXml = @(Import-Clixml $xml | Add-DetectionTrack)
        @($fromXml.Detections.Appearance) | Should -Be $expected
    }
}

Describe "Invoke-FrameDetection: appearance on vtest.avi$NoShared$NoModels" -Skip:(-not $HaveShared -or -not $HaveModels) {
    It 'describes every pedestrian, and one person is nearer to themself a frame later than to the others' {
        $yolox = Join-Path $SharedModels 'yolox_nano.onnx'
        $f = @(Split-VideoClip (Get-SharedVideo 'vtest.avi') -Length 2 -End 2 | ConvertTo-FrameBatch -Model $yolox -WarningAction SilentlyContinue | Invoke-FrameDetection -Class person -Confidence 0.5)
        $f[0].Detections.Count | Should -BeGreaterOrEqual 3
        $f.Detections | ForEach-Object { $_.Appearance | Should -Not -BeNullOrEmpty }
        foreach ($p in $f[0].Detections) {
            # The same person a frame later: the box nearest to it.
            $same = $f[1].Detections | Sort-Object { [math]::Abs($_.X - $p.X) + [math]::Abs($_.Y - $p.Y) } | Select-Object -First 1
            $others = $f[1].Detections | Where-Object { $_ -ne $same }
            $d = [VideoDetect.Inference.AppearanceDescriptor]::Distance($p.Appearance, $same.Appearance)
            foreach ($o in $others) { [VideoDetect.Inference.AppearanceDescriptor]::Distance($p.Appearance, $o.Appearance) | Should -BeGreaterThan $d }
        }
    }
}

Describe 'Export-FrameDetection -Format Mot' {
    It 'writes the MOTChallenge lines: frames from 1, tracked boxes with their id, untracked frames with -1' {
        $extras = [System.Collections.Generic.Dictionary[string, object]]::new()
        $extras['Tracker'] = 'ByteTrack' # what Add-DetectionTrack sets on a tracked frame
        $tracked = [VideoDetect.Inference.FrameDetections]@{
            Path = '/v/cam 1.mp4'; FrameIndex = 0; Extras = $extras
            Detections = @(
                [VideoDetect.Inference.Detection]@{ Path = '/v/cam 1.mp4'; Label = 'person'; Confidence = 0.87654; X = 10.256; Y = 20; Width = 30.5; Height = 60; TrackId = 7 }
                [VideoDetect.Inference.Detection]@{ Path = '/v/cam 1.mp4'; Label = 'person'; Confidence = 0.2; X = 1; Y = 2; Width = 3; Height = 4 }
            )
        }
        $empty = [VideoDetect.Inference.FrameDetections]@{ Path = '/v/cam 1.mp4'; FrameIndex = 1 }
        $untracked = [VideoDetect.Inference.FrameDetections]@{
            Path = '/v/cam 1.mp4'; FrameIndex = 9
            Detections = @([VideoDetect.Inference.Detection]@{ Path = '/v/cam 1.mp4'; Label = 'car'; Confidence = 0.5; X = 100; Y = 200; Width = 50.125; Height = 25 })
        }
        $out = Join-Path $TestDrive 'mot'
        $file = $tracked, $empty, $untracked | Export-FrameDetection -Format Mot -OutputDirectory $out
        $file.Name | Should -Be 'cam 1.mot.txt'
        Get-Content -LiteralPath $file.FullName | Should -Be @(
            '1,7,10.26,20,30.5,60,0.8765,-1,-1,-1'
            '10,-1,100,200,50.13,25,0.5,-1,-1,-1'
        )
        @(Get-ChildItem -LiteralPath $out -Force).Count | Should -Be 1 -Because 'no temporary file is left'
    }

    It 'writes a tracked run line for line from its tracked detections' {
        $frames = @(Invoke-Detection | Add-DetectionTrack)
        $file = $frames | Export-FrameDetection -Format Mot -Path (Join-Path $TestDrive 'run.txt')
        $inv = [cultureinfo]::InvariantCulture
        $expected = foreach ($fr in $frames) {
            foreach ($d in $fr.Detections | Where-Object TrackId) {
                $box = $d.X, $d.Y, $d.Width, $d.Height | ForEach-Object { [math]::Round($_, 2, [MidpointRounding]::AwayFromZero).ToString('0.##', $inv) }
                '{0},{1},{2},{3},{4},{5},{6},-1,-1,-1' -f ($fr.FrameIndex + 1), $d.TrackId, $box[0], $box[1], $box[2], $box[3], $d.Confidence.ToString('0.####', $inv)
            }
        }
        @($expected).Count | Should -BeGreaterThan 15
        Get-Content -LiteralPath $file.FullName | Should -Be @($expected)
        { $frames | Export-FrameDetection -Format Mot -Path (Join-Path $TestDrive 'run.txt') -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutputExists,VideoDetect.Commands.ExportFrameDetectionCommand'
    }
}
