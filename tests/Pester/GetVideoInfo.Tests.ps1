#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Get-VideoInfo, run against the published module (out/VideoDetect or
# $env:VIDEODETECT_MODULE) with the sample videos in ../shared/videos.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
}

Describe "Get-VideoInfo on the sample videos$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        $vtest = Get-SharedVideo 'vtest.avi'
        $infos = @(Get-ChildItem -Path (Join-Path $SharedVideos '*.avi') | Get-VideoInfo)
        $byName = @{}
        foreach ($i in $infos) { $byName[[IO.Path]::GetFileName($i.Path)] = $i }
    }

    It 'returns one VideoDetect.Video.VideoInfo per AVI file, in pipeline order' {
        $infos.Count | Should -Be 4
        foreach ($i in $infos) { $i | Should -BeOfType ([VideoDetect.Video.VideoInfo]) }
        $infos.Path | Should -Be @((Get-ChildItem -Path (Join-Path $SharedVideos '*.avi')).FullName)
    }

    It '<Name>: <Frames> frames (<Method>), container says <Reported>, <Rate> fps, <Width>x<Height>, <Codec>' -ForEach @(
        @{ Name = 'vtest.avi'; Frames = 795; Reported = 795; Method = 'Verified'; Rate = '10'; Num = 10; Den = 1; Width = 768; Height = 576; Codec = 'MP43'; Cfr = $true }
        @{ Name = 'Megamind.avi'; Frames = 270; Reported = 270; Method = 'Verified'; Rate = '2997/125'; Num = 2997; Den = 125; Width = 720; Height = 528; Codec = 'FMP4'; Cfr = $true }
        @{ Name = 'Megamind_bugy.avi'; Frames = 270; Reported = 270; Method = 'Verified'; Rate = '30'; Num = 30; Den = 1; Width = 720; Height = 528; Codec = 'FMP4'; Cfr = $true }
        @{ Name = 'tree.avi'; Frames = 68; Reported = 444; Method = 'Counted'; Rate = '1000000/66667'; Num = 1000000; Den = 66667; Width = 320; Height = 240; Codec = 'cvid'; Cfr = $false }
    ) {
        $i = $byName[$Name]
        $i | Should -Not -BeNullOrEmpty
        $i.Path | Should -BeExactly (Get-SharedVideo $Name)
        $i.FrameCount | Should -Be $Frames
        $i.ReportedFrameCount | Should -Be $Reported
        $i.FrameCountMethod | Should -Be $Method
        $i.FrameCountMethod | Should -BeOfType ([VideoDetect.Video.FrameCountMethod])
        $i.FrameRate.ToString() | Should -BeExactly $Rate
        $i.FrameRate.Numerator | Should -Be $Num
        $i.FrameRate.Denominator | Should -Be $Den
        $i.FramesPerSecond | Should -Be ($Num / $Den)
        $i.Width | Should -Be $Width
        $i.Height | Should -Be $Height
        $i.Codec | Should -BeExactly $Codec
        $i.IsConstantFrameRate | Should -Be $Cfr
        $i.Length | Should -Be (Get-Item -LiteralPath $i.Path).Length
        $i.LastWriteTimeUtc | Should -Be (Get-Item -LiteralPath $i.Path).LastWriteTimeUtc
    }

    It 'vtest.avi starts at 0 and lasts exactly 79.5 s (795 frames at 10 fps)' {
        $byName['vtest.avi'].StartTime | Should -Be ([timespan]::Zero)
        $byName['vtest.avi'].Duration | Should -Be ([timespan]::FromSeconds(79.5))
    }

    It 'Megamind.avi (MPEG-4 with B-frames) starts one frame in and ends after 271 frame periods' {
        # The decoder's first timestamp is one period (125/2997 s) in; Duration runs to the end of frame 269.
        $byName['Megamind.avi'].StartTime.TotalSeconds | Should -BeGreaterOrEqual (125 / 2997 - 1e-6)
        $byName['Megamind.avi'].StartTime.TotalSeconds | Should -BeLessOrEqual (125 / 2997 + 1e-6)
        [math]::Abs($byName['Megamind.avi'].Duration.TotalSeconds - 271 * 125 / 2997) | Should -BeLessThan 1e-6
        [math]::Abs($byName['Megamind_bugy.avi'].Duration.TotalSeconds - 271 / 30) | Should -BeLessThan 1e-6
    }

    It 'tree.avi lasts from 0 to the end of its 68th decoded frame, not 444 / 15 s' {
        $byName['tree.avi'].StartTime | Should -Be ([timespan]::Zero)
        [math]::Round($byName['tree.avi'].Duration.TotalMilliseconds, 3) | Should -Be 29600.148
    }

    It 'ToString() is the full path' {
        "$($byName['vtest.avi'])" | Should -BeExactly $vtest
    }

    It '-Path with a wildcard describes every match' {
        $r = @(Get-VideoInfo -Path (Join-Path $SharedVideos 'Mega*.avi'))
        $r.Count | Should -Be 2
        @($r | ForEach-Object { [IO.Path]::GetFileName($_.Path) } | Sort-Object) | Should -Be @('Megamind.avi', 'Megamind_bugy.avi' | Sort-Object)
        $r.FrameCount | Should -Be @(270, 270)
    }

    It '-Path with a wildcard that matches nothing returns nothing and writes one VideoNotFound error naming it (issue 25: no silent success)' {
        $pattern = Join-Path $SharedVideos 'no-such-*.avi'
        $r = @(Get-VideoInfo -Path $pattern -ErrorVariable errs -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "VideoNotFound,$GetInfoId"
        $errs[0].TargetObject | Should -BeExactly $pattern
    }

    It 'binds the first positional argument and piped strings to -Path' {
        (Get-VideoInfo $vtest).FrameCount | Should -Be 795
        ($vtest | Get-VideoInfo).FrameCount | Should -Be 795
    }

    It 'binds Get-Item output by property name (PSPath -> -LiteralPath)' {
        $r = @(Get-Item -LiteralPath $vtest | Get-VideoInfo)
        $r.Count | Should -Be 1
        $r[0].FrameCount | Should -Be 795
        $r[0].Path | Should -BeExactly $vtest
    }

    It 'resolves relative paths against the current PowerShell location' {
        Push-Location -LiteralPath $SharedVideos
        try {
            [Environment]::CurrentDirectory | Should -Not -Be $SharedVideos -Because 'the test must not pass by the process directory'
            $r = Get-VideoInfo -Path ./vtest.avi
            $l = Get-VideoInfo -LiteralPath ./tree.avi
        }
        finally { Pop-Location }
        $r.Path | Should -BeExactly $vtest
        $r.FrameCount | Should -Be 795
        $l.FrameCount | Should -Be 68
    }
}

Describe "Get-VideoInfo -LiteralPath and -Accurate on a copy of vtest.avi$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        $dir = Join-Path $TestDrive 'literal'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $bracketed = Join-Path $dir 'a[1].avi'
        [IO.File]::Copy((Get-SharedVideo 'vtest.avi'), $bracketed)
    }

    It '-LiteralPath reads a file whose name contains [ and ]' {
        $r = Get-VideoInfo -LiteralPath $bracketed
        $r.Path | Should -BeExactly $bracketed
        $r.FrameCount | Should -Be 795
    }

    It '-Path treats [1] as a wildcard (matching "a1.avi"); as it matches nothing, the file of that exact name is used, with no error (issue 25)' {
        $r = @(Get-VideoInfo -Path $bracketed -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $r.Count | Should -Be 1
        $r[0].Path | Should -BeExactly $bracketed
    }

    It '-Path with the brackets escaped finds the file' {
        (Get-VideoInfo -Path ([WildcardPattern]::Escape($bracketed))).FrameCount | Should -Be 795
    }

    It 'Get-ChildItem output binds to -LiteralPath, so the brackets are not wildcards' {
        $r = @(Get-ChildItem -LiteralPath $dir | Get-VideoInfo)
        $r.Count | Should -Be 1
        $r[0].Path | Should -BeExactly $bracketed
    }

    It '-Accurate counts every frame: FrameCountMethod Counted, still 795; the counted result is reused from the cache' {
        $copy = Join-Path $dir 'accurate.avi'
        [IO.File]::Copy((Get-SharedVideo 'vtest.avi'), $copy)
        $cheap = Get-VideoInfo -LiteralPath $copy
        $cheap.FrameCountMethod | Should -Be 'Verified'
        $accurate = Get-VideoInfo -LiteralPath $copy -Accurate
        $accurate.FrameCountMethod | Should -Be 'Counted'
        $accurate.FrameCount | Should -Be 795
        $accurate.ReportedFrameCount | Should -Be 795
        $accurate.Duration | Should -Be ([timespan]::FromSeconds(79.5))
        $accurate.IsConstantFrameRate | Should -BeTrue
        (Get-VideoInfo -LiteralPath $copy).FrameCountMethod | Should -Be 'Counted'
    }

    It 'a changed file is probed again (the cache is keyed by size and last write time)' {
        $copy = Join-Path $dir 'changing.avi'
        [IO.File]::Copy((Get-SharedVideo 'vtest.avi'), $copy)
        (Get-VideoInfo -LiteralPath $copy).FrameCount | Should -Be 795
        $bytes = [IO.File]::ReadAllBytes((Get-SharedVideo 'tree.avi'))
        [IO.File]::WriteAllBytes($copy, $bytes)
        (Get-Item -LiteralPath $copy).LastWriteTimeUtc = [datetime]::UtcNow.AddMinutes(1)
        $again = Get-VideoInfo -LiteralPath $copy
        $again.FrameCount | Should -Be 68
        $again.Codec | Should -BeExactly 'cvid'
    }
}

Describe "Get-VideoInfo on videos made by ffmpeg$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        $syn = Join-Path $TestDrive 'syn'
        New-Item -ItemType Directory -Path $syn | Out-Null
    }

    It '<File> (<Note>): exactly 130 frames, <Codec>, 25 fps, with and without -Accurate' -ForEach @(
        @{ File = 'mpeg4.avi'; Codec = 'FMP4'; FfArgs = @('-c:v', 'mpeg4', '-g', '12'); Note = 'MPEG-4 part 2 in AVI, GOP 12' }
        @{ File = 'h264-bframes.mp4'; Codec = 'h264'; FfArgs = @('-c:v', 'libx264', '-bf', '3', '-g', '48'); Note = 'H.264 with 3 B-frames in MP4' }
        @{ File = 'mpeg4.mkv'; Codec = 'FMP4'; FfArgs = @('-c:v', 'mpeg4'); Note = 'Matroska: no frame count in the container' }
        @{ File = 'h264-bframes.mkv'; Codec = 'h264'; FfArgs = @('-c:v', 'libx264', '-bf', '3', '-g', '48'); Note = 'H.264 with B-frames in Matroska' }
        @{ File = 'vp9.webm'; Codec = 'VP90'; FfArgs = @('-c:v', 'libvpx-vp9'); Note = 'VP9 in WebM' }
        @{ File = 'mpeg2.mpg'; Codec = 'mpg2'; FfArgs = @('-c:v', 'mpeg2video'); Note = 'MPEG-2 program stream: the count is estimated from the duration' }
        @{ File = 'h264.ts'; Codec = 'h264'; FfArgs = @('-c:v', 'libx264', '-bf', '3'); Note = 'MPEG-TS, whose stream starts at 1.48 s' }
    ) {
        $path = New-TestVideo -Path (Join-Path $syn $File) -Frames 130 -Rate 25 -Codec $FfArgs
        $i = Get-VideoInfo -LiteralPath $path
        $i.FrameCount | Should -Be 130
        $i.Codec | Should -BeExactly $Codec
        $i.FrameRate.ToString() | Should -BeExactly '25'
        $i.Width | Should -Be 160
        $i.Height | Should -Be 120
        $i.StartTime | Should -Be ([timespan]::Zero) -Because 'times are measured from the stream start'
        $i.Duration | Should -Be ([timespan]::FromSeconds(5.2))
        $a = Get-VideoInfo -LiteralPath $path -Accurate
        $a.FrameCount | Should -Be 130
        $a.FrameCountMethod | Should -Be 'Counted'
    }

    It '<File>: ReportedFrameCount <Reported> (<Why>), FrameCountMethod <Method>' -ForEach @(
        @{ File = 'nocount.mkv'; FfArgs = @('-c:v', 'mpeg4'); Reported = 130; Method = 'Verified'; Why = 'Matroska stores no count: OpenCV derives it from the duration, and the last frame decodes where it says' }
        @{ File = 'estimate.mpg'; FfArgs = @('-c:v', 'mpeg2video'); Reported = 129; Method = 'Counted'; Why = 'an MPEG-PS estimate that misses by one, so every frame is counted' }
    ) {
        $path = New-TestVideo -Path (Join-Path $syn $File) -Frames 130 -Rate 25 -Codec $FfArgs
        $i = Get-VideoInfo -LiteralPath $path
        $i.FrameCount | Should -Be 130
        $i.ReportedFrameCount | Should -Be $Reported
        $i.FrameCountMethod | Should -Be $Method
    }

    It 'an NTSC-rate H.264 file has the exact rate 30000/1001' {
        $path = New-TestVideo -Path (Join-Path $syn 'ntsc.mp4') -Frames 100 -Rate '30000/1001' -Codec @('-c:v', 'libx264', '-bf', '2')
        $i = Get-VideoInfo -LiteralPath $path
        $i.FrameRate.ToString() | Should -BeExactly '30000/1001'
        $i.FrameCount | Should -Be 100
        [math]::Abs($i.Duration.TotalSeconds - 100 * 1001 / 30000) | Should -BeLessThan 1e-6
    }

    It 'a variable-frame-rate Matroska file is counted: 60 frames, not constant rate' {
        $path = Join-Path $syn 'vfr.mkv'
        # Keep 5 frames of every 10: bursts at 25 fps with 240 ms gaps.
        New-TestVideo -Path $path -Frames 60 -Codec @('-vf', "select='lt(mod(n\,10)\,5)'", (Get-VfrOption), 'vfr', '-c:v', 'mpeg4') | Out-Null
        $i = Get-VideoInfo -LiteralPath $path
        $i.FrameCount | Should -Be 60
        $i.FrameCountMethod | Should -Be 'Counted'
        $i.IsConstantFrameRate | Should -BeFalse
        $i.Duration | Should -Be ([timespan]::FromSeconds(4.6))
    }
}
