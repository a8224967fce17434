#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Objects that crossed a process boundary (Start-Job, Export-Clixml, ConvertTo-Json) are accepted
# back with the same results as live ones; a FrameBatch or a loaded model is refused with what to
# send instead. One job (seconds) serves every test; the video is a small synthetic one and the
# model the embedded BlazeFace, so nothing here needs ../shared.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $InvokeId = 'VideoDetect.Commands.InvokeFrameDetectionCommand'
    $ExportId = 'VideoDetect.Commands.ExportAnnotatedVideoCommand'
    $TransformId = 'ParameterArgumentTransformationError'

    # Every public property of the live object, exactly: floats and doubles by their bits, times by
    # their ticks, lists item by item, Extras key by key (value and type). Reflection, so a property
    # added later is compared too. Except Run: the run's model and parameters stay in the process
    # that detected (documented in about_VideoDetect); a travelled frame has none.
    function Assert-Same($Expected, $Actual, [string] $Where = 'object') {
        if ($null -eq $Expected) { $Actual | Should -BeNullOrEmpty -Because $Where; return }
        $Actual | Should -BeOfType $Expected.GetType() -Because "$Where is rebuilt as its type"
        foreach ($p in $Expected.GetType().GetProperties()) {
            if ($p.PropertyType -eq [VideoDetect.Inference.DetectionRun]) {
                $Actual.($p.Name) | Should -BeNullOrEmpty -Because "$Where.$($p.Name) does not travel"
                continue
            }
            $e = $p.GetValue($Expected); $a = $p.GetValue($Actual); $at = "$Where.$($p.Name)"
            switch ($p.PropertyType) {
                ([float]) { [BitConverter]::SingleToInt32Bits($a) | Should -Be ([BitConverter]::SingleToInt32Bits($e)) -Because "$at ($a vs $e)" }
                ([double]) { [BitConverter]::DoubleToInt64Bits($a) | Should -Be ([BitConverter]::DoubleToInt64Bits($e)) -Because "$at ($a vs $e)" }
                ([timespan]) { $a.Ticks | Should -Be $e.Ticks -Because $at }
                ([VideoDetect.Inference.Detection[]]) {
                    $a.Count | Should -Be $e.Count -Because $at
                    for ($i = 0; $i -lt $e.Count; $i++) { Assert-Same $e[$i] $a[$i] "$at[$i]" }
                }
                ([System.Collections.Generic.Dictionary[string, object]]) {
                    if ($null -eq $e) { $a | Should -BeNullOrEmpty -Because $at; continue }
                    @($a.Keys | Sort-Object) | Should -Be @($e.Keys | Sort-Object) -Because "$at (a Hashtable has no order)"
                    foreach ($k in $e.Keys) {
                        $a[$k] | Should -Be $e[$k] -Because "$at[$k]"
                        $a[$k].GetType() | Should -Be $e[$k].GetType() -Because "$at[$k]"
                    }
                }
                default {
                    if ($null -eq $e) { $a | Should -BeNullOrEmpty -Because $at } else { $a | Should -Be $e -Because $at }
                }
            }
        }
    }

    # Every frame of two videos equal, pixel for pixel.
    function Assert-SamePixels([string] $Expected, [string] $Actual) {
        $ce = [OpenCvSharp.VideoCapture]::new($Expected, [OpenCvSharp.VideoCaptureAPIs]::FFMPEG)
        $ca = [OpenCvSharp.VideoCapture]::new($Actual, [OpenCvSharp.VideoCaptureAPIs]::FFMPEG)
        $me = [OpenCvSharp.Mat]::new(); $ma = [OpenCvSharp.Mat]::new()
        try {
            $n = 0
            while ($ce.Read($me)) {
                $ca.Read($ma) | Should -BeTrue -Because "$Actual has frame $n"
                [OpenCvSharp.Cv2]::Norm($me, $ma, [OpenCvSharp.NormTypes]::INF) | Should -Be 0 -Because "frame $n is the same"
                $n++
            }
            $ca.Read($ma) | Should -BeFalse -Because "$Actual has no frame past $n"
            $n
        }
        finally { $ce.Dispose(); $ca.Dispose(); $me.Dispose(); $ma.Dispose() }
    }

    # The pipeline, here and in the job: BlazeFace's (live) detections plus one moving, tracked box
    # per frame, so the annotated video has something to draw.
    $Pipeline = {
        param([string] $Module, [string] $Video)
        Import-Module $Module -WarningAction SilentlyContinue
        Split-VideoClip $Video -Length 10 | ConvertTo-FrameBatch -BatchSize 4 -WarningAction SilentlyContinue | Invoke-FrameDetection | ForEach-Object {
            $box = [VideoDetect.Inference.Detection]@{ Path = $_.Path; FrameIndex = $_.FrameIndex; Timestamp = $_.Timestamp; Label = 'thing'; ClassId = 1
                Confidence = 0.7654321; X = 10.5 + 3 * $_.FrameIndex; Y = 20.25; Width = 40; Height = 30; TrackId = 7 }
            $_.Detections = @($_.Detections) + $box
            $_
        }
    }

    if ($HaveFfmpeg) {
        $Video = New-TestVideo (Join-Path $TestDrive 'src.mp4') -Frames 24 -Size 160x120
        $job = Start-Job -ArgumentList $ModulePath, $Video, "$Pipeline" -ScriptBlock {
            param([string] $Module, [string] $Video, [string] $Pipeline)
            & ([scriptblock]::Create($Pipeline)) $Module $Video
            Split-VideoClip $Video -Length 4 -End 4 | ConvertTo-FrameBatch -BatchSize 4 -WarningAction SilentlyContinue
            Get-DetectionModel
        }
        $fromJob = @($job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop)
        $JobFrames = @($fromJob | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.VideoDetect.Inference.FrameDetections' })
        $JobBatch = @($fromJob | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.VideoDetect.Batching.FrameBatch' })
        $JobModel = @($fromJob | Where-Object { $_.PSObject.TypeNames[0] -eq 'Deserialized.VideoDetect.Inference.DetectionModel' })
        $LiveFrames = @(& $Pipeline $ModulePath $Video)
        $LiveFile = Join-Path $TestDrive 'live.avi'
        $LiveFrames | Export-AnnotatedVideo -Path $LiveFile -Codec Mjpg
    }

    # Edge values no pipeline gives on a small video: a frame index past 32 bits, odd ticks, an
    # untracked detection, Extras.
    $Handmade = [VideoDetect.Inference.FrameDetections]@{ Path = '/v/a.mp4'; ClipIndex = 3; FrameIndex = 5000000001; Timestamp = [timespan]::FromTicks(50000000123)
        SourceWidth = 1920; SourceHeight = 1080
        Detections = @(
            [VideoDetect.Inference.Detection]@{ Path = '/v/a.mp4'; FrameIndex = 5000000001; Timestamp = [timespan]::FromTicks(50000000123); Label = 'face'; ClassId = 0
                Confidence = [float](1 / 3); X = 0.1 + 0.2; Y = 1e-7; Width = 33.3; Height = 1234.5678901234; TrackId = 2147483647 }
            [VideoDetect.Inference.Detection]@{ Path = '/v/a.mp4'; FrameIndex = 5000000001; Label = 'person'; ClassId = 1; Confidence = [float]::Epsilon; X = 5; Y = 6; Width = 7; Height = 8 })
    }
    $Handmade.Extras = [System.Collections.Generic.Dictionary[string, object]]::new()
    $Handmade.Extras['heldFrom'] = [long]4999999990; $Handmade.Extras['zone'] = 'door'; $Handmade.Extras['open'] = $true; $Handmade.Extras['share'] = 0.1
}

Describe "Across Start-Job$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'a job''s FrameDetections keep their detections as objects (types.ps1xml depth), field by field as the live ones' {
        $JobFrames.Count | Should -Be 24
        $JobFrames[0].Detections[-1].PSObject.TypeNames[0] | Should -Be 'Deserialized.VideoDetect.Inference.Detection' -Because 'not their ToString() text'
        for ($i = 0; $i -lt 24; $i++) {
            Assert-Same $LiveFrames[$i] ([VideoDetect.Commands.PortableObjects]::ConvertTo[VideoDetect.Inference.FrameDetections]($JobFrames[$i])) "frame $i"
        }
    }

    It 'Export-AnnotatedVideo takes them and writes the same file as the live pipeline, pixel for pixel' {
        $file = Join-Path $TestDrive 'job.avi'
        $JobFrames | Export-AnnotatedVideo -Path $file -Codec Mjpg -ErrorAction Stop
        Assert-SamePixels $LiveFile $file | Should -Be 24
        (Get-FileHash $file).Hash | Should -Be (Get-FileHash $LiveFile).Hash
        # The boxes are in it: without them the video differs.
        $bare = Join-Path $TestDrive 'bare.avi'
        $LiveFrames | ForEach-Object { [VideoDetect.Inference.FrameDetections]@{ Path = $_.Path; FrameIndex = $_.FrameIndex } } | Export-AnnotatedVideo -Path $bare -Codec Mjpg
        (Get-FileHash $bare).Hash | Should -Not -Be (Get-FileHash $LiveFile).Hash
    }

    It 'a FrameBatch from a job is refused with what to send instead (the clips), never an empty result' {
        $JobBatch.Count | Should -Be 1
        $JobBatch[0].PSObject.Properties.Name | Should -Not -Contain 'Tensor' -Because 'types.ps1xml keeps the tensor out of the serialised batch'
        $out = $JobBatch | Invoke-FrameDetection -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be "$TransformId,$InvokeId"
        $errs[0].Exception.InnerException.ErrorId | Should -Be 'BatchCannotCrossProcess'
        $errs[0].Exception.Message | Should -Match 'FrameBatch cannot cross a process boundary.*Send the clips \(Split-VideoClip'
        # The same after JSON, where no type name is left.
        { $JobBatch | ConvertTo-Json | ConvertFrom-Json | Invoke-FrameDetection -ErrorAction Stop } | Should -Throw -ExpectedMessage '*FrameBatch cannot cross*'
    }

    It 'a model from a job is refused with what to send instead (its path)' {
        $JobModel.Count | Should -BeGreaterThan 0
        $batches = Split-VideoClip $Video -Length 4 -End 4 | ConvertTo-FrameBatch -BatchSize 4 -WarningAction SilentlyContinue
        $e = { $batches | Invoke-FrameDetection -Model $JobModel[0] } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be "$TransformId,$InvokeId"
        $e.Exception.InnerException.ErrorId | Should -Be 'ModelCannotCrossProcess'
        $e.Exception.Message | Should -Match "Send the model's path"
        $batches | ForEach-Object Dispose
        $e = { Split-VideoClip $Video -Length 4 -End 4 | ConvertTo-FrameBatch -Model $JobModel[0] } | Should -Throw -PassThru
        $e.Exception.InnerException.ErrorId | Should -Be 'ModelCannotCrossProcess' -Because 'ConvertTo-FrameBatch -Model takes the same attribute'
    }
}

Describe "Across CliXml and JSON$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'Export-AnnotatedVideo writes the same pixels from <Name>' -ForEach @(
        @{ Name = 'Export-Clixml (no -Depth)'; Trip = { param($f) $x = Join-Path $TestDrive 'f.xml'; $f | Export-Clixml $x; Import-Clixml $x } }
        @{ Name = 'ConvertTo-Json (default depth, frame by frame)'; Trip = { param($f) $f | ForEach-Object { $_ | ConvertTo-Json -WarningAction SilentlyContinue | ConvertFrom-Json } } }
        @{ Name = 'ConvertTo-Json -Depth 5, -AsHashtable, as one -InputObject array'; Trip = { param($f) , ($f | ConvertTo-Json -Depth 5 | ConvertFrom-Json -AsHashtable) } }
    ) {
        $came = & $Trip $LiveFrames
        $file = Join-Path $TestDrive "trip-$([guid]::NewGuid().ToString('N')).avi"
        if ($came -is [array] -and $came.Count -eq 1) { Export-AnnotatedVideo -InputObject $came[0] -Path $file -Codec Mjpg -ErrorAction Stop }
        else { $came | Export-AnnotatedVideo -Path $file -Codec Mjpg -ErrorAction Stop }
        Assert-SamePixels $LiveFile $file | Should -Be 24
    }
}

Describe "Too shallow a depth$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'frames piped together through ConvertTo-Json at its default depth (detections become text) are an error that says to pass -Depth' {
        $came = $LiveFrames | ConvertTo-Json -WarningAction SilentlyContinue | ConvertFrom-Json
        $out = $came | Export-AnnotatedVideo -Path (Join-Path $TestDrive 'shallow.avi') -Codec Mjpg -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 24 -Because 'every frame is refused, none is drawn as empty'
        $errs[0].FullyQualifiedErrorId | Should -Be "$TransformId,$ExportId"
        $errs[0].Exception.InnerException.ErrorId | Should -Be 'InputObjectNotRebuilt'
        $errs[0].Exception.Message | Should -Match 'serialised as text.*-Depth 4'
        Join-Path $TestDrive 'shallow.avi' | Should -Not -Exist
    }
}

Describe 'Round trips, field by field' {
    It '<Type> through <Name>' -ForEach @(
        foreach ($t in 'FrameDetections', 'Detection') {
            @{ Type = $t; Name = 'Export-Clixml'; Trip = { param($o) $x = Join-Path $TestDrive 'o.xml'; $o | Export-Clixml $x; Import-Clixml $x } }
            @{ Type = $t; Name = 'ConvertTo-Json'; Trip = { param($o) $o | ConvertTo-Json -WarningAction SilentlyContinue | ConvertFrom-Json } }
            @{ Type = $t; Name = 'ConvertTo-Json -Depth 5'; Trip = { param($o) $o | ConvertTo-Json -Depth 5 | ConvertFrom-Json } }
            @{ Type = $t; Name = 'ConvertFrom-Json -AsHashtable'; Trip = { param($o) $o | ConvertTo-Json -Depth 5 | ConvertFrom-Json -AsHashtable } }
        }
    ) {
        $objects = if ($Type -eq 'FrameDetections') { , $Handmade } else { $Handmade.Detections }
        foreach ($o in $objects) {
            $back = [VideoDetect.Commands.PortableObjects]::Convert("VideoDetect.Inference.$Type" -as [type], (& $Trip $o))
            Assert-Same $o $back $Type
        }
    }

    It 'DetectionEvent through <Name>, and the review cmdlets take it' -ForEach @(
        @{ Name = 'Export-Clixml'; Trip = { param($o) $x = Join-Path $TestDrive 'e.xml'; $o | Export-Clixml $x; Import-Clixml $x } }
        @{ Name = 'ConvertTo-Json'; Trip = { param($o) $o | ConvertTo-Json | ConvertFrom-Json } }
        @{ Name = 'ConvertFrom-Json -AsHashtable'; Trip = { param($o) $o | ConvertTo-Json | ConvertFrom-Json -AsHashtable } }
    ) {
        $events = @(
            [VideoDetect.Events.DetectionEvent]@{ Path = (Join-Path $TestDrive 'cam1.mp4'); Label = 'person'; ClassId = 0; TrackId = 7; Region = 'Dock'
                StartFrame = 3000000000; EndFrame = 3000000042; StartTime = [timespan]::FromTicks(1234567891); EndTime = [timespan]::FromTicks(1276567891)
                StartedAt = [DateTimeOffset]'2026-12-05T22:15:00.1234567+01:00'; EndedAt = [DateTimeOffset]'2026-12-05T22:15:04.3234567+01:00'
                FrameCount = 40; MaxConfidence = [float]0.8765432; PeakFrame = 3000000010; X = 10.25; Y = 1 / 3; Width = 40.5; Height = 90.125
                Stationary = $true; SnapshotPath = '/tmp/a.jpg'; ClipPath = '/tmp/a.mp4' }
            [VideoDetect.Events.DetectionEvent]@{ Kind = 'Crossing'; Path = (Join-Path $TestDrive 'cam1.mp4'); Label = 'car'; Line = 'Gate'; Direction = 'In'
                StartFrame = 5; EndFrame = 5; FrameCount = 1; MaxConfidence = [float]0.5; PeakFrame = 5 }
        )
        foreach ($o in $events) {
            $back = [VideoDetect.Commands.PortableObjects]::Convert([VideoDetect.Events.DetectionEvent], (& $Trip $o))
            Assert-Same $o $back 'DetectionEvent'
            # CliXml keeps the zone; ConvertFrom-Json parses the ISO text into a DateTime, so JSON keeps the instant (compared above) in UTC.
            if ($o.StartedAt -and $Name -eq 'Export-Clixml') { $back.StartedAt.Offset | Should -Be $o.StartedAt.Offset -Because 'the time of day keeps its zone' }
        }
        # Travelled events bind to the review cmdlets as live ones do.
        $db = Join-Path $TestDrive "trip-$($Name -replace '\W', '').db"
        $written = @($events | ForEach-Object { & $Trip $_ } | Export-DetectionEvent -Database $db -PassThru)
        $written.Count | Should -Be 2
        @(Import-DetectionEvent -Database $db).Count | Should -Be 2
    }

    It 'a deserialized Detection is not taken for a frame (an error, not an empty frame)' {
        $x = Join-Path $TestDrive 'd.xml'
        $Handmade.Detections[0] | Export-Clixml $x
        $e = { Import-Clixml $x | Export-AnnotatedVideo -Path (Join-Path $TestDrive 'no.avi') -Codec Mjpg -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be "$TransformId,$ExportId"
        $e.Exception.InnerException.ErrorId | Should -Be 'InputObjectNotRebuilt'
        $e.Exception.Message | Should -Match 'deserialized Detection as a FrameDetections'
        Join-Path $TestDrive 'no.avi' | Should -Not -Exist
    }
}
