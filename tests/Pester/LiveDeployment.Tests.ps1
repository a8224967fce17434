#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Pester on a camera (issue 28, point 5): a deployment check "the camera sees a person within N s" is
# Should -HaveDetectionEvent on a live source bounded by -For. The camera is a local HTTP MPEG-TS
# stream served by ffmpeg on 127.0.0.1: people (frames of vtest.avi), or an empty scene.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    Import-Module (Join-Path (Split-Path $ModulePath -Parent) 'VideoDetect.Pester') -Force -ErrorAction Stop
    $script:Yolox = Join-Path $SharedModels 'yolox_nano.onnx'

    # One client, the file looped in real time, as a camera would send it.
    function Start-Camera([string] $File, [int] $Port) {
        $a = @('-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', $File, '-c', 'copy', '-f', 'mpegts', '-listen', '1', "http://127.0.0.1:$Port")
        $p = Start-Process -FilePath ffmpeg -ArgumentList $a -PassThru -RedirectStandardOutput (Join-Path $TestDrive "out-$Port.txt") -RedirectStandardError (Join-Path $TestDrive "err-$Port.txt")
        Start-Sleep -Milliseconds 300
        $p
    }
    function Stop-Camera($Process) {
        if ($Process -and -not $Process.HasExited) { $Process.Kill(); $Process.WaitForExit(5000) | Out-Null }
    }
    # The deployment check itself: 8 s of the camera, 2 s clips, detect, track, fold into events.
    function Invoke-CameraCheck([string] $Url) {
        Split-VideoClip -Path $Url -Duration 2s -For 8s | ConvertTo-FrameBatch -Model $Yolox |
            Invoke-FrameDetection | Add-DetectionTrack | ConvertTo-DetectionEvent
    }

    if ($HaveFfmpeg -and $HaveShared) {
        # 5 fps at half size keeps detection ahead of the stream on a small CPU; a key frame each second.
        $script:People = Join-Path $TestDrive 'people.mp4'
        & ffmpeg -hide_banner -loglevel error -y -i (Get-SharedVideo 'vtest.avi') -t 10 -vf 'fps=5,scale=384:288' -c:v libx264 -g 5 -pix_fmt yuv420p $People
        $script:Empty = Join-Path $TestDrive 'empty.mp4'
        & ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'color=c=gray:size=384x288:rate=5' -t 10 -c:v libx264 -g 5 -pix_fmt yuv420p $Empty
    }
}

Describe "Should -HaveDetectionEvent on a live camera bounded by -For$NoFfmpeg$NoShared$NoModels" -Skip:(-not $HaveFfmpeg -or -not $HaveShared -or -not $HaveModels) {
    It 'passes when the camera sees a person within 8 s' {
        $port = Get-FreePort
        $camera = Start-Camera $People $port
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Invoke-CameraCheck "http://127.0.0.1:$port" | Should -HaveDetectionEvent -Label person -Because 'people walk past camera 3'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 20 -Because '-For 8s bounds the live run'
        } finally { Stop-Camera $camera }
    }

    It 'fails on an empty scene with the operator''s message, naming the camera when given the frames' {
        $port = Get-FreePort
        $camera = Start-Camera $Empty $port
        try {
            $frames = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Duration 2s -For 8s | ConvertTo-FrameBatch -Model $Yolox |
                    Invoke-FrameDetection | Add-DetectionTrack)
        } finally { Stop-Camera $camera }
        $frames.Count | Should -BeGreaterThan 20 -Because 'the camera sent 5 fps for 8 s'
        { $frames | ConvertTo-DetectionEvent | Should -HaveDetectionEvent -Label person -Because 'camera 3 must see someone' } |
            Should -Throw -ExpectedMessage 'no person event; because camera 3 must see someone, found: nothing'
        # Frames (folded by the operator) tell it the source: a live one is named by its URL, less any credentials.
        { $frames | Should -HaveDetectionEvent -Label person } | Should -Throw -ExpectedMessage "no person event in http://127.0.0.1:$port; found: nothing"
        $frames[0].Path = "http://ops:secret@127.0.0.1:$port/cam3"
        { $frames[0] | Should -HaveDetectionEvent -Label person } | Should -Throw -ExpectedMessage "no person event in http://127.0.0.1:$port/cam3; found: nothing"
    }
}
