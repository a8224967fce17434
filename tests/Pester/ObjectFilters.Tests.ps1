#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Add-DetectionTrack's object filters and stationary mark, and
# ConvertTo-DetectionEvent -IncludeStationary: hand-made frames for the rules, vtest.avi with
# yolox_nano for the signpost and the parked van.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $TrackId = 'VideoDetect.Commands.AddDetectionTrackCommand'

    # Frames at 10 fps of a 768x576 source; each object is { param($f) returns @(x, y, w, h, label) or $null }.
    function New-Frames([int] $Count, [scriptblock[]] $Objects) {
        $random = [Random]::new(5)
        for ($f = 0; $f -lt $Count; $f++) {
            $t = [timespan]::FromMilliseconds(100 * $f)
            $dets = foreach ($o in $Objects) {
                $b = & $o $f
                if ($null -eq $b) { continue }
                $j = { ($random.NextDouble() * 2 - 1) * 1.5 }
                [VideoDetect.Inference.Detection]@{ Path = '/videos/yard.mp4'; FrameIndex = $f; Timestamp = $t; X = $b[0] + (& $j); Y = $b[1] + (& $j)
                    Width = $b[2]; Height = $b[3]; Label = $b[4]; ClassId = $(if ($b[4] -eq 'person') { 0 } else { 2 }); Confidence = 0.8 + 0.1 * $random.NextDouble() }
            }
            [VideoDetect.Inference.FrameDetections]@{ Path = '/videos/yard.mp4'; FrameIndex = $f; Timestamp = $t; SourceWidth = 768; SourceHeight = 576
                Detections = [VideoDetect.Inference.Detection[]]@($dets) }
        }
    }
    $still = { param($f) @(600, 300, 120, 60, 'car') }                                   # parked all along
    $walker = { param($f) if ($f -lt 60) { @((10 * $f), 200, 40, 100, 'person') } }      # crosses in 6 s
    $tiny = { param($f) @((5 * $f), 50, 6, 14, 'person') }                               # 84 px²
}

Describe 'Add-DetectionTrack object filters' {
    It 'drops boxes by -MinArea, -MaxArea, -MinRatio and -MaxRatio, one value or per class' {
        $frames = @(New-Frames 80 $walker, $tiny, $still)
        $all = @($frames | Add-DetectionTrack | ForEach-Object Detections)
        @($all | Where-Object { $_.Width -lt 10 }).Count | Should -BeGreaterThan 0
        $out = @($frames | Add-DetectionTrack -MinArea @{ person = 400 } | ForEach-Object Detections)
        @($out | Where-Object { $_.Width -lt 10 }).Count | Should -Be 0
        @($out | Where-Object Label -EQ car).Count | Should -Be 80
        @($frames | Add-DetectionTrack -MinArea 0.01 | ForEach-Object Detections | Select-Object -ExpandProperty Label -Unique) | Should -Be @('car')   # 1 % of the frame: 4424 px²
        @($frames | Add-DetectionTrack -MaxArea @{ car = 5000; '*' = 1e6 } | ForEach-Object Detections | Where-Object Label -EQ car).Count | Should -Be 0
        @($frames | Add-DetectionTrack -MinRatio 1.5 | ForEach-Object Detections | Select-Object -ExpandProperty Label -Unique) | Should -Be @('car')
        @($frames | Add-DetectionTrack -MaxRatio @{ car = 1 } | ForEach-Object Detections | Where-Object Label -EQ car).Count | Should -Be 0
    }

    It 'drops boxes whose bottom-centre is in an -IgnoreRegion polygon' {
        $out = @(New-Frames 80 $walker, $still | Add-DetectionTrack -IgnoreRegion @{ Lot = '550,330 768,330 768,400 550,400' } | ForEach-Object Detections)
        @($out | Where-Object Label -EQ car).Count | Should -Be 0
        @($out | Where-Object Label -EQ person).Count | Should -Be 60
        { New-Frames 2 $still | Add-DetectionTrack -IgnoreRegion @{ Bad = '1,2 3,4' } -ErrorAction Stop } | Should -Throw -ErrorId "InvalidRegion,$TrackId"
    }

    It 'makes a track an object only once the median of its scores reaches -ObjectThreshold' {
        $frames = @(New-Frames 80 $walker, $still)
        $out = @($frames | Add-DetectionTrack -ObjectThreshold @{ car = 0.95 } | ForEach-Object Detections)
        @($out | Where-Object { $_.Label -eq 'car' -and $_.TrackId }).Count | Should -Be 0
        @($out | Where-Object { $_.Label -eq 'person' -and $_.TrackId }).Count | Should -BeGreaterThan 50
        @($frames | Add-DetectionTrack -ObjectThreshold 0.8 | ForEach-Object Detections | Where-Object TrackId).Count | Should -BeGreaterThan 100
    }

    It 'makes one object of a box that car and truck both claim, unless -ClassGroup @() says otherwise' {
        $van = { param($f) @(300, 300, 160, 90, 'car') }
        $frames = @(New-Frames 60 $van | ForEach-Object {
            $d = $_.Detections[0]
            $truck = $d.PSObject.Copy(); $truck.Label = 'truck'; $truck.ClassId = 7; $truck.Confidence = $d.Confidence + $(if ($_.FrameIndex % 2) { 0.05 } else { -0.05 })
            $_.Detections = [VideoDetect.Inference.Detection[]]@($d, $truck); $_ })
        $events = @($frames | Add-DetectionTrack | ConvertTo-DetectionEvent)
        $events.Count | Should -Be 1
        @($frames | Add-DetectionTrack -ClassGroup @() | ConvertTo-DetectionEvent).Count | Should -Be 2
        @($frames | Add-DetectionTrack -ClassGroup 'car,bus' | ConvertTo-DetectionEvent).Count | Should -Be 2
    }

    It 'refuses settings it cannot read as InvalidObjectFilter' {
        $e = { New-Frames 2 $still | Add-DetectionTrack -MinArea @{ person = 'big' } } | Should -Throw -ErrorId "ParameterArgumentTransformationError,$TrackId" -PassThru
        $e.Exception.InnerException.ErrorId | Should -Be 'InvalidObjectFilter'
        { New-Frames 2 $still | Add-DetectionTrack -MinArea -5 -ErrorAction Stop } | Should -Throw -ErrorId "InvalidObjectFilter,$TrackId"
        { New-Frames 2 $still | Add-DetectionTrack -ObjectThreshold 2 -ErrorAction Stop } | Should -Throw -ErrorId "InvalidObjectFilter,$TrackId"
        { New-Frames 2 $still | Add-DetectionTrack -ClassGroup 'car' -ErrorAction Stop } | Should -Throw -ErrorId "InvalidObjectFilter,$TrackId"
    }
}

Describe 'Stationary tracks' {
    It 'marks a box that stays put longer than -StationaryAfter and leaves it out of events unless -IncludeStationary' {
        $tracked = @(New-Frames 200 $walker, $still | Add-DetectionTrack)
        $car = @($tracked | ForEach-Object Detections | Where-Object Label -EQ car)
        @($car | Where-Object Stationary).Count | Should -Be 100                     # from 10 s on
        ($car | Where-Object Stationary | Select-Object -First 1).StationarySince | Should -Be 0
        @($tracked | ForEach-Object Detections | Where-Object { $_.Label -eq 'person' -and $_.Stationary }).Count | Should -Be 0
        $events = @($tracked | ConvertTo-DetectionEvent)
        @($events | ForEach-Object Label) | Should -Be @('person')
        $all = @($tracked | ConvertTo-DetectionEvent -IncludeStationary | Sort-Object Label)
        @($all | ForEach-Object { '{0} {1} {2}..{3}' -f $_.Label, $_.Stationary, $_.StartFrame, $_.EndFrame }) | Should -Be @('car True 0..199', 'person False 0..59')
        @(New-Frames 200 $still | Add-DetectionTrack -StationaryAfter 150 | ForEach-Object Detections | Where-Object Stationary).Count | Should -Be 50
        @(New-Frames 200 $still | Add-DetectionTrack -StationaryAfter '30s' | ConvertTo-DetectionEvent).Count | Should -Be 1
        (Get-Command Add-DetectionTrack).Parameters['StationaryAfter'].ParameterType | Should -Be ([VideoDetect.Video.VideoPosition])
    }

    It 'keeps a person who waits 4 s and walks on one ordinary track' {
        $pauser = { param($f) if ($f -lt 40) { @((8 * $f), 200, 40, 100, 'person') } elseif ($f -lt 80) { @(320, 200, 40, 100, 'person') } elseif ($f -lt 120) { @((320 + 8 * ($f - 80)), 200, 40, 100, 'person') } }
        $tracked = @(New-Frames 130 $pauser | Add-DetectionTrack)
        @($tracked | ForEach-Object Detections | Where-Object Stationary).Count | Should -Be 0
        @($tracked | ForEach-Object Detections | ForEach-Object TrackId | Select-Object -Unique) | Should -Be @(1)
        $e = @($tracked | ConvertTo-DetectionEvent)
        $e.Count | Should -Be 1
        $e[0].Duration.TotalSeconds | Should -Be 11.9
    }
}

Describe "vtest.avi's signpost and parked van with yolox_nano$NoShared$NoModels" -Skip:(-not $HaveShared -or -not $HaveModels) {
    BeforeAll {
        # The whole video, every 2nd frame (about 20 s here): the detector's output once, written to a result file.
        $store = Join-Path $TestDrive 'vtest.jsonl'
        $live = @(Split-VideoClip (Get-SharedVideo 'vtest.avi') -Length 64 | ConvertTo-FrameBatch -BatchSize 8 -Model (Join-Path $SharedModels 'yolox_nano.onnx') -FrameStride 2 -WarningAction SilentlyContinue |
            Invoke-FrameDetection | Export-FrameDetection -Path $store -PassThru)
        function Get-Iou($a, $b) {
            $w = [math]::Min($a.X + $a.Width, $b.X + $b.Width) - [math]::Max($a.X, $b.X)
            $h = [math]::Min($a.Y + $a.Height, $b.Y + $b.Height) - [math]::Max($a.Y, $b.Y)
            if ($w -le 0 -or $h -le 0) { return 0 }
            $w * $h / ($a.Width * $a.Height + $b.Width * $b.Height - $w * $h)
        }
        $sign = @{ X = 30; Y = 110; Width = 18; Height = 32 }
        # Whether most of a track's boxes are the signpost's.
        function Test-OnSign($frames, [int] $id) {
            $boxes = @($frames.Detections | Where-Object TrackId -EQ $id)
            $on = @($boxes | Where-Object { (Get-Iou $sign $_) -ge 0.5 })
            $on.Count * 2 -gt $boxes.Count
        }
    }

    It 'the signpost makes no person event that is not stationary, with the defaults, live and read back' {
        $live.Count | Should -Be 398
        foreach ($source in { $live }, { Import-FrameDetection $store }) {
            $frames = @(& $source | Add-DetectionTrack)
            $events = @($frames | ConvertTo-DetectionEvent)
            $events.Count | Should -BeGreaterThan 10
            @($events | Where-Object { $_.Label -eq 'person' -and (Test-OnSign $frames $_.TrackId) }) | Should -BeNullOrEmpty
            $stationary = @($frames | ConvertTo-DetectionEvent -IncludeStationary | Where-Object Stationary)
            @($stationary | Where-Object { $_.Label -eq 'person' -and (Test-OnSign $frames $_.TrackId) }).Count | Should -BeGreaterThan 0
        }
        # Without the mark (what users saw): the signpost is an ordinary person.
        $off = @($live | Add-DetectionTrack -StationaryAfter '1000s')
        @($off | ConvertTo-DetectionEvent | Where-Object { $_.Label -eq 'person' -and (Test-OnSign $off $_.TrackId) }).Count | Should -BeGreaterThan 0
    }

    It 'the parked van is one object, not both car and truck' {
        $events = @($live | Add-DetectionTrack | ConvertTo-DetectionEvent -IncludeStationary | Where-Object { $_.Label -in 'car', 'truck', 'bus' })
        foreach ($a in $events) {
            foreach ($b in $events) {
                if ($a -ne $b -and $a.Label -ne $b.Label) {
                    Get-Iou $a $b | Should -BeLessThan 0.5
                }
            }
        }
        $raw = @($live | Add-DetectionTrack -ClassGroup @() | ConvertTo-DetectionEvent -IncludeStationary | Where-Object { $_.Label -in 'car', 'truck' })
        @($raw | Select-Object -ExpandProperty Label -Unique).Count | Should -Be 2     # the detector's own view: car and truck
    }
}
