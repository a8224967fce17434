#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Live sources (issue 28, points 1 and 2): Split-VideoClip on rtsp://, http:// and udp:// URLs cuts
# clips as the frames arrive, bounded by -For; a dropped stream is reopened (one gap warning, indices go
# on counting, nothing doubled, the clip after the gap says GapBefore); a stream that never answers is
# LiveSourceUnavailable after the reconnect budget; live clips run through ConvertTo-FrameBatch and
# Invoke-FrameDetection and their detections carry StartedAt. The servers run on 127.0.0.1, started
# here: ffmpeg for HTTP and UDP MPEG-TS, GStreamer's RTSP server (Scripts/rtsp_server.py) for RTSP.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $script:Python = Get-SystemPython
    $script:HaveRtsp = $HaveFfmpeg -and (Test-RtspServer $Python)
    $script:NoRtsp = if ($HaveRtsp) { '' } else { ' [skipped: no RTSP server: python3-gi and gir1.2-gst-rtsp-server-1.0 are not installed (build.ps1 deps installs them)]' }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $script:Python = Get-SystemPython

    # An HTTP MPEG-TS server for one client: the H.264 file looped in real time.
    function Get-HttpServerArgs([int] $Port) {
        @('-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', $Source, '-c', 'copy', '-f', 'mpegts', '-listen', '1', "http://127.0.0.1:$Port")
    }
    # Clips follow each other: every frame index once, none skipped, none doubled.
    function Assert-Contiguous($Clips) {
        $Clips[0].StartFrame | Should -Be 0
        for ($i = 1; $i -lt $Clips.Count; $i++) { $Clips[$i].StartFrame | Should -Be $Clips[$i - 1].EndFrame -Because "clip $i follows clip $($i - 1)" }
        for ($i = 1; $i -lt $Clips.Count; $i++) { $Clips[$i].StartTime | Should -BeGreaterThan $Clips[$i - 1].StartTime }
    }

    if ($HaveFfmpeg) {
        # 10 fps, a key frame every second: a reader joining a loop starts within a second.
        $script:Source = Join-Path $TestDrive 'loop.mp4'
        & ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'testsrc=size=160x120:rate=10' -t 20 -c:v libx264 -g 10 -pix_fmt yuv420p $Source
    }
}

Describe "Split-VideoClip on a live HTTP stream$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'cuts clips as the frames arrive, with increasing indices and times, and -For ends the run' {
        $port = Get-FreePort
        $server = Start-Server ffmpeg (Get-HttpServerArgs $port)
        try {
            Start-Sleep -Milliseconds 300
            $began = [DateTimeOffset]::Now
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $clips = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Length 5 -For 4s -WarningVariable warns)
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 8 -Because '-For 4s bounds the run (plus the stop)'
            $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 3.5 -Because 'clips come for as long as -For, not until an end'
        } finally { Stop-Server $server }
        $clips.Count | Should -BeGreaterOrEqual 3
        Assert-Contiguous $clips
        $clips | ForEach-Object {
            $_.SourceKind | Should -Be ([VideoDetect.Video.FrameSourceKind]::Live)
            $_.Path | Should -BeExactly "http://127.0.0.1:$port"
            $_.Video | Should -BeNullOrEmpty -Because 'a live stream has no whole (no FrameCount of a video)'
            $_.GapBefore | Should -BeNullOrEmpty
        }
        $clips[0..($clips.Count - 2)] | ForEach-Object { $_.FrameCount | Should -Be 5 }
        $clips[0].RecordingStart | Should -BeGreaterOrEqual $began -Because 'the time of day of frame 0 is its receive time'
        ($clips.RecordingStart | Select-Object -Unique).Count | Should -Be 1
        $warns.Count | Should -Be 0
    }

    It 'decodes live clips through ConvertTo-FrameBatch and Invoke-FrameDetection: every frame once, with StartedAt' {
        $port = Get-FreePort
        $server = Start-Server ffmpeg (Get-HttpServerArgs $port)
        try {
            Start-Sleep -Milliseconds 300
            $began = [DateTimeOffset]::Now
            $d = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Duration 1s -For 4s | ConvertTo-FrameBatch -BatchSize 4 | Invoke-FrameDetection)
            $ended = [DateTimeOffset]::Now
        } finally { Stop-Server $server }
        $d.Count | Should -BeGreaterThan 15
        $d.FrameIndex | Should -Be (0..($d.Count - 1)) -Because 'each frame of the stream, once, in order'
        $d | ForEach-Object { $_.Path | Should -BeExactly "http://127.0.0.1:$port" }
        $d.StartedAt | Should -Not -Contain $null
        $d[0].StartedAt | Should -BeGreaterOrEqual $began
        $d[-1].StartedAt | Should -BeLessOrEqual $ended
        for ($i = 1; $i -lt $d.Count; $i++) { $d[$i].StartedAt | Should -BeGreaterOrEqual $d[$i - 1].StartedAt }
    }

    It 'a camera that skips frames (timestamp gaps): each frame it sent once, none repeated to fill the gaps' {
        # 20 frames, a frame's time missing after every 5th (as a camera that drops frames in low light); sent once, not looped.
        # The reader once kept ffmpeg's constant-rate default for raw output and received 23 (found by bench/live.ps1).
        $gappy = Join-Path $TestDrive 'gappy.mp4'
        & ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'testsrc=size=160x120:rate=10' -frames:v 20 -vf "setpts='(N+floor(N/5))/(10*TB)'" (Get-VfrOption) passthrough -c:v libx264 -g 10 -pix_fmt yuv420p $gappy
        $port = Get-FreePort
        $server = Start-Server ffmpeg @('-hide_banner', '-loglevel', 'quiet', '-re', '-i', $gappy, '-c', 'copy', '-f', 'mpegts', '-listen', '1', "http://127.0.0.1:$port")
        try {
            Start-Sleep -Milliseconds 500
            # -For leaves room for a refused first try (a loaded machine starts the server late) and the 1 s probe.
            $clips = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Length 5 -For 8s -WarningAction SilentlyContinue)
        } finally { Stop-Server $server }
        ($clips | Measure-Object FrameCount -Sum).Sum | Should -Be 20 -Because 'the camera sent 20 frames'
        Assert-Contiguous $clips
    }
}

Describe "Stopping a live run$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'Ctrl+C (a stopped pipeline) ends the run at once and ends the ffmpeg reading the stream' {
        $port = Get-FreePort
        $server = Start-Server ffmpeg (Get-HttpServerArgs $port)
        $ps = [powershell]::Create()
        try {
            Start-Sleep -Milliseconds 300
            $null = $ps.AddCommand('Import-Module').AddArgument($ModulePath).AddStatement().AddCommand('Split-VideoClip').AddParameter('Path', "http://127.0.0.1:$port").AddParameter('Length', 5)
            $clips = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $in.Complete()   # no pipeline input: else the run waits for it
            $run = $ps.BeginInvoke($in, $clips)
            $deadline = [DateTime]::Now.AddSeconds(15)
            while ($clips.Count -lt 2 -and [DateTime]::Now -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $clips.Count | Should -BeGreaterOrEqual 2 -Because 'clips come while the stream runs (no -For: until stopped)'
            $reader = @(Get-Process ffmpeg -ErrorAction Ignore | Where-Object { $_.CommandLine -like "*-i http://127.0.0.1:$port*" })
            $reader.Count | Should -Be 1
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()   # what Ctrl+C does to a pipeline
            $run.AsyncWaitHandle.WaitOne(5000) | Should -BeTrue -Because 'the run ends'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $reader[0].WaitForExit(5000) | Should -BeTrue -Because 'the ffmpeg child is ended with the run'
        } finally { $ps.Dispose(); Stop-Server $server }
    }
}

Describe "Reconnect$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'a server killed and restarted mid-stream: the run goes on, one gap warning, indices go on, nothing doubled' {
        $port = Get-FreePort
        $server = Start-Server ffmpeg (Get-HttpServerArgs $port)
        # Kills the server 3 s in and starts it again 1.5 s later (exec: the same process id to stop at the end).
        $args2 = (Get-HttpServerArgs $port | ForEach-Object { "'$_'" }) -join ' '
        $restarter = Start-Server bash @('-c', "`"sleep 3; kill $($server.Id); sleep 1.5; exec ffmpeg $args2`"")
        try {
            Start-Sleep -Milliseconds 300
            # Through detection and tracking too: the gap reaches the tracker as Extras.GapBefore.
            $frames = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Length 5 -For 10s -ReconnectDelay 0.3 -WarningVariable warns -WarningAction SilentlyContinue -OutVariable clips |
                ConvertTo-FrameBatch -BatchSize 4 | Invoke-FrameDetection | Add-DetectionTrack)
            $clips = @($clips)
        } finally { Stop-Server $restarter; Stop-Server $server }
        $frames.FrameIndex | Should -Be (0..($frames.Count - 1)) -Because 'every frame received, once, indices going on across the gap'
        $marked = @($frames | Where-Object { $_.Extras -and $_.Extras.ContainsKey('GapBefore') })
        $marked.Count | Should -Be 1
        $marked[0].Extras.Tracker | Should -Not -BeNullOrEmpty -Because 'the tracker saw the marked frame (and started afresh there)'
        $gaps = @($warns | Where-Object { "$_" -like '*stream lost at*' })
        $gaps.Count | Should -Be 1 -Because "one drop, one warning (got: $($warns -join ' | '))"
        "$($gaps[0])" | Should -Match 'back after \d+\.\d s'
        Assert-Contiguous $clips
        $after = @($clips | Where-Object GapBefore)
        $after.Count | Should -Be 1 -Because 'the clip after the gap says so'
        $after[0].GapBefore.TotalSeconds | Should -BeGreaterThan 1
        $i = [array]::IndexOf($clips, $after[0])
        $i | Should -BeGreaterThan 0 -Because 'frames came before the drop'
        # The clip in hand at the drop ends there (IsPartial), unless the drop fell on a clip boundary: no clip spans a gap.
        ($clips[$i - 1].IsPartial -or $clips[$i - 1].FrameCount -eq 5) | Should -BeTrue
        @($clips | Where-Object IsPartial).Count | Should -BeLessOrEqual 2 -Because 'at most the clip cut by the gap and the last one'
        $clips.Count | Should -BeGreaterThan ($i + 1) -Because 'frames came after the reconnect'
        $marked[0].FrameIndex | Should -Be $after[0].StartFrame -Because 'the first frame after the gap carries the marker'
        ($after[0].StartTime - $clips[$i - 1].EndTime).TotalSeconds | Should -BeGreaterThan 1 -Because 'the times say the gap'
    }

    It 'a stream that never answers is LiveSourceUnavailable after -MaxReconnect tries' {
        $port = Get-FreePort   # nobody listens there
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $err = { Split-VideoClip -Path "http://127.0.0.1:$port/cam" -Length 5 -MaxReconnect 2 -ReconnectDelay 0.1 -ErrorAction Stop } |
            Should -Throw -ErrorId "LiveSourceUnavailable,$SplitId" -PassThru
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
        $err.Exception.Message | Should -BeLike "*127.0.0.1:$port/cam* gave no frame in 3 tries*"
        $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $err.TargetObject | Should -BeExactly "http://127.0.0.1:$port/cam"
    }
}

Describe "Split-VideoClip on a live UDP stream$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'receives MPEG-TS on udp:// and cuts clips until -Until' {
        $port = Get-FreePort
        $server = Start-Server ffmpeg @('-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', $Source, '-c', 'copy', '-f', 'mpegts', "udp://127.0.0.1:$($port)?pkt_size=1316")
        try {
            $until = [DateTimeOffset]::Now.AddSeconds(4)
            $clips = @(Split-VideoClip -Path "udp://127.0.0.1:$port" -Length 5 -Until $until)
            [DateTimeOffset]::Now | Should -BeLessThan $until.AddSeconds(3) -Because '-Until ends the run'
        } finally { Stop-Server $server }
        $last = $clips[-1]
        ($last.RecordingStart + $last.StartTime) | Should -BeLessOrEqual $until -Because 'no frame after -Until is cut'
        $clips.Count | Should -BeGreaterOrEqual 2
        Assert-Contiguous $clips
        $clips[0].SourceKind | Should -Be ([VideoDetect.Video.FrameSourceKind]::Live)
    }
}

Describe "Split-VideoClip on a live RTSP stream$NoRtsp" -Skip:(-not $HaveRtsp) {
    It 'receives rtsp:// over TCP (the default) and UDP' -ForEach @(@{ Transport = 'Tcp' }, @{ Transport = 'Udp' }) {
        $port = Get-FreePort
        $server = Start-Server $Python @((Join-Path $PSScriptRoot 'Scripts/rtsp_server.py'), $port)
        try {
            Start-Sleep -Seconds 1
            $clips = @(Split-VideoClip -Path "rtsp://127.0.0.1:$port/live" -Length 5 -For 4s -RtspTransport $Transport)
        } finally { Stop-Server $server }
        $clips.Count | Should -BeGreaterOrEqual 2
        Assert-Contiguous $clips
        $clips[0].RecordingStart | Should -Not -BeNullOrEmpty
    }
}
