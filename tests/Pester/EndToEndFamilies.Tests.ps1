#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests of Detectron2, torchvision and end-to-end exports through the pipeline,
# with generated graphs of exactly their signatures (tests/Shared/SyntheticModels.cs): boxes and masks
# to exact source pixels, frames with N = 0, the 1-based COCO-91 labels, the model's own NMS kept.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    Import-SyntheticModels
    $ImportId = 'VideoDetect.Commands.ImportDetectionModelCommand'
    $d2 = Join-Path $TestDrive 'd2.onnx'
    $tv = Join-Path $TestDrive 'tv.onnx'
    # Single-image inputs [3, 48, 64]; rows only when the frame's brightest value passes the gate.
    [VideoDetect.Tests.SyntheticModels]::WriteDetectron2MaskRcnn($d2, 64, 48, 100)
    [VideoDetect.Tests.SyntheticModels]::WriteTorchvisionMaskRcnn($tv, 64, 48, 0.4)
    # 160x120 at 25 fps, six frames: even ones grey (luma 200), odd ones black; scale 0.4 into 64x48, no padding.
    function New-BrightDarkVideo([string] $Path) {
        $out = & ffmpeg -v error -nostdin -y -f lavfi -i 'color=c=gray:s=160x120:r=25' -vf "geq=lum='if(mod(N,2),16,200)':cb=128:cr=128" `
            -frames:v 6 -c:v mpeg4 -q:v 2 -pix_fmt yuv420p $Path 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ffmpeg failed: $out" }
        $Path
    }
    function Assert-Box($d, [double] $X, [double] $Y, [double] $W, [double] $H) {
        $d.X | Should -BeGreaterThan ($X - 0.001); $d.X | Should -BeLessThan ($X + 0.001)
        $d.Y | Should -BeGreaterThan ($Y - 0.001); $d.Y | Should -BeLessThan ($Y + 0.001)
        $d.Width | Should -BeGreaterThan ($W - 0.001); $d.Width | Should -BeLessThan ($W + 0.001)
        $d.Height | Should -BeGreaterThan ($H - 0.001); $d.Height | Should -BeLessThan ($H + 0.001)
    }
}

Describe 'Detectron2 and torchvision exports' {
    It 'recognises each from its signature, and -Family takes the aliases or refuses a layout that does not fit' {
        (Import-DetectionModel $d2 -Provider Cpu).Family | Should -Be 'Detectron2'
        (Import-DetectionModel $d2 -Family MaskRCNN -Provider Cpu).Family | Should -Be 'Detectron2'
        $m = Import-DetectionModel $tv -Provider Cpu
        $m.Family | Should -Be 'Torchvision'
        $m.Labels[1] | Should -Be 'person'
        $m.Labels[12] | Should -Be 'N/A'
        { Import-DetectionModel $d2 -Family Torchvision -Provider Cpu -ErrorAction Stop } | Should -Throw -ErrorId "ModelNotRecognised,$ImportId"
    }

    It 'runs Detectron2 frame by frame: N = 0 on dark frames, both overlapping rows kept, masks in source pixels, NMS skip said in -Verbose' -Skip:(-not $HaveFfmpeg) {
        $video = New-BrightDarkVideo (Join-Path $TestDrive 'bd-d2.mp4')
        # The first load with these options says, once, how the model runs.
        $verbose = Import-DetectionModel $d2 -Labels (0..79 | ForEach-Object { "c$_" }) -Provider Cpu -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'runs frame by frame'
        ($verbose.Message -join "`n") | Should -Match 'NMS is skipped'
        $r = Split-VideoClip $video -Length 6 | ConvertTo-FrameBatch -Model $d2 -BatchSize 3 | Invoke-FrameDetection
        $r.Count | Should -Be 6
        foreach ($f in $r) {
            if ($f.FrameIndex % 2) { $f.Count | Should -Be 0; continue }
            $f.Count | Should -Be 2
            $f.Detections[0].Label | Should -Be 'person'
            # (10, 5)-(30, 25) and (12, 6)-(30, 25) in the 64x48 input, / 0.4.
            Assert-Box $f.Detections[0] 25 12.5 50 50
            Assert-Box $f.Detections[1] 30 15 45 47.5
            $outline = [VideoDetect.Inference.MaskPolygon]::Decode($f.Detections[0].Mask)
            $outline.Count | Should -Be 1
            # Outline pixel centres 10.5..29.5, 5.5..24.5 of the input: 26.25..73.75, 13.75..61.25 (one decimal).
            ($outline[0] | ForEach-Object Item1 | Measure-Object -Minimum -Maximum) | ForEach-Object {
                $_.Minimum | Should -BeIn 26.2, 26.3; $_.Maximum | Should -BeIn 73.7, 73.8 }
            ($outline[0] | ForEach-Object Item2 | Measure-Object -Minimum -Maximum) | ForEach-Object {
                $_.Minimum | Should -BeIn 13.7, 13.8; $_.Maximum | Should -BeIn 61.2, 61.3 }
        }
    }

    It 'gives torchvision labels by COCO category id, filters by them with -Class, and Mask survives JSON' -Skip:(-not $HaveFfmpeg) {
        $video = New-BrightDarkVideo (Join-Path $TestDrive 'bd-tv.mp4')
        $r = Split-VideoClip $video -Length 6 | ConvertTo-FrameBatch -Model $tv | Invoke-FrameDetection
        $r.Count | Should -Be 6
        ($r | Where-Object { $_.FrameIndex % 2 } | Measure-Object Count -Sum).Sum | Should -Be 0
        $d = $r[0].Detections
        $d.Label | Should -Be @('person', 'car', 'toothbrush')
        $d.ClassId | Should -Be @(1, 3, 90)
        Assert-Box $d[1] 100 75 50 37.5
        $back = $d[0] | ConvertTo-Json | ConvertFrom-Json
        $back.Mask | Should -Be $d[0].Mask
        $back.Mask | Should -Not -BeNullOrEmpty
        $cars = Split-VideoClip $video -Length 2 -End 2 | ConvertTo-FrameBatch -Model $tv | Invoke-FrameDetection -Class car
        $cars[0].Detections.Label | Should -Be 'car'
    }

    It 'draws the masks into the annotated video' -Skip:(-not $HaveFfmpeg) {
        $video = New-BrightDarkVideo (Join-Path $TestDrive 'bd-x.mp4')
        $out = Join-Path $TestDrive 'masks.avi'
        $file = Split-VideoClip $video -Length 6 | ConvertTo-FrameBatch -Model $d2 | Invoke-FrameDetection |
            Export-AnnotatedVideo -Path $out -Codec Mjpg -PassThruFile
        $file.FullName | Should -Be $out
        (Get-VideoInfo $out).FrameCount | Should -Be 6
    }
}

Describe 'End-to-end exports (YOLOv10 / nms=True, RT-DETR, NonMaxSuppression graphs)' {
    BeforeAll {
        $meta = New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog', 2: 'hat'}" }
        $v10 = Join-Path $TestDrive 'v10.onnx'
        $rt = Join-Path $TestDrive 'rtdetr.onnx'
        $nms = Join-Path $TestDrive 'nms.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV10($v10, 64, $meta)
        [VideoDetect.Tests.SyntheticModels]::WriteRtDetr($rt, 64, 3, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog', 2: 'hat'}"; description = 'Ultralytics rtdetr-l model' }))
        [VideoDetect.Tests.SyntheticModels]::WriteNmsGraph($nms, 64, 0.6)
    }

    It '<Name> is <Family>' -ForEach @(@{ Name = 'v10'; Family = 'YOLOv10' }, @{ Name = 'rtdetr'; Family = 'RT-DETR' }, @{ Name = 'nms'; Family = 'NMS' }) {
        (Import-DetectionModel (Join-Path $TestDrive "$Name.onnx") -Provider Cpu).Family | Should -Be $Family
    }

    It 'maps each to exact source pixels (<Name>)' -Skip:(-not $HaveFfmpeg) -ForEach @(
        # 160x120: letterboxed into 64x64 (scale 0.4, 8 rows of padding) or stretched (RT-DETR: 0.4 x, 64/120 y).
        @{ Name = 'v10'; Count = 2; Label = 'dog'; Box = @(55, 47.5, 50, 25) }
        @{ Name = 'rtdetr'; Count = 1; Label = 'hat'; Box = @(60, 52.5, 40, 15) }
        @{ Name = 'nms'; Count = 1; Label = 'class1'; Box = @(55, 47.5, 50, 25) }
    ) {
        $video = New-BrightDarkVideo (Join-Path $TestDrive "e2e-$Name.mp4")
        $r = Split-VideoClip $video -Length 2 -End 2 | ConvertTo-FrameBatch -Model (Join-Path $TestDrive "$Name.onnx") | Invoke-FrameDetection
        $r.Count | Should -Be 2
        $r[0].Count | Should -Be $Count
        $r[0].Detections[0].Label | Should -Be $Label
        Assert-Box $r[0].Detections[0] @Box
        if ($Name -eq 'nms') { $r[1].Count | Should -Be 0 }   # the dark frame: no selected indices
    }
}
