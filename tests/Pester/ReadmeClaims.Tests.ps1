#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Behavioural tests for documented claims (README, about_ topics, help) that had none: each runs the
# cmdlets on small generated videos and synthetic models (tests/Shared/SyntheticModels.cs) whose
# outputs are known.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $IsRoot = $IsLinux -and (& id -u) -eq '0'
    $NoAccessTest = if ($IsWindows) { ' [skipped: file modes are POSIX]' } elseif ($IsRoot) { ' [skipped: running as root, who may read every file]' } else { '' }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    Import-SyntheticModels
    $BatchId = 'VideoDetect.Commands.ConvertToFrameBatchCommand'
    $InvokeId = 'VideoDetect.Commands.InvokeFrameDetectionCommand'
    $ExportId = 'VideoDetect.Commands.ExportAnnotatedVideoCommand'
    $InfoId = 'VideoDetect.Commands.GetVideoInfoCommand'

    # A lossless (raw BGR) AVI made from an ffmpeg lavfi source, so tensor values are exact.
    function New-RawVideo([string] $Path, [string] $Source, [int] $Frames = 2) {
        $out = & ffmpeg -v error -nostdin -y -f lavfi -i $Source -frames:v $Frames -c:v rawvideo -pix_fmt bgr24 $Path 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ffmpeg failed on $Source : $out" }
        $Path
    }

    # FrameDetections made by hand (no inference): one box on each of the given frames.
    function New-Boxes([string] $Path, [long[]] $Frames) {
        foreach ($f in $Frames) {
            $d = [VideoDetect.Inference.Detection]@{ Path = $Path; FrameIndex = $f; Label = 'thing'; ClassId = 0; Confidence = 0.9; X = 10; Y = 10; Width = 30; Height = 20 }
            [VideoDetect.Inference.FrameDetections]@{ Path = $Path; FrameIndex = $f; Detections = @($d) }
        }
    }
}

Describe "Preprocessing parameters reach the tensor through ConvertTo-FrameBatch$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        # Every pixel B=192, G=64, R=32 (colour 0x2040C0 is R, G, B).
        $solid = New-RawVideo (Join-Path $TestDrive 'solid.avi') 'color=c=0x2040C0:size=16x8:rate=10'
        # Left half black, right half white: resampling shows at the edge.
        $edge = New-RawVideo (Join-Path $TestDrive 'edge.avi') 'color=c=black:size=8x8:rate=10,drawbox=x=4:y=0:w=4:h=8:color=white:t=fill'
        # Pixel (0, 0) of frame 0 as OpenCV decodes it (B, G, R), independent of the code under test:
        # ffmpeg's colour source goes through YUV, so 0x2040C0 arrives as about 31, 63, 191.
        $cap = [OpenCvSharp.VideoCapture]::new($solid, [OpenCvSharp.VideoCaptureAPIs]::FFMPEG)
        $mat = [OpenCvSharp.Mat]::new()
        try { $null = $cap.Read($mat); $px = $mat.Get[OpenCvSharp.Vec3b](0, 0); $B, $G, $R = [int]$px.Item0, [int]$px.Item1, [int]$px.Item2 }
        finally { $mat.Dispose(); $cap.Dispose() }
        function Get-Tensor([string] $Video, [hashtable] $Options) {
            $b = Split-VideoClip $Video -Length 1 -End 1 | ConvertTo-FrameBatch @Options
            try { [pscustomobject]@{ Shape = $b.Shape; Values = [float[]]$b.Tensor[0..($b.Shape[1] * $b.Shape[2] * $b.Shape[3] - 1)] } }
            finally { $b.Dispose() }
        }
    }

    It '-Mean, -Std and -Scale: value = (pixel - Mean) / Std x Scale, per channel in tensor order (RGB)' {
        $t = Get-Tensor $solid @{ Size = '16x8'; Resize = 'Stretch'; Mean = 10, 20, 30; Std = 2, 4, 8; Scale = 0.5 }
        $plane = 16 * 8
        $R, $G, $B | ForEach-Object { $_ | Should -BeGreaterThan 20 } # three different, non-zero channels
        $t.Values[0] | Should -Be (($R - 10) / 2 * 0.5)
        $t.Values[$plane] | Should -Be (($G - 20) / 4 * 0.5)
        $t.Values[2 * $plane] | Should -Be (($B - 30) / 8 * 0.5)
        $t.Values[$plane - 1] | Should -Be $t.Values[0] -Because 'the frame is one colour'
        # Defaults: mean 0, std 1, scale 1/255.
        $default = (Get-Tensor $solid @{ Size = '16x8'; Resize = 'Stretch' }).Values[0]
        [math]::Abs($default - $R / 255) | Should -BeLessThan 1e-6
    }

    It '-ChannelOrder BGR puts blue first, -Layout NHWC interleaves the channels' {
        $bgr = Get-Tensor $solid @{ Size = '16x8'; Resize = 'Stretch'; ChannelOrder = 'BGR'; Scale = 1 }
        $bgr.Values[0] | Should -Be $B
        $bgr.Values[16 * 8] | Should -Be $G
        $bgr.Values[2 * 16 * 8] | Should -Be $R
        $nhwc = Get-Tensor $solid @{ Size = '16x8'; Resize = 'Stretch'; Layout = 'NHWC'; Scale = 1 }
        $nhwc.Shape | Should -Be @(1, 8, 16, 3)
        $nhwc.Values[0..5] | Should -Be @($R, $G, $B, $R, $G, $B)
    }

    It '-PadValue fills the letterbox padding (16x8 into 16x16: 4 rows above and below)' {
        $t = Get-Tensor $solid @{ Size = '16x16'; Resize = 'Letterbox'; PadValue = 50; Scale = 1 }
        $t.Values[0] | Should -Be 50 -Because 'row 0 is padding'
        $t.Values[16 * 4] | Should -Be $R -Because 'row 4 is the picture (red channel)'
        $t.Values[16 * 15] | Should -Be 50 -Because 'row 15 is padding'
        (Get-Tensor $solid @{ Size = '16x16'; Resize = 'Letterbox'; Scale = 1 }).Values[0] | Should -Be 114 -Because 'the default pad value is 114'
    }

    It '-Interpolation: Nearest keeps the two source values, Linear and Cubic blend the edge, each differently' {
        $t = @{}
        foreach ($i in 'Nearest', 'Linear', 'Cubic', 'Area') { $t[$i] = (Get-Tensor $edge @{ Size = '32x32'; Resize = 'Stretch'; Interpolation = $i }).Values }
        @($t.Nearest | Select-Object -Unique | Sort-Object) | Should -Be @(0, 1)
        @($t.Linear | Where-Object { $_ -gt 0.01 -and $_ -lt 0.99 }).Count | Should -BeGreaterThan 0
        foreach ($pair in @('Linear', 'Nearest'), @('Cubic', 'Linear'), @('Area', 'Linear')) {
            $a, $b = $t[$pair[0]], $t[$pair[1]]
            @(0..($a.Length - 1) | Where-Object { $a[$_] -ne $b[$_] }).Count | Should -BeGreaterThan 0 -Because "$($pair[0]) and $($pair[1]) resample differently"
        }
    }
}

Describe "Decoding: a frame that fails to decode mid-video$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'gives a warning naming the missing frames, no error, and later frames keep their own indices' {
        # ffmpeg's AVI muxer writes an empty chunk for each dropped frame: the container has 33 frames,
        # frames 10..12 have no data and do not decode, as a corrupt frame does not.
        $v = Join-Path $TestDrive 'gap.avi'
        $out = & ffmpeg -v error -nostdin -y -f lavfi -i 'testsrc=size=64x48:rate=25' -frames:v 30 -vf "select='not(between(n\,10\,12))'" (Get-VfrOption) passthrough -c:v mjpeg $v 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$out"
        $b = @(Split-VideoClip $v -Length 33 | ConvertTo-FrameBatch -Size 32 -BatchSize 40 -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e -ErrorAction SilentlyContinue)
        $idx = $b.Frames.FrameIndex
        $idx | Should -Be ((0..9) + (13..32))
        $b.Frames[10].Timestamp.TotalMilliseconds | Should -Be 520 -Because 'frame 13 at 25 fps'
        @($e).Count | Should -Be 0 -Because 'a frame that fails to decode is a warning, not FrameDecodeFailed'
        @($w).Count | Should -Be 1
        "$($w[0])" | Should -Match 'frames 10\.\.12 failed to decode'
        $b | ForEach-Object { $_.Dispose() }
    }
}

Describe "Decoding: corrupt frames in an MJPEG video$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        # A 30-frame MJPEG AVI whose frames in $Zeroed have their JPEG data zeroed: the container still
        # has 30 frames (the count is Verified), the decoder rejects those packets.
        function New-CorruptVideo([string] $Path, [int[]] $Zeroed) {
            $v = New-TestVideo -Path $Path -Frames 30 -Codec @('-c:v', 'mjpeg')
            $bytes = [IO.File]::ReadAllBytes($v)
            $starts = [Collections.Generic.List[int]]::new()
            for ($i = [Array]::IndexOf($bytes, [byte]0xFF); $i -ge 0 -and $i -lt $bytes.Length - 2; $i = [Array]::IndexOf($bytes, [byte]0xFF, $i + 1)) {
                if ($bytes[$i + 1] -eq 0xD8 -and $bytes[$i + 2] -eq 0xFF) { $starts.Add($i) }
            }
            $starts.Count | Should -Be 30 -Because 'one JPEG per frame'
            foreach ($f in $Zeroed) { [Array]::Clear($bytes, $starts[$f], $starts[$f + 1] - 16 - $starts[$f]) }
            [IO.File]::WriteAllBytes($v, $bytes)
            $v
        }
    }

    It 'one corrupt frame: a warning names it, every other frame arrives with its own index, also for a clip after it' {
        $v = New-CorruptVideo (Join-Path $TestDrive 'one.avi') 12
        (Get-VideoInfo $v).FrameCount | Should -Be 30
        $b = @(Split-VideoClip $v -Length 30 | ConvertTo-FrameBatch -Size 32 -BatchSize 40 -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e -ErrorAction SilentlyContinue)
        $b.Frames.FrameIndex | Should -Be ((0..11) + (13..29))
        @($e).Count | Should -Be 0
        @($w).Count | Should -Be 1
        "$($w[0])" | Should -Match 'frames 12\.\.12 failed to decode'
        $b | ForEach-Object { $_.Dispose() }
        # A clip that starts after the corrupt frame decodes past it to its start.
        $after = @(Split-VideoClip $v -Length 10 -Start 20 | ConvertTo-FrameBatch -Size 32 -BatchSize 10 -ErrorVariable e2 -ErrorAction SilentlyContinue)
        @($e2).Count | Should -Be 0
        $after.Frames.FrameIndex | Should -Be (20..29)
        $after | ForEach-Object { $_.Dispose() }
    }

    It '-Accurate counts the frames that decode: the corrupt one is missing from the index, not the end of it' {
        $v = New-CorruptVideo (Join-Path $TestDrive 'counted.avi') 12
        $i = Get-VideoInfo $v -Accurate
        $i.FrameCountMethod | Should -Be 'Counted'
        $i.FrameCount | Should -Be 29
    }

    It 'a clip the video cannot deliver (its index promises frames that no longer decode) is FrameDecodeFailed (ReadError); the other clips go on' {
        # The index cache holds what an earlier probe learned, keyed by path, size and last-write time: a
        # file damaged in place with those kept (a restore that preserves times) still gets the old
        # index. Stored by hand here: 30 frames promised, 10 in the file.
        $v = New-TestVideo -Path (Join-Path $TestDrive 'promised.avi') -Frames 10
        $ok = New-TestVideo -Path (Join-Path $TestDrive 'ok.avi') -Frames 4
        $probed = [VideoDetect.Video.VideoProbe]::Probe($v)
        $promise = [VideoDetect.Video.ProbedVideo]::new($probed.Info, [VideoDetect.Video.VideoIndex]::ConstantRate(30, 0, 40))
        [VideoDetect.Video.VideoIndexCache]::Shared.Store([IO.FileInfo]::new($v), $promise)
        $clip = [pscustomobject]@{ Path = $v; Index = 0; StartFrame = 20; EndFrame = 25 }
        $b = @($clip, (Split-VideoClip $ok -Length 4) | ConvertTo-FrameBatch -Size 32 -BatchSize 8 -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "FrameDecodeFailed,$BatchId"
        $e[0].CategoryInfo.Category | Should -Be 'ReadError'
        $e[0].TargetObject.Path | Should -Be $v
        $b.Path | Select-Object -Unique | Should -Be $ok
        $b.Frames.FrameIndex | Should -Be (0..3)
        $b | ForEach-Object { $_.Dispose() }
    }
}

Describe "Invoke-FrameDetection on synthetic models$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        $video = New-TestVideo -Path (Join-Path $TestDrive 'src.mp4') -Frames 4 -Size '64x64'
        $meta = New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog', 2: 'hat'}"; task = 'detect' }
        # Two boxes of 20x20 input pixels, 2 px apart (IoU 18x20 / (800 - 360) = 0.82): cat 0.9 and dog 0.8.
        $overlap = Join-Path $TestDrive 'overlap.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV8Boxes($overlap, 64, 3, [float[][]]@([float[]](32, 32, 20, 20, 0, 0.9), [float[]](34, 32, 20, 20, 1, 0.8)), $meta)
        function Invoke-Overlap([hashtable] $Options) {
            Split-VideoClip $video -Length 1 -End 1 | ConvertTo-FrameBatch -Model $overlap | Invoke-FrameDetection @Options
        }
    }

    It 'per-class NMS keeps overlapping boxes of different classes; -ClassAgnostic keeps the stronger one' {
        (Invoke-Overlap @{}).Detections.Label | Should -Be @('cat', 'dog')
        (Invoke-Overlap @{ ClassAgnostic = $true }).Detections.Label | Should -Be @('cat')
    }

    It '-IouThreshold decides how much overlap suppresses (0.82 here)' {
        (Invoke-Overlap @{ ClassAgnostic = $true; IouThreshold = 0.9 }).Detections.Label | Should -Be @('cat', 'dog')
        (Invoke-Overlap @{ ClassAgnostic = $true; IouThreshold = 0.8 }).Detections.Label | Should -Be @('cat')
    }

    It '-Class with a name the model does not have is UnknownClass (terminating)' {
        { Invoke-Overlap @{ Class = 'cat', 'zebra'; ErrorAction = 'Stop' } } | Should -Throw -ErrorId "UnknownClass,$InvokeId" -ExpectedMessage "*'zebra'*"
        (Invoke-Overlap @{ Class = 'dog' }).Detections.Label | Should -Be @('dog')
    }

    It 'without names metadata, an unknown class count is named classN (class0, class1…); -Family YOLO11 is YOLOv8' {
        $bare = Join-Path $TestDrive 'bare.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV8Boxes($bare, 64, 3, [float[][]]@(, [float[]](32, 32, 20, 20, 2, 0.9)), (New-ModelMetadata @{}))
        $m = Import-DetectionModel $bare -Family YOLO11 -Provider Cpu
        $m.Family | Should -Be 'YOLOv8'
        $m.Labels | Should -Be @('class0', 'class1', 'class2')
        (Split-VideoClip $video -Length 1 -End 1 | ConvertTo-FrameBatch -Model $m | Invoke-FrameDetection).Detections.Label | Should -Be 'class2'
    }

    It 'a model that fails at run time is InferenceFailed naming the frames, non-terminating: the next batch still runs' {
        $one = Join-Path $TestDrive 'one.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV8BatchOfOneOnly($one, 64, 3, $meta)
        # Batches of 2, 1 and 1 frames (clips of 2, 1, 1: each clip's batches end with it only at the
        # end of a video, so use -BatchSize on one clip): frames 0..1 fail, 2 and 3 run.
        $r = Split-VideoClip $video -Length 4 | ConvertTo-FrameBatch -Model $one -BatchSize 3 |
            Invoke-FrameDetection -ErrorVariable e -ErrorAction SilentlyContinue
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "InferenceFailed,$InvokeId"
        $e[0].Exception.Message | Should -Match 'frames 0\.\.2'
        @($r).Count | Should -Be 1 -Because 'the last batch (frame 3) has one frame, which the model runs'
        $r[0].FrameIndex | Should -Be 3
        $r[0].Detections.Label | Should -Be 'cat'
    }

    It 'disposes each batch after use by default; -KeepBatch leaves it usable' {
        foreach ($keep in $false, $true) {
            $seen = [Collections.Generic.List[object]]::new()
            $null = Split-VideoClip $video -Length 2 -End 2 | ConvertTo-FrameBatch -Model $overlap -BatchSize 2 |
                ForEach-Object { $seen.Add($_); $_ } | Invoke-FrameDetection -KeepBatch:$keep
            $seen.Count | Should -Be 1
            $seen[0].IsDisposed | Should -Be (-not $keep)
            # (a property getter's exception is swallowed by PowerShell: call the getter to see it)
            if ($keep) { $seen[0].get_Tensor().Length | Should -Be (2 * 3 * 64 * 64); $seen[0].Dispose() }
            else { { $seen[0].get_Tensor() } | Should -Throw '*disposed*' }
        }
    }

    It 'loads a new session when the model file changes (same path, new content)' {
        $path = Join-Path $TestDrive 'changing.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV8Boxes($path, 64, 3, [float[][]]@(, [float[]](32, 32, 20, 20, 0, 0.9)), $meta)
        $first = Import-DetectionModel $path -Provider Cpu
        $size = (Get-Item $path).Length
        (Import-DetectionModel $path -Provider Cpu) | Should -Be $first -Because 'an unchanged file reuses its session'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV8Boxes($path, 64, 3, [float[][]]@(, [float[]](32, 32, 20, 20, 1, 0.9)), (New-ModelMetadata @{ names = "{0: 'owl', 1: 'elk', 2: 'emu'}"; task = 'detect' }))
        (Get-Item $path).LastWriteTime = (Get-Date).AddMinutes(1)
        (Get-Item $path).Length | Should -Be $size -Because 'only the content and the last-write time changed, not the size'
        $second = Import-DetectionModel $path -Provider Cpu
        [object]::ReferenceEquals($first, $second) | Should -BeFalse
        $second.Labels | Should -Be @('owl', 'elk', 'emu')
        (Split-VideoClip $video -Length 1 -End 1 | ConvertTo-FrameBatch -Model $path | Invoke-FrameDetection).Detections.Label | Should -Be 'elk'
    }
}

Describe "Export-AnnotatedVideo behaviour on generated videos$NoFfmpeg$NoFfprobe" -Skip:(-not $HaveFfmpeg -or -not $HaveFfprobe) {
    BeforeAll {
        $video = New-TestVideo -Path (Join-Path $TestDrive 'clip.avi') -Frames 6 -Size '96x64'
    }
    BeforeEach {
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $dir | Out-Null
    }

    It 'writes <Ext> in its container (<Format>, brand <Brand>)' -ForEach @(
        @{ Ext = 'm4v'; Format = 'mov,mp4,m4a,3gp,3g2,mj2'; Brand = 'isom' }
        @{ Ext = 'mov'; Format = 'mov,mp4,m4a,3gp,3g2,mj2'; Brand = 'qt' }
        @{ Ext = 'mkv'; Format = 'matroska,webm'; Brand = '' }
    ) {
        $f = New-Boxes $video (0..5) | Export-AnnotatedVideo -Path (Join-Path $dir "out.$Ext") -PassThruFile
        $f.Extension | Should -Be ".$Ext"
        (& ffprobe -v error -show_entries format=format_name -of default=nw=1:nk=1 $f.FullName) | Should -Be $Format
        # MP4 and QuickTime share ffprobe's demuxer: the major brand tells them apart.
        "$(& ffprobe -v error -show_entries format_tags=major_brand -of default=nw=1:nk=1 $f.FullName)".Trim() | Should -Be $Brand
        (& ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames,codec_name -of csv=p=0 $f.FullName) | Should -Be 'h264,6'
    }

    It 'an ffmpeg that fails is EncoderFailed, and nothing is left behind' {
        $fake = Join-Path $dir 'fake-ffmpeg'
        # Lists the real encoders (so libx264 is chosen) but fails every encode.
        Set-Content -LiteralPath $fake -Value "#!/bin/sh`ncase `"`$*`" in *-encoders*) exec ffmpeg `"`$@`";; esac`necho 'fake encoder: broken' >&2`nexit 1"
        & chmod +x $fake
        $saved = $env:VIDEODETECT_FFMPEG
        try {
            $env:VIDEODETECT_FFMPEG = $fake
            $out = Join-Path $dir 'x.mp4'
            New-Boxes $video (0..5) | Export-AnnotatedVideo -Path $out -ErrorVariable e -ErrorAction SilentlyContinue
            @($e).Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -Be "EncoderFailed,$ExportId"
            $e[0].CategoryInfo.Category | Should -Be 'WriteError'
            @(Get-ChildItem -LiteralPath $dir -Force -Filter '*.mp4').Count | Should -Be 0
        }
        finally { $env:VIDEODETECT_FFMPEG = $saved }
    }

    It 'two same-named sources into one -OutputDirectory: the second is OutputPathConflict, the first is written' {
        $a = Join-Path $dir 'a'; $b = Join-Path $dir 'b'
        New-Item -ItemType Directory $a, $b | Out-Null
        Copy-Item $video (Join-Path $a 'same.avi'); Copy-Item $video (Join-Path $b 'same.avi')
        $outDir = Join-Path $dir 'out'
        $r = @((New-Boxes (Join-Path $a 'same.avi') (0..2)) + (New-Boxes (Join-Path $b 'same.avi') (0..2)) |
            Export-AnnotatedVideo -OutputDirectory $outDir -PassThruFile -ErrorVariable e -ErrorAction SilentlyContinue)
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "OutputPathConflict,$ExportId"
        $e[0].TargetObject | Should -Be (Join-Path $b 'same.avi')
        $r.Name | Should -Be 'same.annotated.mp4'
        (& ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 $r[0].FullName) | Should -Be '3'
    }
}

Describe "In one fresh process: the first model load and answers to prompts on stdin$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        $video = New-TestVideo -Path (Join-Path $TestDrive 'fresh.mp4') -Frames 4 -Size '64x64'
        $exe, $rest = Get-PwshCommand
        $script = Join-Path $TestDrive 'fresh.ps1'
        Set-Content -LiteralPath $script -Value @"
Import-Module '$ModulePath'
1..2 | ForEach-Object {
    Split-VideoClip '$video' -Length 4 | ConvertTo-FrameBatch -BatchSize 4 -Verbose 4>&1 | ForEach-Object {
        if (`$_ -is [System.Management.Automation.VerboseRecord]) { 'verbose: ' + `$_.Message } else { `$_ | Invoke-FrameDetection | ForEach-Object { 'frame ' + `$_.FrameIndex } }
    }
}
`$d = [VideoDetect.Inference.FrameDetections]@{ Path = '$video'; FrameIndex = 0; Detections = @() }
`$d | Export-AnnotatedVideo -Path (Join-Path '$TestDrive' 'no.mp4') -Confirm
`$d | Export-AnnotatedVideo -Path (Join-Path '$TestDrive' 'yes.mp4') -Confirm
"@
        # The two -Confirm prompts read "n" and then "y".
        $out = @("n`ny`n" | & $exe @rest -NoProfile -File $script)
    }

    It 'BlazeFace fails the batch check and runs frame by frame, saying so in one -Verbose line per process' {
        $notes = @($out | Where-Object { $_ -match '^verbose: .*frame by frame' })
        $notes.Count | Should -Be 1 -Because "the note comes once per process: $($out -join ' | ')"
        $notes[0] | Should -Match 'face_detection_front_128x128'
        @($out | Where-Object { $_ -like 'frame *' }) | Should -Be @('frame 0', 'frame 1', 'frame 2', 'frame 3', 'frame 0', 'frame 1', 'frame 2', 'frame 3')
    }

    It '-Confirm asks per output file: No writes nothing, Yes writes it' {
        Join-Path $TestDrive 'no.mp4' | Should -Not -Exist
        Join-Path $TestDrive 'yes.mp4' | Should -Exist
    }
}

Describe 'Unreadable inputs' {
    It "a video the user may not read is VideoAccessDenied (PermissionDenied)$NoFfmpeg$NoAccessTest" -Skip:(-not $HaveFfmpeg -or $NoAccessTest) {
        $v = New-TestVideo -Path (Join-Path $TestDrive 'locked.avi') -Frames 2
        & chmod 000 $v
        try {
            Get-VideoInfo $v -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be "VideoAccessDenied,$InfoId"
            $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        finally { & chmod 644 $v }
    }
}
