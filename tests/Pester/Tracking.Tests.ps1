#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Add-DetectionTrack, ConvertTo-DetectionEvent and the VideoDetect.Pester
# assertions: hand-made frames for the rules, the sample video for the whole pipeline.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $PesterCompanion = Join-Path (Split-Path $ModulePath -Parent) 'VideoDetect.Pester'
    Import-Module $PesterCompanion -Force -ErrorAction Stop
    $Yolox = Join-Path $SharedModels 'yolox_nano.onnx'
    $TrackId = 'VideoDetect.Commands.AddDetectionTrackCommand'
    $EventId = 'VideoDetect.Commands.ConvertToDetectionEventCommand'

    function New-Det([double] $X, [double] $Y, [string] $Label = 'person', [int] $ClassId = 0, [float] $Confidence = 0.9) {
        [VideoDetect.Inference.Detection]@{ X = $X; Y = $Y; Width = 40; Height = 100; Label = $Label; ClassId = $ClassId; Confidence = $Confidence }
    }
    function New-Frame([long] $Index, [object[]] $Detections = @(), [string] $Path = '/videos/cam3.mp4') {
        foreach ($d in $Detections) { $d.Path = $Path; $d.FrameIndex = $Index; $d.Timestamp = [timespan]::FromMilliseconds(100 * $Index) }
        [VideoDetect.Inference.FrameDetections]@{ Path = $Path; FrameIndex = $Index; Timestamp = [timespan]::FromMilliseconds(100 * $Index); Detections = [VideoDetect.Inference.Detection[]]@($Detections) }
    }
    # Two people walking towards each other in frames 0..39 (10 fps), a car in frames 60..79.
    function New-Scene([string] $Path = '/videos/cam3.mp4') {
        for ($f = 0; $f -lt 80; $f++) {
            $d = @()
            if ($f -lt 40) { $d += New-Det (100 + 10 * $f) 200; $d += New-Det (500 - 10 * $f) 210 }
            if ($f -ge 60) { $d += New-Det 300 400 -Label car -ClassId 2 }
            New-Frame $f $d $Path
        }
    }
}

Describe 'Add-DetectionTrack' {
    It 'gives each object one id across the stream, and a new source starts again at 1' {
        $frames = @(New-Scene; New-Scene '/videos/cam4.mp4') | Add-DetectionTrack
        $frames.Count | Should -Be 160
        $cam3 = $frames | Where-Object Path -EQ '/videos/cam3.mp4'
        @($cam3[0..39].Detections | ForEach-Object TrackId | Select-Object -Unique) | Should -Be @(1, 2)
        @($cam3[39].Detections.TrackId) | Should -Be @(1, 2)
        $cam3[70].Detections[0].TrackId | Should -Be 3
        ($frames | Where-Object Path -EQ '/videos/cam4.mp4')[0].Detections.TrackId | Should -Be @(1, 2)
        $frames[0].Extras.Tracker | Should -Be 'OCSort'
    }

    It 'accepts -LostTrackBuffer as frames or time and keeps a track through a gap shorter than it' {
        # -LinkWindow 0: the tracker's own buffer alone (look-ahead linking would join the short-buffer runs too).
        $gap = { param($buffer) @(0..9 | ForEach-Object { New-Frame $_ @(New-Det (100 + 5 * $_) 100) }) + @(10..14 | ForEach-Object { New-Frame $_ }) +
            @(15, 16 | ForEach-Object { New-Frame $_ @(New-Det (100 + 5 * $_) 100) }) | Add-DetectionTrack -LostTrackBuffer $buffer -LinkWindow 0 | Select-Object -Last 1 }
        (& $gap '1s').Detections[0].TrackId | Should -Be 1
        (& $gap 6).Detections[0].TrackId | Should -Be 1
        (& $gap 3).Detections[0].TrackId | Should -Be 2
        (& $gap 300ms).Detections[0].TrackId | Should -Be 2
        (Get-Command Add-DetectionTrack).Parameters['LostTrackBuffer'].ParameterType | Should -Be ([VideoDetect.Video.VideoPosition])
    }

    It 'reports a frame out of order as FrameOutOfOrder and passes it on untracked' {
        $out = @(New-Frame 5 @(New-Det 0 0); New-Frame 3 @(New-Det 0 0)) | Add-DetectionTrack -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Count | Should -Be 2
        $out[1].Detections[0].TrackId | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "FrameOutOfOrder,$TrackId"
        # The object filters apply to it all the same.
        $filtered = @(New-Frame 5 @(New-Det 0 0); New-Frame 3 @(New-Det 0 0)) | Add-DetectionTrack -MinArea 1e9 -ErrorAction SilentlyContinue
        $filtered[1].Detections.Count | Should -Be 0
    }

    It 'chooses the tracker by name with -Tracker (OCSort by default) and writes copies, leaving the input frames untracked' {
        $scene = @(New-Scene)
        $named = @($scene | Add-DetectionTrack -Tracker ocsort)
        $default = @($scene | Add-DetectionTrack)
        $named[70].Detections[0].TrackId | Should -Be 3
        @($named | ForEach-Object { $_.Detections.TrackId }) | Should -Be @($default | ForEach-Object { $_.Detections.TrackId })
        $named[0].Extras.Tracker | Should -Be 'OCSort'
        @($scene | Add-DetectionTrack -Tracker bytetrack)[0].Extras.Tracker | Should -Be 'ByteTrack'
        $scene[0].Detections[0].TrackId | Should -BeNullOrEmpty
        $scene[0].Extras | Should -BeNullOrEmpty
        $line = 'Add-DetectionTrack -Tracker by'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain 'ByteTrack'
    }

    It 'refuses an unknown -Tracker as a parameter error that names the trackers' {
        { New-Scene | Add-DetectionTrack -Tracker NoSuchTracker -ErrorAction Stop } |
            Should -Throw -ErrorId "ParameterArgumentValidationError,$TrackId" -ExpectedMessage '*ByteTrack*OCSort*'
    }

    It '-Tracker OCSort keeps two walkers that meet head-on on one line apart, where one hides the other' {
        # Same size, same line, 8 px a frame each way; while they overlap only the one in front is
        # detected (frames 27..29). A new source starts again at 1.
        $scene = for ($f = 0; $f -lt 56; $f++) {
            $a = New-Det (100 + 8 * $f) 200; $b = New-Det (540 - 8 * $f) 200
            New-Frame $f @(if ([math]::Abs($a.X - $b.X) -lt 30) { $a } else { $a; $b })
        }
        $tracked = @($scene | Add-DetectionTrack -Tracker ocsort)
        $tracked[0].Extras.Tracker | Should -Be 'OCSort'
        $both = @($tracked | Where-Object Count -EQ 2)
        $both.Count | Should -BeGreaterThan 40
        # Detections are listed a, then b: a keeps 1 and b keeps 2 before and after the meeting.
        @($both | ForEach-Object { "$($_.Detections[0].TrackId),$($_.Detections[1].TrackId)" } | Select-Object -Unique) | Should -Be '1,2'
        $scene[0].Detections[0].TrackId | Should -BeNullOrEmpty
        $line = 'Add-DetectionTrack -Tracker oc'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain 'OCSort'
    }

    It '-LinkWindow gives a person hidden 3 s the id they had, after any tracker; 0 turns it off; one frame out per frame in, in order' {
        # 10 fps: a walker at 5 px a frame, unseen in frames 30..59 (3 s, beyond the 2-s lost-track buffer), then on.
        $scene = for ($f = 0; $f -lt 100; $f++) { New-Frame $f @(if ($f -lt 30 -or $f -ge 60) { New-Det (100 + 5 * $f) 200 }) }
        foreach ($tracker in 'ByteTrack', 'OCSort') {
            $linked = @($scene | Add-DetectionTrack -Tracker $tracker)
            $linked.Count | Should -Be 100
            ($linked.FrameIndex -join ',') | Should -Be ((0..99) -join ',')
            @($linked.Detections.TrackId | Select-Object -Unique) | Should -Be @(1)
            $off = @($scene | Add-DetectionTrack -Tracker $tracker -LinkWindow 0)
            @($off.Detections.TrackId | Where-Object { $_ } | Select-Object -Unique).Count | Should -Be 2
            $short = @($scene | Add-DetectionTrack -Tracker $tracker -LinkWindow 2s)   # the gap is longer than the window
            @($short.Detections.TrackId | Where-Object { $_ } | Select-Object -Unique).Count | Should -Be 2
        }
    }
}

Describe 'ConvertTo-DetectionEvent' {
    It 'gives one event per track, or per label untracked, that survives Export-Csv and ConvertTo-Json' {
        $tracked = New-Scene | Add-DetectionTrack | ConvertTo-DetectionEvent
        @($tracked | Sort-Object TrackId | ForEach-Object { '{0}#{1} {2}..{3}' -f $_.Label, $_.TrackId, $_.StartFrame, $_.EndFrame }) |
            Should -Be @('person#1 0..39', 'person#2 0..39', 'car#3 61..79')    # a new car track gets its id on its second frame
        $untracked = New-Scene | ConvertTo-DetectionEvent
        @($untracked | ForEach-Object { '{0} {1}..{2} {3}' -f $_.Label, $_.StartFrame, $_.EndFrame, $_.Duration.TotalSeconds }) | Should -Be @('person 0..39 3.9', 'car 60..79 1.9')
        $csv = Join-Path $TestDrive 'events.csv'
        $untracked | Export-Csv $csv
        $back = Import-Csv $csv
        $back[0].StartTime | Should -Be '00:00:00'
        $back[1].EndFrame | Should -Be '79'
        ($untracked | ConvertTo-Json | ConvertFrom-Json)[1].Label | Should -Be 'car'
        ($untracked[0] | Format-Table | Out-String) | Should -Match 'cam3\.mp4\s+person'
    }

    It 'streams: an event is written when it closes, before the input ends' {
        $order = [System.Collections.Generic.List[string]]::new()
        New-Scene | ForEach-Object { $order.Add("frame $($_.FrameIndex)"); $_ } | ConvertTo-DetectionEvent | ForEach-Object { $order.Add("event $($_.Label)") }
        $order.IndexOf('event person') | Should -BeLessThan $order.IndexOf('frame 60')
        $order.IndexOf('event person') | Should -BeGreaterThan $order.IndexOf('frame 44')   # closes after MaxGap (0.5 s) of absence
    }

    It 'makes events per region from the bottom-centre, counts line crossings, and rejects bad polygons' {
        $events = New-Scene | Add-DetectionTrack |
            ConvertTo-DetectionEvent -Region @{ Left = '0,0 300,0 300,600 0,600' } -Line @{ Middle = '300,0 300,600' }
        $left = @($events | Where-Object Region -EQ 'Left' | Sort-Object TrackId)
        @($left | ForEach-Object { '#{0} {1}..{2}' -f $_.TrackId, $_.StartFrame, $_.EndFrame }) | Should -Be @('#1 0..17', '#2 23..39')
        $cross = @($events | Where-Object Kind -EQ Crossing | Sort-Object TrackId)
        @($cross | ForEach-Object { '#{0} {1}' -f $_.TrackId, $_.Direction }) | Should -Be @('#1 Out', '#2 In')
        { New-Scene | ConvertTo-DetectionEvent -Region @{ Bad = '1,2 3,4' } } | Should -Throw -ErrorId "InvalidRegion,$EventId"
        New-Scene | ConvertTo-DetectionEvent -Line @{ Middle = '300,0 300,600' } -WarningVariable w -WarningAction SilentlyContinue | Out-Null
        $w[0].Message | Should -Match 'Add-DetectionTrack'
    }
}

Describe 'Should -HaveDetectionEvent (VideoDetect.Pester)' {
    It 'passes on events and on frames, and fails saying what was found instead' {
        $events = New-Scene | ConvertTo-DetectionEvent
        $events | Should -HaveDetectionEvent -Label person -Between '0s', '10s'
        New-Scene | Should -HaveDetectionEvent -Label car -Between '6s', '7s' -MinDuration '1.5s'
        $events | Should -Not -HaveDetectionEvent -Label car -Between '0s', '5s'
        { $events | Should -HaveDetectionEvent -Label person -Between '5s', '10s' } |
            Should -Throw -ExpectedMessage 'no person event between 5 s and 10 s in cam3.mp4; found: person 0.0–3.9 s, car 6.0–7.9 s'
        { $events | Should -Not -HaveDetectionEvent -Label car } | Should -Throw -ExpectedMessage 'expected no car event in cam3.mp4, but found: car 6.0–7.9 s'
        { $events | Should -HaveDetectionEvent -Label car -MinDuration '3s' -Because 'the drill lasts 3 s' } | Should -Throw -ExpectedMessage '*lasting at least 3 s in cam3.mp4; because the drill lasts 3 s, found: *'
    }

    It 'filters by region, folding frames with the polygons it is given' {
        $regions = @{ Dock = '0,350 768,350 768,576 0,576' }
        New-Scene | Should -HaveDetectionEvent -Label car -Region $regions
        New-Scene | Should -Not -HaveDetectionEvent -Label person -Region $regions
        New-Scene | ConvertTo-DetectionEvent -Region $regions | Should -HaveDetectionEvent -Region Dock
    }

    It 'works whichever of Pester and VideoDetect was imported first' {
        $modules = Join-Path $TestDrive 'modules'
        New-Item -ItemType Directory $modules | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $modules 'Pester') -Target (Get-Module Pester).ModuleBase | Out-Null
        $sep = [IO.Path]::PathSeparator
        $check = '$e = [VideoDetect.Events.DetectionEvent]@{ Label = ''person''; Path = ''/a/cam3.mp4''; EndTime = [timespan]::FromSeconds(4) }; $e | Should -HaveDetectionEvent -Label person -Between 0s, 10s; try { $e | Should -HaveDetectionEvent -Label car } catch { $_.Exception.Message }'
        $pwsh = Get-PwshCommand
        # This file imported Pester, then VideoDetect, then VideoDetect.Pester; a fresh pwsh imports only
        # VideoDetect.Pester, which brings both (one process: each costs seconds).
        foreach ($imports in @('Import-Module VideoDetect.Pester')) {
            $env:PSModulePath, $saved = "$modules$sep$(Split-Path $ModulePath -Parent)", $env:PSModulePath
            try { $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "$imports; $check" 2>&1 }
            finally { $env:PSModulePath = $saved }
            "$out" | Should -BeLike 'no car event in cam3.mp4; found: person 0.0–4.0 s*' -Because $imports
        }
    }
}

Describe "The pipeline on vtest.avi$NoShared$NoModels" -Skip:(-not $HaveShared -or -not $HaveModels) {
    BeforeAll {
        $run = { param($length) Split-VideoClip (Get-SharedVideo 'vtest.avi') -Length $length -End 40 | ConvertTo-FrameBatch -BatchSize 8 -Model $Yolox | Invoke-FrameDetection -Class person | Add-DetectionTrack }
        $short = & $run 8
        $long = & $run 40
    }

    It 'ids do not depend on clip and batch boundaries' {
        $short.Count | Should -Be 40
        @($short.Detections | ForEach-Object { "$($_.FrameIndex):$($_.TrackId)" }) | Should -Be @($long.Detections | ForEach-Object { "$($_.FrameIndex):$($_.TrackId)" })
        @($short.Detections | Where-Object TrackId | ForEach-Object TrackId | Select-Object -Unique).Count | Should -BeGreaterOrEqual 4
        $short | Should -HaveDetectionEvent -Label person -Between '0s', '4s' -MinDuration '3s'
    }

    It 'Export-AnnotatedVideo draws tracks with -Trail' -Skip:(-not $HaveFfmpeg) {
        $file = $short | Export-AnnotatedVideo -Path (Join-Path $TestDrive 'tracks.mp4') -Trail 10 -PassThruFile
        $file.Length | Should -BeGreaterThan 10000
    }
}
