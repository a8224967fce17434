#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# What Get-VideoInfo and Split-VideoClip do with inputs that are not (readable) videos: one
# non-terminating error per bad input, with a stable FullyQualifiedErrorId, category and the path as
# TargetObject, while the other inputs are still processed.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $badFiles = @(
        @{ File = 'missing.avi'; Id = 'VideoNotFound'; Category = 'ObjectNotFound'; What = 'a file that does not exist' }
        @{ File = 'a-directory.avi'; Id = 'PathIsDirectory'; Category = 'InvalidArgument'; What = 'a directory' }
        @{ File = 'empty.avi'; Id = 'VideoEmpty'; Category = 'InvalidData'; What = 'an empty file' }
        @{ File = 'x.mp4'; Id = 'VideoUnreadable'; Category = 'InvalidData'; What = 'a text file named .mp4' }
        @{ File = 'random.avi'; Id = 'VideoUnreadable'; Category = 'InvalidData'; What = 'random bytes named .avi' }
    )
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop

    $bad = Join-Path $TestDrive 'bad'
    New-Item -ItemType Directory -Path $bad | Out-Null
    New-Item -ItemType Directory -Path (Join-Path $bad 'a-directory.avi') | Out-Null
    New-Item -ItemType File -Path (Join-Path $bad 'empty.avi') | Out-Null
    Set-Content -LiteralPath (Join-Path $bad 'x.mp4') -Value 'This is a text file, not an MP4 video.'
    $bytes = [byte[]]::new(64KB)
    [Random]::new(1234).NextBytes($bytes) # seeded: the same bytes on every run
    [IO.File]::WriteAllBytes((Join-Path $bad 'random.avi'), $bytes)
    if ($HaveShared) { $vtest = Get-SharedVideo 'vtest.avi' }
}

Describe 'Get-VideoInfo: <What> is a non-terminating <Id> error' -ForEach $badFiles {
    It 'writes exactly one error: "<Id>,VideoDetect.Commands.GetVideoInfoCommand", <Category>, TargetObject = the path' {
        $path = Join-Path $bad $File
        $out = @(Get-VideoInfo -Path $path -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$GetInfoId"
        $errs[0].CategoryInfo.Category | Should -Be $Category
        $errs[0].TargetObject | Should -BeExactly $path
    }

    It 'Split-VideoClip writes the same error: "<Id>,VideoDetect.Commands.SplitVideoClipCommand"' {
        $path = Join-Path $bad $File
        $out = @(Split-VideoClip -LiteralPath $path -Length 10 -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$SplitId"
        $errs[0].CategoryInfo.Category | Should -Be $Category
        $errs[0].TargetObject | Should -BeExactly $path
    }

    It "-ErrorAction Stop makes it terminating" {
        $path = Join-Path $bad $File
        $e = { Get-VideoInfo -Path $path -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeExactly "$Id,$GetInfoId"
    }
}

Describe "Bad inputs among good ones$NoShared" -Skip:(-not $HaveShared) {
    It 'Get-VideoInfo -Path <File>, vtest.avi returns vtest.avi''s info and one error (<What>)' -ForEach $badFiles {
        $path = Join-Path $bad $File
        $out = @(Get-VideoInfo -Path $path, $vtest -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 1
        $out[0].Path | Should -BeExactly $vtest
        $out[0].FrameCount | Should -Be 795
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "$Id,$GetInfoId"
        $errs[0].TargetObject | Should -BeExactly $path
    }

    It 'all bad files and two good ones through the pipeline: 2 infos and 5 errors, in input order' {
        $files = 'missing.avi', 'a-directory.avi', 'empty.avi', 'x.mp4', 'random.avi'
        $inputs = @($vtest) + @($files | ForEach-Object { Join-Path $bad $_ }) + @(Get-SharedVideo 'tree.avi')
        $out = @($inputs | Get-VideoInfo -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.FrameCount | Should -Be @(795, 68)
        $errs.Count | Should -Be 5
        @($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) |
            Should -Be @('VideoNotFound', 'PathIsDirectory', 'VideoEmpty', 'VideoUnreadable', 'VideoUnreadable')
        @($errs.TargetObject) | Should -Be @($inputs[1..5])
    }

    It 'Split-VideoClip cuts the good file and reports the bad one' {
        $out = @(Split-VideoClip -Path (Join-Path $bad 'random.avi'), $vtest -Length 100 -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 8
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "VideoUnreadable,$SplitId"
    }

    It '-ErrorAction Stop stops at the first bad file: nothing after it is processed' {
        $seen = [Collections.Generic.List[object]]::new()
        $e = { Get-VideoInfo -Path (Join-Path $bad 'missing.avi'), $vtest -ErrorAction Stop | ForEach-Object { $seen.Add($_) } } |
            Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeExactly "VideoNotFound,$GetInfoId"
        $seen.Count | Should -Be 0
    }

    It 'a truncated file (first 30% of vtest.avi) is not an error: the 239 frames that decode are counted' {
        $all = [IO.File]::ReadAllBytes($vtest)
        $cut = [byte[]]::new([int][math]::Floor($all.Length * 0.3))
        [Array]::Copy($all, $cut, $cut.Length)
        $path = Join-Path $TestDrive 'truncated.avi'
        [IO.File]::WriteAllBytes($path, $cut)
        $i = Get-VideoInfo -LiteralPath $path -ErrorVariable errs
        $errs.Count | Should -Be 0
        $i.ReportedFrameCount | Should -Be 795
        $i.FrameCount | Should -Be 239
        $i.FrameCountMethod | Should -Be 'Counted'
        $i.Duration | Should -Be ([timespan]::FromSeconds(23.9))
        $clips = @(Split-VideoClip -LiteralPath $path -Length 100)
        $clips.FrameCount | Should -Be @(100, 100, 39)
    }
}

Describe 'Paths that are not video files' {
    It 'a relative path that does not exist: VideoNotFound, TargetObject as typed' {
        $out = @(Get-VideoInfo -Path 'no-such-video.avi' -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "VideoNotFound,$GetInfoId"
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -BeExactly 'no-such-video.avi'
    }

    It '-LiteralPath Env:PATH: NotFileSystemPath, InvalidArgument (<Cmdlet>)' -ForEach @(
        @{ Cmdlet = 'Get-VideoInfo'; Id = 'VideoDetect.Commands.GetVideoInfoCommand'; Extra = @{} }
        @{ Cmdlet = 'Split-VideoClip'; Id = 'VideoDetect.Commands.SplitVideoClipCommand'; Extra = @{ Length = 10 } }
    ) {
        $out = @(& $Cmdlet -LiteralPath 'Env:PATH' @Extra -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "NotFileSystemPath,$Id"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -BeExactly 'Env:PATH'
    }

    It '-Path Env:PATH is NotFileSystemPath too' {
        Get-VideoInfo -Path 'Env:PATH' -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "NotFileSystemPath,$GetInfoId"
    }

    It 'a -LiteralPath that does not exist is VideoNotFound with the full path as TargetObject' {
        Push-Location -LiteralPath $bad
        try { Get-VideoInfo -LiteralPath 'gone[1].avi' -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty }
        finally { Pop-Location }
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "VideoNotFound,$GetInfoId"
        $errs[0].TargetObject | Should -BeExactly (Join-Path $bad 'gone[1].avi')
    }
}

Describe "Codecs the bundled FFmpeg decodes or not$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'VP9 in WebM decodes: 10 frames, codec VP90' {
        $path = New-TestVideo -Path (Join-Path $TestDrive 'x.webm') -Frames 10 -Rate 10 -Codec @('-c:v', 'libvpx-vp9')
        $i = Get-VideoInfo -LiteralPath $path
        $i.Codec | Should -BeExactly 'VP90'
        $i.FrameCount | Should -Be 10
    }

    It "HEVC in MP4 decodes: 10 frames, codec hevc$(if (-not (Test-FfmpegEncoder 'libx265')) { ' [skipped: ffmpeg has no libx265 encoder]' })" -Skip:(-not (Test-FfmpegEncoder 'libx265')) {
        $path = New-TestVideo -Path (Join-Path $TestDrive 'x.mp4') -Frames 10 -Rate 10 -Codec @('-c:v', 'libx265', '-x265-params', 'log-level=error')
        $i = Get-VideoInfo -LiteralPath $path
        $i.Codec | Should -BeExactly 'hevc'
        $i.FrameCount | Should -Be 10
    }

    It "AV1 opens but no frame decodes: VideoNoDecodableFrames, InvalidData$(if (-not (Test-FfmpegEncoder 'libaom-av1')) { ' [skipped: ffmpeg has no libaom-av1 encoder]' })" -Skip:(-not (Test-FfmpegEncoder 'libaom-av1')) {
        $path = New-TestVideo -Path (Join-Path $TestDrive 'x.mkv') -Frames 10 -Rate 10 -Codec @('-c:v', 'libaom-av1', '-cpu-used', '8')
        $out = @(Get-VideoInfo -LiteralPath $path -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "VideoNoDecodableFrames,$GetInfoId"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].TargetObject | Should -BeExactly $path
        $errs[0].Exception.Message | Should -BeLike "*codec 'AV01'*"
    }
}
