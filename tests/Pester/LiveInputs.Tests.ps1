#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Live input, the rest of issue 28 point 1: local capture devices (Split-VideoClip -Device; this machine
# has no camera, so the missing-device error is tested for real and the reading path in xunit on FFmpeg's
# lavfi source, see LiveDeviceTests), the stream's nominal frame rate in a live result file's header,
# and Ctrl+C as a terminal sends it (SIGINT to a child pwsh): the run ends, its ffmpeg with it, and the
# result files already finished are committed. The servers run on 127.0.0.1, started here.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Python = Get-SystemPython
    $script:HaveRtsp = $HaveFfmpeg -and (Test-RtspServer $Python)
    $script:NoRtsp = if ($HaveRtsp) { '' } else { ' [skipped: no RTSP server: python3-gi and gir1.2-gst-rtsp-server-1.0 are not installed (build.ps1 deps installs them)]' }
    $script:NoLinux = if ($IsLinux) { '' } else { ' [skipped: Video4Linux2 device nodes are Linux''s]' }
    $script:NoSignal = if ($IsWindows) { ' [skipped: SIGINT is POSIX; on Windows Ctrl+C is a console event]' } else { '' }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $script:Python = Get-SystemPython

    # HTTP MPEG-TS for one client: the file looped in real time.
    function Start-Camera([string] $File, [int] $Port) {
        $s = Start-Server ffmpeg @('-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', $File, '-c', 'copy', '-f', 'mpegts', '-listen', '1', "http://127.0.0.1:$Port")
        Start-Sleep -Milliseconds 300
        $s
    }
    # Waits until something listens on <port> (a server still starting under load), at most 15 s.
    function Wait-Listening([int] $Port) {
        $deadline = [DateTime]::Now.AddSeconds(15)
        while ([DateTime]::Now -lt $deadline) {
            $c = [System.Net.Sockets.TcpClient]::new()
            try { $c.Connect('127.0.0.1', $Port); return } catch { Start-Sleep -Milliseconds 200 } finally { $c.Dispose() }
        }
    }
    # The ffmpeg processes reading <url> (the module's children).
    function Get-Reader([string] $Url) { @(Get-Process ffmpeg -ErrorAction Ignore | Where-Object { $_.CommandLine -like "*-i $Url *" }) }
    # A live run through detection into a result file, and the file's header record.
    function Read-Header([string] $File) { Get-Content -LiteralPath $File -TotalCount 1 | ConvertFrom-Json }

    if ($HaveFfmpeg) {
        # 25 fps (the other live tests use 10): the header must say the stream's own rate.
        $script:Loop25 = Join-Path $TestDrive 'loop25.mp4'
        & ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'testsrc=size=160x120:rate=25' -t 20 -c:v libx264 -g 25 -pix_fmt yuv420p $Loop25
    }
}

Describe "Split-VideoClip -Device$NoLinux" -Skip:(-not $IsLinux) {
    It 'a device this machine does not have is CaptureDeviceNotFound at once, naming the devices it has' {
        $n = 97; while (Test-Path "/dev/video$n") { $n++ }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $err = { Split-VideoClip -Device $n -Length 5 -For 5s -ErrorAction Stop } | Should -Throw -ErrorId "CaptureDeviceNotFound,$SplitId" -PassThru
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 3 -Because 'checked before ffmpeg starts: no reconnect budget is spent on a missing camera'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -BeExactly "v4l2:///dev/video$n"
        $err.Exception.Message | Should -BeLike "*'/dev/video$n'*"
        $have = @(Get-ChildItem /dev -Filter 'video*' -ErrorAction Ignore)
        if ($have.Count -eq 0) { $err.Exception.Message | Should -BeLike '*no video capture device at all*' }
        Get-Reader "/dev/video$n" | Should -BeNullOrEmpty
    }

    It 'the device URL given to -Path is the same source, and the error is non-terminating' {
        $n = 97; while (Test-Path "/dev/video$n") { $n++ }
        $clips = @(Split-VideoClip -Path "v4l2:///dev/video$n" -Duration 1s -For 5s -ErrorVariable e -ErrorAction SilentlyContinue)
        $clips | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "CaptureDeviceNotFound,$SplitId"
    }

    It 'a device URL is a live source to the file cmdlets (LiveSourceNotSupported, not a missing file)' {
        { Get-VideoInfo -Path 'v4l2:///dev/video0' -ErrorAction Stop } | Should -Throw -ErrorId 'LiveSourceNotSupported,*'
    }
}

Describe "The frame rate in a live result file's header$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'Export-FrameDetection writes the rate the HTTP stream declares, and Import-FrameDetection reads the file back' {
        $port = Get-FreePort
        $camera = Start-Camera $Loop25 $port
        $store = Join-Path $TestDrive 'http'
        try {
            $frames = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Length 25 -For 5s | ConvertTo-FrameBatch -BatchSize 8 | Invoke-FrameDetection |
                    Export-FrameDetection -OutputDirectory $store -PassThru)
        } finally { Stop-Server $camera }
        $file = @(Get-ChildItem -LiteralPath $store -Filter '*.detections.jsonl')
        $file.Count | Should -Be 1
        $header = Read-Header $file[0].FullName
        $header.source.path | Should -BeExactly "http://127.0.0.1:$port"
        $header.source.frameRate | Should -Be '25' -Because 'the stream says 25 fps (it was 0/0)'
        $header.source.framesPerSecond | Should -Be 25
        $header.source.frameCount | Should -Be 0 -Because 'a live stream has no whole'
        $back = @(Import-FrameDetection -Path $file[0].FullName -ErrorAction Stop)
        $back.FrameIndex | Should -Be @($frames.FrameIndex)
        $back[0].StartedAt | Should -Be $frames[0].StartedAt
    }

    It 'an RTSP stream''s rate (the SDP''s 10 fps) reaches the header too' -Skip:(-not $HaveRtsp) {
        $port = Get-FreePort
        $server = Start-Server $Python @((Join-Path $PSScriptRoot 'Scripts/rtsp_server.py'), $port)
        $store = Join-Path $TestDrive 'rtsp'
        try {
            Wait-Listening $port
            $null = Split-VideoClip -Path "rtsp://127.0.0.1:$port/live" -Length 10 -For 5s | ConvertTo-FrameBatch -BatchSize 8 | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory $store
        } finally { Stop-Server $server }
        $file = @(Get-ChildItem -LiteralPath $store -Filter '*.detections.jsonl')
        $file.Count | Should -Be 1
        (Read-Header $file[0].FullName).source.frameRate | Should -Be '10'
        @(Import-FrameDetection -Path $file[0].FullName -ErrorAction Stop).Count | Should -BeGreaterThan 5
    }
}

Describe "Ctrl+C (SIGINT) on a live run in a child pwsh$NoFfmpeg$NoSignal" -Skip:(-not $HaveFfmpeg -or $IsWindows) {
    It 'ends the run and its ffmpeg, and leaves the finished segments committed (the open one .partial, resumable)' {
        if (Test-SigIntIgnored) { Set-ItResult -Skipped -Because 'SIGINT is ignored in this process (started in the background by a non-interactive shell), so its children cannot be stopped with it'; return }
        $port = Get-FreePort
        $camera = Start-Camera $Loop25 $port
        $store = Join-Path $TestDrive 'sigint'
        $script = Join-Path $TestDrive 'live.ps1'
        Set-Content -LiteralPath $script -Value @"
Import-Module '$ModulePath'
Split-VideoClip -Path http://127.0.0.1:$port -Duration 1s | ConvertTo-FrameBatch -BatchSize 8 | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory '$store' -Segment 2s
'not reached: Ctrl+C stops the script'
"@
        $pwsh = Get-PwshCommand
        $out = Join-Path $TestDrive 'child.out'
        $child = Start-Process -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script)) -PassThru -RedirectStandardOutput $out -RedirectStandardError (Join-Path $TestDrive 'child.err')
        try {
            # Wait for the first committed segment (the child starts a runtime and loads the module first).
            $deadline = [DateTime]::Now.AddSeconds(60)
            while (-not (Test-Path (Join-Path $store '*.detections.jsonl')) -and -not $child.HasExited -and [DateTime]::Now -lt $deadline) { Start-Sleep -Milliseconds 200 }
            Test-Path (Join-Path $store '*.detections.jsonl') | Should -BeTrue -Because "the child runs the live pipeline ($(Get-Content -Raw (Join-Path $TestDrive 'child.err') -ErrorAction Ignore))"
            Start-Sleep -Milliseconds 500
            $reader = Get-Reader "http://127.0.0.1:$port"
            $reader.Count | Should -Be 1
            $reader[0].Parent.Id | Should -Be $child.Id -Because 'the module''s ffmpeg, a child of the pwsh stopped'
            & kill -INT $child.Id
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $child.WaitForExit(15000) | Should -BeTrue -Because 'SIGINT stops the pipeline and the script'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            $reader[0].WaitForExit(5000) | Should -BeTrue -Because 'no ffmpeg is left behind'
        } finally {
            if (-not $child.HasExited) { $child.Kill($true) }
            Stop-Server $camera
        }
        Get-Content -Raw $out | Should -Not -BeLike '*not reached*'
        $finished = @(Get-ChildItem -LiteralPath $store -Filter '*.detections.jsonl')
        $finished.Count | Should -BeGreaterOrEqual 1
        $stored = @($finished | Sort-Object Name | ForEach-Object { Import-FrameDetection -Path $_.FullName -ErrorAction Stop } | ForEach-Object FrameIndex)
        $stored | Should -Be (0..($stored.Count - 1)) -Because 'each committed segment reads back whole, every frame once'
        @(Get-ChildItem -LiteralPath $store -Filter '*.partial').Count | Should -BeLessOrEqual 1 -Because 'at most the segment open at Ctrl+C is left unfinished, as a stopped file run leaves it'
    }
}

Describe "Which clock a live frame's time comes from$NoRtsp" -Skip:(-not $HaveRtsp) {
    # The receive clock, for every source. The facts behind it, checked here so that a change shows:
    # the RTSP server does send its own clock (RTCP sender reports), but ffmpeg/ffprobe 5.1 give it out
    # nowhere (FFmpeg keeps it in AVFormatContext.start_time_realtime, which the CLI does not print). If
    # the second assertion fails, this ffmpeg gives out the stream's clock: use it in LiveStream.
    It 'the RTSP server sends RTCP sender reports, ffprobe does not give out their clock, and RecordingStart is the receive time' {
        $port = Get-FreePort
        $server = Start-Server $Python @((Join-Path $PSScriptRoot 'Scripts/rtsp_server.py'), $port)
        try {
            Wait-Listening $port
            $reports = @(& $Python (Join-Path $PSScriptRoot 'Scripts/rtcp_probe.py') "rtsp://127.0.0.1:$port/live" 7 | ConvertFrom-Json)
            $probe = & ffprobe -hide_banner -loglevel error -rtsp_transport tcp -show_format -show_streams -of json "rtsp://127.0.0.1:$port/live" | ConvertFrom-Json
            $began = [DateTimeOffset]::Now
            $clips = @(Split-VideoClip -Path "rtsp://127.0.0.1:$port/live" -Length 5 -For 6s)
        } finally { Stop-Server $server }
        $reports.Count | Should -BeGreaterOrEqual 1 -Because 'GStreamer''s RTSP server sends a sender report every few seconds'
        [Math]::Abs($reports[0].ntp - $reports[0].received) | Should -BeLessThan 5 -Because 'its NTP time is the server''s wall clock (the same machine here)'
        $probe.format.PSObject.Properties.Name | Should -Not -Contain 'start_time_realtime'
        [double]$probe.format.start_time | Should -BeLessThan 10 -Because 'timestamps count from the first RTP packet, not from a wall clock'
        $clips.Count | Should -BeGreaterOrEqual 1
        $clips[0].RecordingStart | Should -BeGreaterOrEqual $began -Because 'frame 0''s time of day is its receive time'
        ($clips[0].RecordingStart - $began).TotalSeconds | Should -BeLessThan 10
    }
}
