#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Export-AnnotatedVideo -Segment and live sources (issue 28, point 3): a live camera's annotated video
# is drawn on the frames kept from the first decode (a live stream cannot be read twice) and rolled
# into complete, playable videos, one per segment, named like the result segments; a file is cut the
# same way. A live run killed with SIGKILL mid-segment leaves its finished segments intact and nothing
# unfinished that looks finished; Get-DetectionStore lists each segment; the same command started again
# on the same store adds new segment files and clobbers none. The camera is ffmpeg serving HTTP
# MPEG-TS on 127.0.0.1.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Pwsh = Get-PwshCommand

    function Start-Camera([int] $Port) {
        $a = @('-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', $Loop, '-c', 'copy', '-f', 'mpegts', '-listen', '1', "http://127.0.0.1:$Port")
        $p = Start-Process -FilePath ffmpeg -ArgumentList $a -PassThru -RedirectStandardOutput (Join-Path $TestDrive "out-$Port.txt") -RedirectStandardError (Join-Path $TestDrive "err-$Port.txt")
        Start-Sleep -Milliseconds 300
        $p
    }
    function Stop-Camera($Process) {
        if ($Process -and -not $Process.HasExited) { $Process.Kill(); $Process.WaitForExit(5000) | Out-Null }
    }
    # The frames a video file holds, as ffprobe decodes them (a file that does not play fails the test).
    function Get-FrameCount([string] $Path) {
        $n = & ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 $Path
        if ($LASTEXITCODE -ne 0 -or -not $n) { throw "ffprobe cannot read '$Path'." }
        [int]"$n".Trim()
    }
    # The visible finished files of a kind in a folder (hidden temporary files are not listed).
    function Get-Finished([string] $Folder, [string] $Filter) {
        @(Get-ChildItem -LiteralPath $Folder -Filter $Filter -ErrorAction SilentlyContinue | Where-Object { -not $_.Name.StartsWith('.') } | Sort-Object Name)
    }

    if ($HaveFfmpeg) {
        $script:Loop = Join-Path $TestDrive 'loop.mp4'
        & ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'testsrc=size=160x120:rate=10' -t 20 -c:v libx264 -g 10 -pix_fmt yuv420p $Loop
    }
}

Describe "Export-AnnotatedVideo -Segment$NoFfprobe" -Skip:(-not ($HaveFfmpeg -and $HaveFfprobe)) {
    It 'draws a live camera on the frames kept from the first decode, one playable video per segment, emitted as each ends' {
        $port = Get-FreePort
        $camera = Start-Camera $port
        $out = Join-Path $TestDrive 'live'
        $files = [System.Collections.Generic.List[object]]::new()
        try {
            $frames = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Duration 1s -For 8s | ConvertTo-FrameBatch -BatchSize 4 | Invoke-FrameDetection |
                    Export-AnnotatedVideo -OutputDirectory $out -Segment 3s -PassThru -PassThruFile |
                    Where-Object { if ($_ -is [IO.FileInfo]) { $files.Add($_); $false } else { $true } })
        } finally { Stop-Camera $camera }
        $videos = Get-Finished $out '*.annotated.mp4'
        $videos.Count | Should -BeGreaterOrEqual 2
        $files.Name | Should -Be $videos.Name -Because 'each segment video comes out once it is committed'
        $videos.Name | ForEach-Object { $_ | Should -Match "^127\.0\.0\.1_$port\.\d{8}T\d{6}\.annotated\.mp4$" }
        @(Get-ChildItem -LiteralPath $out -Force | Where-Object Name -Like '.*') | Should -BeNullOrEmpty -Because 'no temporary file is left'
        $counts = @($videos | ForEach-Object { Get-FrameCount $_.FullName })
        ($counts | Measure-Object -Sum).Sum | Should -Be $frames.Count -Because 'every frame drawn once, in exactly one segment'
        # Named like Export-FrameDetection -Segment's files: the start of each segment, 3 s apart.
        $stamps = @($videos.Name | ForEach-Object { [datetime]::ParseExact(($_ -split '\.')[-3], 'yyyyMMddTHHmmss', $null) })
        for ($i = 1; $i -lt $stamps.Count; $i++) { ($stamps[$i] - $stamps[$i - 1]).TotalSeconds | Should -Be 3 }
    }

    It 'draws a live camera whole without -Segment (before: SourceUnavailable, the URL was probed as a file)' {
        $port = Get-FreePort
        $camera = Start-Camera $port
        $out = Join-Path $TestDrive 'whole'
        try {
            $frames = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Duration 1s -For 5s | ConvertTo-FrameBatch -BatchSize 4 | Invoke-FrameDetection |
                    Export-AnnotatedVideo -OutputDirectory $out -PassThru)
        } finally { Stop-Camera $camera }
        $frames.Count | Should -BeGreaterThan 0
        $video = Get-Finished $out '*.annotated.mp4'
        $video.Name | Should -Be "127.0.0.1_$port.annotated.mp4"
        Get-FrameCount $video[0].FullName | Should -Be $frames.Count
    }

    It 'says SourceNotSeekable for a live source whose frames were not kept (detections read back from a file)' {
        $frames = @([VideoDetect.Inference.FrameDetections]@{ Path = 'http://127.0.0.1:9/cam'; FrameIndex = 0; SourceWidth = 160; SourceHeight = 120 })
        $frames | Export-AnnotatedVideo -OutputDirectory (Join-Path $TestDrive 'none') -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'SourceNotSeekable,*'
    }

    It 'cuts a file source by its frames'' offsets, named like the result segments' {
        $video = New-TestVideo -Path (Join-Path $TestDrive 'cam1.mp4') -Frames 130 -Rate 25
        $out = Join-Path $TestDrive 'file'
        $written = @(Split-VideoClip $video -Length 16 | ConvertTo-FrameBatch -BatchSize 8 | Invoke-FrameDetection | Export-AnnotatedVideo -OutputDirectory $out -Segment 2s -PassThruFile)
        $written.Name | Should -Be @('cam1.t0000000.annotated.mp4', 'cam1.t0000002.annotated.mp4', 'cam1.t0000004.annotated.mp4')
        $written | ForEach-Object { Get-FrameCount $_.FullName } | Should -Be @(50, 50, 30)
    }
}

Describe "A live run killed mid-segment, and started again on the same store$NoFfprobe" -Skip:(-not ($HaveFfmpeg -and $HaveFfprobe)) {
    BeforeAll {
        $script:Job = Join-Path $TestDrive 'camera-job.ps1'
        Set-Content -LiteralPath $Job -Value @'
param([string] $Module, [string] $Url, [string] $Store, [double] $For = 0)
Import-Module $Module
$split = @{ Path = $Url; Duration = [timespan]'00:00:01' }
if ($For -gt 0) { $split.For = [timespan]::FromSeconds($For) }
Split-VideoClip @split | ConvertTo-FrameBatch -BatchSize 4 | Invoke-FrameDetection |
    Export-FrameDetection -OutputDirectory $Store -Segment 2s -PassThru |
    Export-AnnotatedVideo -OutputDirectory $Store -Segment 2s | Out-Null
'@
        function Start-CameraJob([string] $Url, [string] $Store, [double] $For = 0) {
            $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh[0])
            foreach ($a in @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $Job, '-Module', $ModulePath, '-Url', $Url, '-Store', $Store, '-For', $For)) { $psi.ArgumentList.Add("$a") }
            [System.Diagnostics.Process]::Start($psi)
        }
    }

    It 'leaves whole segments only, lists each segment in Get-DetectionStore, and a restart adds segments without clobbering one' {
        $port = Get-FreePort
        $camera = Start-Camera $port
        $url = "http://127.0.0.1:$port"
        $store = Join-Path $TestDrive 'store'
        try {
            $p = Start-CameraJob $url $store
            try {
                # Killed once two segments of each kind are finished, part way into the third.
                $deadline = [datetime]::Now.AddSeconds(90)
                while (((Get-Finished $store '*.detections.jsonl').Count -lt 2 -or (Get-Finished $store '*.annotated.mp4').Count -lt 2) -and -not $p.HasExited -and [datetime]::Now -lt $deadline) { Start-Sleep -Milliseconds 50 }
                Start-Sleep -Milliseconds 800
                $p.HasExited | Should -BeFalse -Because 'the run is killed mid-way'
                $p.Kill()   # SIGKILL on Unix: no cleanup runs
                $p.WaitForExit()
            } finally { if (-not $p.HasExited) { $p.Kill() } }

            $results = Get-Finished $store '*.detections.jsonl'
            $videos = Get-Finished $store '*.annotated.mp4'
            $results.Count | Should -BeGreaterOrEqual 2
            $videos.Count | Should -BeGreaterOrEqual 2
            $stored = @($results | ForEach-Object { (Import-FrameDetection -Path $_.FullName -ErrorAction Stop).FrameIndex })
            $stored | Should -Be (0..($stored.Count - 1)) -Because 'the finished segments hold every frame up to their end, once'
            $videos | ForEach-Object { Get-FrameCount $_.FullName | Should -BeGreaterThan 0 }
            @(Get-ChildItem -LiteralPath $store -Filter '*.detections.jsonl.partial').Count | Should -Be 1 -Because 'the open segment is left unfinished, named so'
            @(Get-ChildItem -LiteralPath $store -Force -Filter '.*.tmp.mp4').Count | Should -BeLessOrEqual 1 -Because 'the open video segment is at most a hidden temporary file'

            $entries = @(Get-DetectionStore -Path $store)
            $entries.Count | Should -Be ($results.Count + 1)
            $entries.Source | Sort-Object -Unique | Should -Be $url
            $entries | ForEach-Object { $_.Segment | Should -Match '^\d{8}T\d{6}$' }
            @($entries | Where-Object State -EQ 'Done').Count | Should -Be $results.Count
            $cut = @($entries | Where-Object State -EQ 'Partial')
            $cut.Count | Should -Be 1
            $cut[0].Reason | Should -BeLike '*live segment cut short*'

            # The same command again on the same store: new segments beside the old ones, none replaced.
            $before = @{}
            foreach ($f in $results + $videos) { $before[$f.Name] = (Get-FileHash -LiteralPath $f.FullName).Hash }
            Stop-Camera $camera   # ffmpeg -listen serves one client: the camera comes back for the new run
            $camera = Start-Camera $port
            $q = Start-CameraJob $url $store -For 5
            $q.WaitForExit(120000) | Should -BeTrue
            $q.ExitCode | Should -Be 0
        } finally { Stop-Camera $camera }
        foreach ($name in $before.Keys) { (Get-FileHash -LiteralPath (Join-Path $store $name)).Hash | Should -Be $before[$name] -Because "$name was finished" }
        $after = Get-Finished $store '*.detections.jsonl'
        $after.Count | Should -BeGreaterThan $results.Count
        (Get-Finished $store '*.annotated.mp4').Count | Should -BeGreaterThan $videos.Count
        Get-Finished $store '*.annotated.mp4' | ForEach-Object { Get-FrameCount $_.FullName | Should -BeGreaterThan 0 }
        @(Get-ChildItem -LiteralPath $store -Force -Filter '.*.tmp.mp4') | Should -BeNullOrEmpty -Because 'the killed run''s temporary video was swept'
        $entries = @(Get-DetectionStore -Path $store)
        @($entries | Where-Object State -EQ 'Done').Count | Should -Be $after.Count
        @($entries | Where-Object State -EQ 'Partial').Count | Should -Be 1 -Because 'the cut segment stays as it was'
    }
}
