#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Export-FrameDetection -Segment (issue 28, point 3): a live run rolls its result files, one complete,
# Import-FrameDetection-readable file per segment, committed as the segment ends and named after its
# start (<host_port_path>.<yyyyMMddTHHmmss>.detections.jsonl); every frame in exactly one; a stop
# mid-segment leaves the finished segments and only a .partial file of the open one. A file source is
# cut the same way by the frames' offsets. The live camera is ffmpeg serving HTTP MPEG-TS on 127.0.0.1.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop

    function Start-Camera([int] $Port) {
        $a = @('-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', $Loop, '-c', 'copy', '-f', 'mpegts', '-listen', '1', "http://127.0.0.1:$Port")
        $p = Start-Process -FilePath ffmpeg -ArgumentList $a -PassThru -RedirectStandardOutput (Join-Path $TestDrive "out-$Port.txt") -RedirectStandardError (Join-Path $TestDrive "err-$Port.txt")
        Start-Sleep -Milliseconds 300
        $p
    }
    function Stop-Camera($Process) {
        if ($Process -and -not $Process.HasExited) { $Process.Kill(); $Process.WaitForExit(5000) | Out-Null }
    }
    # Every finished file's frames, read back: a file that does not read fails the test.
    function Read-Segments([string] $Folder) {
        Get-ChildItem -LiteralPath $Folder -Filter '*.detections.jsonl' | Sort-Object Name | ForEach-Object {
            [pscustomobject]@{ Name = $_.Name; Frames = @(Import-FrameDetection -Path $_.FullName -ErrorAction Stop) }
        }
    }

    if ($HaveFfmpeg) {
        $script:Loop = Join-Path $TestDrive 'loop.mp4'
        & ffmpeg -hide_banner -loglevel error -y -f lavfi -i 'testsrc=size=160x120:rate=10' -t 20 -c:v libx264 -g 10 -pix_fmt yuv420p $Loop
    }
}

Describe "Export-FrameDetection -Segment$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'rolls a live run into complete files, one per segment, every frame in exactly one' {
        $port = Get-FreePort
        $camera = Start-Camera $port
        $store = Join-Path $TestDrive 'live'
        $files = [System.Collections.Generic.List[object]]::new()
        try {
            $frames = @(Split-VideoClip -Path "http://127.0.0.1:$port" -Duration 1s -For 8s | ConvertTo-FrameBatch -BatchSize 4 | Invoke-FrameDetection |
                    Export-FrameDetection -OutputDirectory $store -Segment 3s -PassThru -PassThruFile |
                    Where-Object { if ($_ -is [IO.FileInfo]) { $files.Add($_); $false } else { $true } })
        } finally { Stop-Camera $camera }
        $segments = @(Read-Segments $store)
        $segments.Count | Should -BeGreaterOrEqual 2
        $files.Name | Should -Be $segments.Name -Because 'each segment file comes out once it is committed'
        $segments.Name | ForEach-Object { $_ | Should -Match "^127\.0\.0\.1_$port\.\d{8}T\d{6}\.detections\.jsonl$" }
        @(Get-ChildItem -LiteralPath $store -Filter '*.partial') | Should -BeNullOrEmpty
        $stored = @($segments | ForEach-Object { $_.Frames.FrameIndex })
        $stored | Should -Be @($frames.FrameIndex) -Because 'every frame in exactly one file, in order'
        $stored | Should -Be (0..($frames.Count - 1))
        # A segment's name is its start: RecordingStart + k * 3 s, so the stamps are 3 s apart.
        $stamps = @($segments.Name | ForEach-Object { [datetime]::ParseExact(($_ -split '\.')[-3], 'yyyyMMddTHHmmss', $null) })
        for ($i = 1; $i -lt $stamps.Count; $i++) { ($stamps[$i] - $stamps[$i - 1]).TotalSeconds | Should -Be 3 }
        $segments | ForEach-Object { $_.Frames[0].StartedAt | Should -Not -BeNullOrEmpty }
    }

    It 'leaves the finished segments and only a .partial file of the open one when stopped mid-segment' {
        $port = Get-FreePort
        $camera = Start-Camera $port
        $store = Join-Path $TestDrive 'stopped'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModulePath'; Split-VideoClip -Path http://127.0.0.1:$port -Duration 1s | ConvertTo-FrameBatch -BatchSize 4 | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory '$store' -Segment 2s")
            $run = $ps.BeginInvoke()
            $deadline = [DateTime]::Now.AddSeconds(15)
            while (-not (Test-Path (Join-Path $store '*.detections.jsonl')) -and [DateTime]::Now -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Milliseconds 700   # into the next segment
            $ps.Stop()
            $run.AsyncWaitHandle.WaitOne(5000) | Should -BeTrue
        } finally { $ps.Dispose(); Stop-Camera $camera }
        $segments = @(Read-Segments $store)
        $segments.Count | Should -BeGreaterOrEqual 1
        @(Get-ChildItem -LiteralPath $store -Filter '*.partial').Count | Should -Be 1 -Because 'the open segment is left unfinished, named so'
        $stored = @($segments | ForEach-Object { $_.Frames.FrameIndex })
        $stored | Should -Be (0..($stored.Count - 1)) -Because 'the finished segments hold every frame up to their end, once'
    }

    It 'cuts a file source by its frames'' offsets the same way' {
        $video = New-TestVideo -Path (Join-Path $TestDrive 'cam1.mp4') -Frames 130 -Rate 25
        $store = Join-Path $TestDrive 'file'
        $out = @(Split-VideoClip $video -Length 16 | ConvertTo-FrameBatch -BatchSize 8 | Invoke-FrameDetection | Export-FrameDetection -OutputDirectory $store -Segment 2s)
        $out.Count | Should -Be 3
        $segments = @(Read-Segments $store)
        $segments.Name | Should -Be @('cam1.t0000000.detections.jsonl', 'cam1.t0000002.detections.jsonl', 'cam1.t0000004.detections.jsonl')
        $segments | ForEach-Object { '{0}..{1}' -f $_.Frames[0].FrameIndex, $_.Frames[-1].FrameIndex } | Should -Be @('0..49', '50..99', '100..129')
        # -Path takes the stamp before its own extension; a MOT export is written whole, with a warning.
        $one = Join-Path $TestDrive 'results.jsonl'
        $named = @(Import-FrameDetection -Path (Join-Path $store 'cam1.t0000002.detections.jsonl') | Export-FrameDetection -Path $one -Segment 2s)
        $named.Name | Should -Be 'results.t0000002.jsonl'
        $mot = Import-FrameDetection -Path (Join-Path $store 'cam1.t0000000.detections.jsonl') | Export-FrameDetection -OutputDirectory (Join-Path $TestDrive 'mot') -Format Mot -Segment 2s -WarningVariable w -WarningAction SilentlyContinue
        @($mot).Count | Should -Be 1
        "$w" | Should -BeLike '*-Format Mot export is written whole*'
    }
}
