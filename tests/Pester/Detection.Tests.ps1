#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Import/Get/Remove-DetectionModel and Invoke-FrameDetection with the real
# YOLOX-Nano fixture model on the real sample videos.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Models = $SharedModels
    $Yolox = Join-Path $Models 'yolox_nano.onnx'
    $ImportId = 'VideoDetect.Commands.ImportDetectionModelCommand'
    $InvokeId = 'VideoDetect.Commands.InvokeFrameDetectionCommand'
}

Describe "Invoke-FrameDetection with yolox_nano on vtest.avi$NoShared$NoModels" -Skip:(-not $HaveShared -or -not $HaveModels) {
    BeforeAll {
        $vtest = Get-SharedVideo 'vtest.avi'
        $all = @(Split-VideoClip $vtest -Length 64 | ConvertTo-FrameBatch -BatchSize 8 -Model $Yolox -WarningAction SilentlyContinue | Invoke-FrameDetection)
    }

    It 'emits one FrameDetections per frame, all 795 in order, with persons in them' {
        $all.Count | Should -Be 795
        $all[0] | Should -BeOfType ([VideoDetect.Inference.FrameDetections])
        (Compare-Object (0..794) $all.FrameIndex -SyncWindow 0) | Should -BeNullOrEmpty
        ($all | Where-Object { $_.Detections.Label -contains 'person' }).Count | Should -BeGreaterThan 780
    }

    It 'puts the walkers of frame 0 where they are (checked by eye), in source pixels' {
        $persons = $all[0].Detections | Where-Object Label -EQ 'person'
        foreach ($c in @(@(663, 281), @(268, 264), @(517, 195))) {
            $hit = $persons | Where-Object { [math]::Abs($_.X + $_.Width / 2 - $c[0]) -lt 10 -and [math]::Abs($_.Y + $_.Height / 2 - $c[1]) -lt 10 }
            $hit | Should -Not -BeNullOrEmpty -Because "a person is centred near $c"
        }
        $all[0].Detections | ForEach-Object {
            $_.X | Should -BeGreaterOrEqual 0
            ($_.X + $_.Width) | Should -BeLessOrEqual 768
            ($_.Y + $_.Height) | Should -BeLessOrEqual 576
        }
    }

    It 'gives each detection its frame, time and path, so Export-Csv writes one row per detection' {
        $csv = Join-Path $TestDrive 'd.csv'
        $all | Select-Object -First 10 | Select-Object -ExpandProperty Detections | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be ($all | Select-Object -First 10 | Measure-Object -Property Count -Sum).Sum
        $rows[0].Path | Should -Be $vtest
        $rows[0].PSObject.Properties.Name | Should -Be @('Path', 'FrameIndex', 'Timestamp', 'Label', 'ClassId', 'Confidence', 'X', 'Y', 'Width', 'Height', 'TrackId', 'Mask', 'Appearance', 'Stationary', 'StationarySince')
        $rows[0].TrackId | Should -BeNullOrEmpty -Because 'untracked until Add-DetectionTrack'
        $all[10].Detections[0].Timestamp | Should -Be ([timespan]::FromSeconds(1))
    }

    It '-Class, -MaxDetections and -Confidence filter the detections' {
        # Control: unfiltered (and a low threshold), the same frames have more than 2 boxes, other
        # classes than person and confidences under 0.5, so each filter below has something to remove.
        $u = Split-VideoClip $vtest -Length 8 -End 8 | ConvertTo-FrameBatch -Model $Yolox -WarningAction SilentlyContinue | Invoke-FrameDetection -Confidence 0.05
        ($u | Where-Object { $_.Detections.Count -gt 2 }) | Should -Not -BeNullOrEmpty
        ($u.Detections | Where-Object Label -NE 'person') | Should -Not -BeNullOrEmpty
        ($u.Detections | Where-Object Confidence -LT 0.5) | Should -Not -BeNullOrEmpty
        $r = Split-VideoClip $vtest -Length 8 -End 8 | ConvertTo-FrameBatch -Model $Yolox -WarningAction SilentlyContinue |
            Invoke-FrameDetection -Class person -MaxDetections 2 -Confidence 0.5
        $r.Count | Should -Be 8
        ($r | Where-Object { $_.Detections.Count -eq 2 }) | Should -Not -BeNullOrEmpty -Because 'frames with more persons are cut to 2'
        $r | ForEach-Object { $_.Detections.Count | Should -BeLessOrEqual 2; $_.Detections.Label | Select-Object -Unique | Should -Be 'person' }
        $r.Detections.Confidence | ForEach-Object { $_ | Should -BeGreaterOrEqual 0.5 }
    }

    It 'refuses a batch prepared for another size, saying how to fix it' {
        { Split-VideoClip $vtest -Length 8 -End 8 | ConvertTo-FrameBatch -Size 64x64 | Invoke-FrameDetection -Model $Yolox -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId "BatchDoesNotFitModel,$InvokeId" -ExpectedMessage '*ConvertTo-FrameBatch -Model*'
    }

    It 'asks for a model when the batches carry none' {
        { Split-VideoClip $vtest -Length 8 -End 8 | ConvertTo-FrameBatch -Size 64x64 | Invoke-FrameDetection -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelRequired,$InvokeId"
    }
}

Describe "Import-DetectionModel and the session cache$NoShared$NoModels" -Skip:(-not $HaveShared -or -not $HaveModels) {
    It 'recognises YOLOX from the model and gives its preprocessing and classes' {
        $m = Import-DetectionModel $Yolox -Provider Cpu
        $m | Should -BeOfType ([VideoDetect.Inference.DetectionModel])
        $m.Family | Should -Be 'YOLOX'
        $m.InputWidth | Should -Be 416
        $m.Provider | Should -Be 'Cpu'
        $m.Labels.Count | Should -Be 80
        $m.Labels[0] | Should -Be 'person'
        $m.Preprocessing.ChannelOrder | Should -Be 'BGR'
        $m.Preprocessing.Resize | Should -Be 'LetterboxTopLeft'
        Get-DetectionModel | Where-Object { [object]::ReferenceEquals($_, $m) } | Should -Not -BeNullOrEmpty
    }

    It 'reuses one session across calls and runspaces' {
        $m = Import-DetectionModel $Yolox -Provider Cpu
        (Import-DetectionModel $Yolox -Provider Cpu) | Should -Be $m
        $others = 1..2 | ForEach-Object -Parallel {
            Import-Module $using:ModulePath
            Import-DetectionModel $using:Yolox -Provider Cpu
        }
        @($others).Count | Should -Be 2
        foreach ($o in $others) { [object]::ReferenceEquals($o, $m) | Should -BeTrue }
    }

    It 'Auto falls back to the CPU: one warning where a GPU is there but CUDA cannot load, a Verbose line only where there is no NVIDIA driver (fresh process)' {
        $pwsh = Get-PwshCommand
        $script = "Import-Module '$ModulePath'; `$w = @(); " +
            "`$v = @(Import-DetectionModel '$Yolox' -WarningVariable +w -WarningAction SilentlyContinue -Verbose 4>&1 | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] }); " +
            "`$m = Import-DetectionModel '$Yolox' -WarningVariable +w -WarningAction SilentlyContinue; " +
            "'{0}|{1}|{2}|{3}' -f `$m.Provider, `$w.Count, (`$w -join ' '), ((`$v | Where-Object Message -Match 'runs on the CPU') -join ' ')"
        $exe, $rest = $pwsh
        $out = (& $exe @rest -NoProfile -NonInteractive -Command $script) -join "`n"
        $provider, $count, $text, $verbose = $out.Split('|', 4)
        if ($provider -eq 'Cuda') { Set-ItResult -Skipped -Because 'CUDA is available on this machine'; return }
        $provider | Should -Be 'Cpu'
        # Whether this machine has an NVIDIA driver, asked independently of the module.
        $driver = (Test-Path '/dev/nvidia*') -or [bool](& ldconfig -p 2>$null | Select-String -SimpleMatch 'libcuda.so.1')
        if ($driver) {
            $count | Should -Be '1'
            $text | Should -Match 'CUDA 13'
        }
        else {
            $count | Should -Be '0'
            $verbose | Should -Match 'yolox_nano\.onnx runs on the CPU: there is no NVIDIA driver'
        }
        { Import-DetectionModel $Yolox -Provider Cuda -ErrorAction Stop } | Should -Throw -ErrorId "ProviderUnavailable,$ImportId"
    }

    It 'Remove-DetectionModel frees the cached session' {
        $m = Import-DetectionModel $Yolox -Provider Cpu -Labels (0..79 | ForEach-Object { "c$_" })
        $m.Labels[5] | Should -Be 'c5'
        $m | Remove-DetectionModel
        Get-DetectionModel | Where-Object { [object]::ReferenceEquals($_, $m) } | Should -BeNullOrEmpty
    }

    It 'a removed model cannot run any more, and says so' {
        $m = Import-DetectionModel $Yolox -Provider Cpu -Labels (0..79 | ForEach-Object { "r$_" })
        $batch = Split-VideoClip (Get-SharedVideo 'vtest.avi') -Length 1 -End 1 | ConvertTo-FrameBatch -Model $m
        $m | Remove-DetectionModel
        $m.IsRemoved | Should -BeTrue
        { $batch | Invoke-FrameDetection -ErrorAction Stop } | Should -Throw -ErrorId "ModelRemoved,$InvokeId"
    }

    It '-Family must match the model, and -Labels its class count' {
        $err = { Import-DetectionModel (Join-Path $Models 'version-RFB-320.onnx') -Family YOLOX -Provider Cpu -ErrorAction Stop } | Should -Throw -ErrorId "ModelNotRecognised,$ImportId" -PassThru
        $err.Exception.Message | Should -Match 'does not have the YOLOX layout'
        { Import-DetectionModel $Yolox -Family Nope -ErrorAction Stop } | Should -Throw -ErrorId "ModelNotRecognised,$ImportId"
        { Import-DetectionModel $Yolox -Provider Cpu -Labels a, b -ErrorAction Stop } | Should -Throw -ErrorId "LabelsMismatch,$ImportId"
    }

    It 'ConvertTo-FrameBatch -Model warns that the model overrides explicit preprocessing' {
        $b = Split-VideoClip (Get-SharedVideo 'vtest.avi') -Length 1 -End 1 | ConvertTo-FrameBatch -Model $Yolox -Size 64 -ChannelOrder RGB -WarningVariable w -WarningAction SilentlyContinue
        $b.Shape | Should -Be @(1, 3, 416, 416)
        ($w | Where-Object { "$_" -match '-Size, -ChannelOrder are ignored' }) | Should -Not -BeNullOrEmpty
    }

    It 'reads -Labels from a file, one name a line' {
        $file = Join-Path $TestDrive 'labels.txt'
        0..79 | ForEach-Object { "thing$_" } | Set-Content $file
        (Import-DetectionModel $Yolox -Provider Cpu -Labels $file).Labels[79] | Should -Be 'thing79'
    }

    It 'fails clearly for a missing, a non-ONNX and an unknown-layout model' {
        { Import-DetectionModel (Join-Path $TestDrive 'none.onnx') -ErrorAction Stop } | Should -Throw -ErrorId "ModelNotFound,$ImportId"
        Set-Content (Join-Path $TestDrive 'text.onnx') 'not a model'
        { Import-DetectionModel (Join-Path $TestDrive 'text.onnx') -Provider Cpu -ErrorAction Stop } | Should -Throw -ErrorId "ModelUnreadable,$ImportId"
        Import-SyntheticModels
        $odd = Join-Path $TestDrive 'odd.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteConstantDetector($odd, 32, [long[]](1, 2, 3, 4, 5), [float[]]::new(120), (New-ModelMetadata @{}))
        $err = { Import-DetectionModel $odd -Provider Cpu -ErrorAction Stop } | Should -Throw -ErrorId "ModelNotRecognised,$ImportId" -PassThru
        $err.Exception.Message | Should -Match 'output0 \[1,2,3,4,5\]'
        $err.Exception.Message | Should -Match 'Families: YOLOX, YOLOv5, YOLOv8, NanoDet, FastestDet, SSD, BlazeFace'
    }
}

Describe "The embedded default model (BlazeFace)$NoShared" -Skip:(-not $HaveShared) {
    It 'ships in the module folder with its licence' {
        $dir = Join-Path $ModulePath 'models/blazeface'
        Test-Path (Join-Path $dir 'face_detection_front_128x128.onnx') | Should -BeTrue
        Get-Content (Join-Path $dir 'LICENSE') -TotalCount 1 | Should -Match 'Apache License'
    }

    It 'finds the faces in Megamind.avi with no -Model (checked by eye on frame 100)' {
        $r = @(Split-VideoClip (Get-SharedVideo 'Megamind.avi') -Length 64 | ConvertTo-FrameBatch -WarningAction SilentlyContinue | Invoke-FrameDetection -Confidence 0.5)
        $r.Count | Should -Be 270
        ($r | Where-Object Count -GT 0).Count | Should -BeGreaterThan 250
        $f = $r[100].Detections | Where-Object Label -EQ 'face'
        $f | Should -Not -BeNullOrEmpty
        # The boy's face, centred near (496, 215) in the 720x528 frame, about 155 px across.
        $hit = $f | Where-Object { [math]::Abs($_.X + $_.Width / 2 - 496) -lt 15 -and [math]::Abs($_.Y + $_.Height / 2 - 215) -lt 15 }
        $hit | Should -Not -BeNullOrEmpty
        $hit[0].Width | Should -BeGreaterThan 120
        $hit[0].Width | Should -BeLessThan 190
        (Get-DetectionModel | Where-Object Family -EQ 'BlazeFace').Labels | Should -Be @('face')
    }

    It 'explicit preprocessing without -Model means no model: the detector asks for one' {
        { Split-VideoClip (Get-SharedVideo 'Megamind.avi') -Length 8 -End 8 | ConvertTo-FrameBatch -Size 128x128 | Invoke-FrameDetection -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelRequired,$InvokeId"
    }
}

