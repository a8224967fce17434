#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Export-AnnotatedVideo: read the written videos back (ffprobe and OpenCV) and
# compare them with the source, pixel by pixel.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $NoTools = if ($HaveFfmpeg -and $HaveFfprobe) { '' } else { ' [skipped: ffmpeg/ffprobe are not installed]' }
    $HaveTools = $HaveFfmpeg -and $HaveFfprobe
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Yolox = Join-Path $SharedModels 'yolox_nano.onnx'
    $ExportId = 'VideoDetect.Commands.ExportAnnotatedVideoCommand'

    # ffprobe's view of the first video stream, every frame counted.
    function Get-Stream([string] $Path) {
        $lines = & ffprobe -v error -select_streams v:0 -count_frames -show_entries 'stream=codec_name,width,height,pix_fmt,r_frame_rate,nb_read_frames' -of default=nw=1 $Path
        if ($LASTEXITCODE -ne 0) { throw "ffprobe failed on $Path" }
        $h = @{}
        foreach ($l in $lines) { $k, $v = $l -split '=', 2; $h[$k] = $v }
        [pscustomobject]$h
    }

    # Frame $Index of a video, decoded by OpenCV (a Mat the caller disposes).
    function Get-Frame([string] $Path, [int] $Index) {
        $cap = [OpenCvSharp.VideoCapture]::new($Path, [OpenCvSharp.VideoCaptureAPIs]::FFMPEG)
        try {
            $m = [OpenCvSharp.Mat]::new()
            for ($i = 0; $i -le $Index; $i++) { if (-not $cap.Read($m)) { throw "$Path has no frame $Index" } }
            $m
        }
        finally { $cap.Dispose() }
    }

    # Mean absolute difference (0..255, all channels) of two frames inside a rectangle.
    function Get-Difference($A, $B, [int[]] $Rect) {
        $r = [OpenCvSharp.Rect]::new($Rect[0], $Rect[1], $Rect[2], $Rect[3])
        $d = [OpenCvSharp.Mat]::new()
        try {
            [OpenCvSharp.Cv2]::Absdiff($A.SubMat($r), $B.SubMat($r), $d)
            $m = [OpenCvSharp.Cv2]::Mean($d)
            ($m.Val0 + $m.Val1 + $m.Val2) / 3
        }
        finally { $d.Dispose() }
    }

    # FrameDetections made by hand (no inference): one box on each of the given frames.
    function New-FrameDetections([string] $Path, [long[]] $Frames, [double[]] $Box = @(300, 300, 120, 100)) {
        foreach ($f in $Frames) {
            $d = [VideoDetect.Inference.Detection]@{ Path = $Path; FrameIndex = $f; Label = 'person'; ClassId = 0; Confidence = 0.9; X = $Box[0]; Y = $Box[1]; Width = $Box[2]; Height = $Box[3] }
            [VideoDetect.Inference.FrameDetections]@{ Path = $Path; FrameIndex = $f; Detections = @($d) }
        }
    }
}

Describe "Export-AnnotatedVideo: the main job on vtest.avi$NoShared$NoModels$NoTools" -Skip:(-not $HaveShared -or -not $HaveModels -or -not $HaveTools) {
    BeforeAll {
        $vtest = Get-SharedVideo 'vtest.avi'
        $out = Join-Path $TestDrive 'out.mp4'
        # The issue's pipeline, as written (Tee-Object keeps the detections to check the pixels with).
        $written = Split-VideoClip $vtest -Length 64 | ConvertTo-FrameBatch -Model $Yolox -BatchSize 8 -WarningAction SilentlyContinue |
            Invoke-FrameDetection | Tee-Object -Variable all | Export-AnnotatedVideo -Path $out -PassThruFile
    }

    It 'writes an H.264 MP4 with every frame, at the source''s size and rate, and emits the file' {
        $written.FullName | Should -Be $out
        $written | Should -BeOfType ([System.IO.FileInfo])
        $s = Get-Stream $out
        $s.codec_name | Should -Be 'h264'
        $s.pix_fmt | Should -Be 'yuv420p'
        $s.nb_read_frames | Should -Be '795'
        $s.r_frame_rate | Should -Be '10/1'
        "$($s.width)x$($s.height)" | Should -Be '768x576'
        @(Get-ChildItem -LiteralPath $TestDrive -Force).Name | Should -Be @('out.mp4') -Because 'no temporary file is left'
    }

    It 'draws the boxes on the pedestrians and leaves pixels far from every box as they were' {
        foreach ($k in 0, 400, 794) {
            $src = Get-Frame $vtest $k
            $dst = Get-Frame $out $k
            try {
                $boxes = @($all[$k].Detections)
                $persons = @($boxes | Where-Object Label -EQ 'person')
                $persons.Count | Should -BeGreaterThan 3 -Because "vtest.avi frame $k shows several pedestrians"
                foreach ($person in $persons) {
                    # Each box's left edge (2 px at 576 lines) differs strongly from the source.
                    $x = [int][math]::Min([math]::Floor($person.X), 766)
                    $edge = Get-Difference $src $dst @($x, [int]($person.Y + $person.Height / 4), 2, [math]::Max(1, [int]($person.Height / 2)))
                    $edge | Should -BeGreaterThan 30 -Because "frame ${k}: a box is drawn around the person at $($person.X),$($person.Y)"
                }
                # A 48x48 patch at least 60 px from every box (labels included) is the source, up to H.264's loss.
                $patch = foreach ($y in 0..10) {
                    foreach ($x in 0..14) {
                        $px = $x * 48; $py = $y * 48
                        $clear = -not ($boxes | Where-Object { $px -lt $_.X + $_.Width + 60 -and $px + 48 -gt $_.X - 60 -and $py -lt $_.Y + $_.Height + 60 -and $py + 48 -gt $_.Y - 60 })
                        if ($clear) { , @($px, $py, 48, 48) }
                    }
                }
                $patch | Should -Not -BeNullOrEmpty
                (Get-Difference $src $dst $patch[0]) | Should -BeLessThan 6 -Because "frame ${k}: far from boxes nothing is drawn"
            }
            finally { $src.Dispose(); $dst.Dispose() }
        }
    }
}

Describe "Export-AnnotatedVideo: behaviour$NoShared$NoModels$NoTools" -Skip:(-not $HaveShared -or -not $HaveModels -or -not $HaveTools) {
    BeforeAll {
        $vtest = Get-SharedVideo 'vtest.avi'
        $megamind = Get-SharedVideo 'Megamind.avi'
    }
    BeforeEach {
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $dir | Out-Null
    }

    It '-FrameStride upstream: every frame of the range is written, and the gaps hold the last boxes (or none with -NoHold)' {
        $detections = @(Split-VideoClip $vtest -Length 32 -End 64 | ConvertTo-FrameBatch -Model $Yolox -FrameStride 4 -WarningAction SilentlyContinue | Invoke-FrameDetection)
        $detections.FrameIndex | Should -Be (0..15 | ForEach-Object { $_ * 4 })
        $held = $detections | Export-AnnotatedVideo -Path (Join-Path $dir 'held.mp4') -PassThruFile
        $bare = $detections | Export-AnnotatedVideo -Path (Join-Path $dir 'bare.mp4') -NoHold -PassThruFile
        foreach ($f in $held, $bare) { (Get-Stream $f.FullName).nb_read_frames | Should -Be '61' -Because 'frames 0..60' }
        $person = $detections[0].Detections | Where-Object Label -EQ 'person' | Sort-Object Confidence -Descending | Select-Object -First 1
        $edge = @([int][math]::Floor($person.X), [int]($person.Y + $person.Height / 4), 2, [int]($person.Height / 2))
        $src = Get-Frame $vtest 1; $h = Get-Frame $held.FullName 1; $b = Get-Frame $bare.FullName 1
        try {
            (Get-Difference $src $h $edge) | Should -BeGreaterThan 30 -Because 'frame 1 carries frame 0''s boxes'
            (Get-Difference $src $b $edge) | Should -BeLessThan 10 -Because 'with -NoHold frame 1 has no boxes'
        }
        finally { $src.Dispose(); $h.Dispose(); $b.Dispose() }
    }

    It '-Preset passes libx264''s preset: ultrafast (the default) trades size for speed against veryfast' {
        $frames = New-FrameDetections $vtest (0..49)
        $fast = $frames | Export-AnnotatedVideo -Path (Join-Path $dir 'fast.mp4') -PassThruFile
        $small = $frames | Export-AnnotatedVideo -Path (Join-Path $dir 'small.mp4') -Preset veryfast -PassThruFile
        foreach ($f in $fast, $small) { (Get-Stream $f.FullName).codec_name | Should -Be 'h264' }
        $fast.Length | Should -BeGreaterThan (1.5 * $small.Length) -Because 'ultrafast drops CABAC and most motion search'
        { $frames | Export-AnnotatedVideo -Path (Join-Path $dir 'x.mp4') -Preset quick } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.ExportAnnotatedVideoCommand'
    }

    It '-WhatIf writes nothing' {
        New-FrameDetections $vtest (0..9) | Export-AnnotatedVideo -Path (Join-Path $dir 'w.mp4') -WhatIf -PassThruFile | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $dir -Force).Count | Should -Be 0
        New-FrameDetections $vtest (0..9) | Export-AnnotatedVideo -OutputDirectory (Join-Path $dir 'new') -WhatIf
        Join-Path $dir 'new' | Should -Not -Exist
    }

    It 'an existing target is an OutputExists error without -Force, and is replaced with -Force' {
        $target = Join-Path $dir 'exists.mp4'
        Set-Content -LiteralPath $target -Value 'keep'
        { New-FrameDetections $vtest (0..4) | Export-AnnotatedVideo -Path $target -ErrorAction Stop } | Should -Throw -ErrorId "OutputExists,$ExportId"
        Get-Content -LiteralPath $target | Should -Be 'keep'
        New-FrameDetections $vtest (0..4) | Export-AnnotatedVideo -Path $target -Force
        (Get-Stream $target).nb_read_frames | Should -Be '5'
        @(Get-ChildItem -LiteralPath $dir -Force).Count | Should -Be 1
    }

    It 'a cancelled run (Ctrl+C: the pipeline stops) leaves no file, not even the temporary one' {
        $target = Join-Path $dir 'cancelled.mp4'
        $frames = @(New-FrameDetections $vtest (0..794))
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m, $f, $t) Import-Module $m; $f | ForEach-Object { Start-Sleep -Milliseconds 5; $_ } | Export-AnnotatedVideo -Path $t').
                AddArgument($ModulePath).AddArgument($frames).AddArgument($target)
            $async = $ps.BeginInvoke()
            $deadline = [datetime]::Now.AddSeconds(60)
            while (-not (Get-ChildItem -LiteralPath $dir -Force -Filter '.cancelled.*.tmp.mp4') -and [datetime]::Now -lt $deadline) { Start-Sleep -Milliseconds 50 }
            @(Get-ChildItem -LiteralPath $dir -Force -Filter '.cancelled.*.tmp.mp4').Count | Should -Be 1 -Because 'the encoder writes to a hidden temporary file beside the target'
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
        @(Get-ChildItem -LiteralPath $dir -Force).Count | Should -Be 0
    }

    It '-OutputDirectory writes one file per source at each source''s size and exact rational rate' {
        $files = @((New-FrameDetections $vtest (0..9)) + (New-FrameDetections $megamind (5..16)) | Export-AnnotatedVideo -OutputDirectory (Join-Path $dir 'a') -PassThruFile)
        $files.Name | Should -Be @('vtest.annotated.mp4', 'Megamind.annotated.mp4')
        $m = Get-Stream $files[1].FullName
        $m.r_frame_rate | Should -Be '2997/125'
        "$($m.width)x$($m.height)" | Should -Be '720x528'
        $m.nb_read_frames | Should -Be '12'
        (Get-Stream $files[0].FullName).nb_read_frames | Should -Be '10'
    }

    It '-ThrottleLimit 3 encodes the sources at once: the same frames as -ThrottleLimit 1, files and errors in input order' {
        $frames = @((New-FrameDetections $vtest (0..29)) + (New-FrameDetections $megamind (0..29)) + (New-FrameDetections $vtest (30..39) -Box 10, 10, 50, 50))
        $one = @($frames | Export-AnnotatedVideo -OutputDirectory (Join-Path $dir 'one') -ThrottleLimit 1 -Codec Mjpg -PassThruFile -WarningAction SilentlyContinue -ErrorVariable e1 -ErrorAction SilentlyContinue)
        $three = @($frames | Export-AnnotatedVideo -OutputDirectory (Join-Path $dir 'three') -ThrottleLimit 3 -Codec Mjpg -PassThruFile -WarningAction SilentlyContinue -ErrorVariable e3 -ErrorAction SilentlyContinue)
        $three.Name | Should -Be @('vtest.annotated.mp4', 'Megamind.annotated.mp4')
        $one.Name | Should -Be $three.Name
        # The source that comes back is a conflict in both, after the first two.
        @($e3).FullyQualifiedErrorId | Should -Be @("OutputPathConflict,$ExportId")
        @($e1).FullyQualifiedErrorId | Should -Be @($e3).FullyQualifiedErrorId
        # The encoder's threads differ (cores / 3 against its default), so compare what decodes, not the bytes.
        foreach ($i in 0..1) {
            (Get-Stream $three[$i].FullName).nb_read_frames | Should -Be '30'
            foreach ($f in 0, 17, 29) {
                $a = Get-Frame $one[$i].FullName $f
                $b = Get-Frame $three[$i].FullName $f
                try { Get-Difference $a $b @(0, 0, $a.Cols, $a.Rows) | Should -Be 0 }
                finally { $a.Dispose(); $b.Dispose() }
            }
        }
        Get-ChildItem (Join-Path $dir 'three') -Force -Filter '*.tmp.*' | Should -BeNullOrEmpty
    }

    It '-ThrottleLimit takes 1..64 or Auto' {
        { New-FrameDetections $vtest 0 | Export-AnnotatedVideo -OutputDirectory $dir -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.ExportAnnotatedVideoCommand'
        { New-FrameDetections $vtest 0 | Export-AnnotatedVideo -OutputDirectory $dir -ThrottleLimit 65 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.ExportAnnotatedVideoCommand'
        (New-FrameDetections $vtest 0 | Export-AnnotatedVideo -OutputDirectory $dir -ThrottleLimit auto -Codec Mjpg -PassThruFile -WarningAction SilentlyContinue).Name | Should -Be 'vtest.annotated.mp4'
    }

    It 'a second source with -Path is an OutputPathConflict; the first source''s video is still written' {
        $target = Join-Path $dir 'one.mp4'
        $r = (New-FrameDetections $vtest (0..4)) + (New-FrameDetections $megamind (0..4)) |
            Export-AnnotatedVideo -Path $target -PassThruFile -ErrorVariable e -ErrorAction SilentlyContinue
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "OutputPathConflict,$ExportId"
        $e[0].TargetObject | Should -Be $megamind
        $r.FullName | Should -Be $target
        "$((Get-Stream $target).width)" | Should -Be '768'
    }

    It 'a frame that arrives out of order is a FrameOutOfOrder error and is skipped; the video goes on' {
        $frames = New-FrameDetections $vtest @(0, 1, 2, 1, 3)
        $r = $frames | Export-AnnotatedVideo -Path (Join-Path $dir 'order.mp4') -PassThruFile -ErrorVariable e -ErrorAction SilentlyContinue
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "FrameOutOfOrder,$ExportId"
        (Get-Stream $r.FullName).nb_read_frames | Should -Be '4'
        # A frame the source does not have (vtest.avi has 795) is refused the same way; with nothing left, no file.
        New-FrameDetections $vtest 900 | Export-AnnotatedVideo -Path (Join-Path $dir 'none.mp4') -ErrorVariable e2 -ErrorAction SilentlyContinue
        @($e2).Count | Should -Be 1
        $e2[0].FullyQualifiedErrorId | Should -Be "FrameOutOfOrder,$ExportId"
        Join-Path $dir 'none.mp4' | Should -Not -Exist
        @(Get-ChildItem -LiteralPath $dir -Force).Count | Should -Be 1
    }

    It 'a source that is gone is a SourceUnavailable error and leaves nothing' {
        $copy = Join-Path $dir 'tree.avi'
        Copy-Item (Get-SharedVideo 'tree.avi') $copy
        $frames = @(New-FrameDetections $copy (0..3) -Box 10, 10, 50, 50)
        Remove-Item -LiteralPath $copy -Force
        { $frames | Export-AnnotatedVideo -Path (Join-Path $dir 'gone.mp4') -ErrorAction Stop } | Should -Throw -ErrorId "SourceUnavailable,$ExportId"
        @(Get-ChildItem -LiteralPath $dir -Force).Count | Should -Be 0
    }

    It '-Blur blurs inside the boxes instead of drawing them' {
        $r = New-FrameDetections $vtest (0..2) -Box 200, 150, 160, 120 | Export-AnnotatedVideo -Path (Join-Path $dir 'blur.avi') -Codec Mjpg -Blur -PassThruFile
        $src = Get-Frame $vtest 1; $dst = Get-Frame $r.FullName 1
        try {
            $inside = [OpenCvSharp.Rect]::new(220, 170, 120, 80)
            $sd = [OpenCvSharp.Scalar]::All(0); $m = [OpenCvSharp.Scalar]::All(0)
            [OpenCvSharp.Cv2]::MeanStdDev($src.SubMat($inside), [ref]$m, [ref]$sd); $before = $sd.Val1
            [OpenCvSharp.Cv2]::MeanStdDev($dst.SubMat($inside), [ref]$m, [ref]$sd); $after = $sd.Val1
            $after | Should -BeLessThan (0.5 * $before)
            # Control: the same box drawn (no -Blur) puts its 2-px line on x 200..201; blurred, that strip
            # changes far less (the blur only mixes it with its neighbours).
            $drawn = New-FrameDetections $vtest (0..2) -Box 200, 150, 160, 120 | Export-AnnotatedVideo -Path (Join-Path $dir 'drawn.avi') -Codec Mjpg -PassThruFile
            $lined = Get-Frame $drawn.FullName 1
            $line = @(200, 160, 2, 100)
            $withLine = Get-Difference $src $lined $line
            $withLine | Should -BeGreaterThan 30 -Because 'the drawn box''s line is there'
            (Get-Difference $src $dst $line) | Should -BeLessThan (0.5 * $withLine) -Because 'no box line is drawn on the blurred area''s edge'
            (Get-Difference $src $dst @(196, 150, 3, 120)) | Should -BeLessThan 8 -Because 'nothing is drawn beside the blurred area'
        }
        finally { $src.Dispose(); $dst.Dispose(); if ($lined) { $lined.Dispose() } }
    }

    It 'without an H.264 encoder it writes mp4v with one warning, and one that the audio is dropped; -Codec H264 then fails with EncoderUnavailable' {
        $saved = $env:VIDEODETECT_FFMPEG
        try {
            $env:VIDEODETECT_FFMPEG = 'off'
            $r = New-FrameDetections $vtest (0..4) | Export-AnnotatedVideo -Path (Join-Path $dir 'fallback.mp4') -PassThruFile -WarningVariable w -WarningAction SilentlyContinue
            @($w).Count | Should -Be 2
            "$($w[0])" | Should -Match 'mp4v.*H\.264.*VIDEODETECT_FFMPEG'
            "$($w[1])" | Should -Match 'audio is dropped.*-NoAudio'
            $s = Get-Stream $r.FullName
            $s.codec_name | Should -Be 'mpeg4'
            $s.nb_read_frames | Should -Be '5'
            { New-FrameDetections $vtest (0..4) | Export-AnnotatedVideo -Path (Join-Path $dir 'x.mp4') -Codec H264 -ErrorAction Stop } | Should -Throw -ErrorId "EncoderUnavailable,$ExportId"
            New-FrameDetections $vtest (0..4) | Export-AnnotatedVideo -Path (Join-Path $dir 'quiet.mp4') -Codec Mp4v -NoAudio -WarningVariable w2
            @($w2).Count | Should -Be 0
        }
        finally { $env:VIDEODETECT_FFMPEG = $saved }
    }

    It 'refuses an output path it cannot write a video to (InvalidOutputPath)' {
        { New-FrameDetections $vtest 0 | Export-AnnotatedVideo -Path (Join-Path $dir 'x.txt') -ErrorAction Stop } | Should -Throw -ErrorId "InvalidOutputPath,$ExportId"
        { New-FrameDetections $vtest 0 | Export-AnnotatedVideo -Path $dir -ErrorAction Stop } | Should -Throw -ErrorId "InvalidOutputPath,$ExportId"
        { New-FrameDetections $vtest 0 | Export-AnnotatedVideo -Path (Join-Path $dir 'no/such/x.mp4') -ErrorAction Stop } | Should -Throw -ErrorId "InvalidOutputPath,$ExportId"
    }
}

Describe "Export-AnnotatedVideo: the source's audio$NoTools" -Skip:(-not $HaveTools) {
    BeforeAll {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "vd-audio-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $dir | Out-Null
        # 4 s at 25 frames/s; the audio is silent until 2.0 s, then a tone: its onset marks the source's time.
        $src = Join-Path $dir 'tone.mp4'
        & ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'testsrc=size=160x120:rate=25:duration=4' -f lavfi -i "aevalsrc='if(gte(t,2),0.5*sin(2*PI*440*t),0)':s=48000:d=4" -c:v mpeg4 -q:v 5 -c:a aac $src
        if ($LASTEXITCODE -ne 0) { throw 'ffmpeg could not make the test video' }
        function Get-AudioStream([string] $Path) {
            $lines = & ffprobe -v error -select_streams a -show_entries 'stream=codec_name,duration' -of default=nw=1 $Path
            $h = @{}
            foreach ($l in $lines) { $k, $v = $l -split '=', 2; $h[$k] = $v }
            if ($h.Count) { [pscustomobject]$h }
        }
    }
    AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction Ignore }

    It 'keeps the audio cut to the exported frames and in sync; -NoAudio drops it' {
        $out = Join-Path $dir 'kept.mp4'
        New-FrameDetections $src (25..74) -Box @(20, 20, 40, 40) | Export-AnnotatedVideo -Path $out -Codec H264 -WarningVariable w
        @($w).Count | Should -Be 0
        $a = Get-AudioStream $out
        $a.codec_name | Should -Be 'aac'
        [double]$a.duration | Should -BeGreaterThan 1.97
        [double]$a.duration | Should -BeLessThan 2.03 -Because 'frames 25..74 are 2.0 s'
        # The tone starts at 2.0 s in the source: 1.0 s into the export, which begins at 1.0 s.
        $onset = & ffprobe -v error -f lavfi -i "amovie=$($out -replace '\\','/' -replace ':','\\:'),silencedetect=n=-30dB:d=0.05" -show_entries frame_tags=lavfi.silence_end -of csv=p=0 | Where-Object { $_ } | Select-Object -First 1
        [double]$onset | Should -BeGreaterThan 0.97
        [double]$onset | Should -BeLessThan 1.03

        $none = Join-Path $dir 'none.mp4'
        New-FrameDetections $src (25..74) -Box @(20, 20, 40, 40) | Export-AnnotatedVideo -Path $none -Codec H264 -NoAudio
        Get-AudioStream $none | Should -BeNullOrEmpty
        (Get-Stream $none).nb_read_frames | Should -Be '50'
    }
}
