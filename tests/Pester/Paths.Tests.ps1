#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# What the cmdlets that take -Path say when a path gives nothing (issue 25, "no silent success"): a
# wildcard that matches nothing is an error naming it; a name with brackets that exists as written is
# used; a folder given as a video says how to give its videos; a result folder without result files is
# a warning; a live URL given to Get-VideoInfo says live input is not supported there; -Class names the model's classes; and the
# footage-root recipe of about_VideoDetect_ResultStore fails on a missing root and warns on an empty one.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $ImportId = 'VideoDetect.Commands.ImportFrameDetectionCommand'
    $InvokeId = 'VideoDetect.Commands.InvokeFrameDetectionCommand'

    $Dir = Join-Path $TestDrive 'footage'
    New-Item -ItemType Directory $Dir | Out-Null
    if ($HaveFfmpeg) {
        # 'lobby [cam 2].avi': as a wildcard, [cam 2] is one of c, a, m, space, 2, so it matches nothing here.
        $Lobby = New-TestVideo -Path (Join-Path $Dir 'lobby [cam 2].avi') -Frames 12 -Rate 10
        # 'door[12].avi' exists as written AND the wildcard door[12].avi matches door1.avi: the wildcard wins.
        $Door = New-TestVideo -Path (Join-Path $Dir 'door[12].avi') -Frames 12 -Rate 10
        $Door1 = New-TestVideo -Path (Join-Path $Dir 'door1.avi') -Frames 14 -Rate 10
    }
}

Describe "-Path with brackets and wildcards that match nothing$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'a name with brackets that exists as written is used (Get-VideoInfo, Split-VideoClip)' {
        $info = @(Get-VideoInfo -Path $Lobby -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $info.Count | Should -Be 1
        $info[0].Path | Should -BeExactly $Lobby
        $clips = @(Split-VideoClip -Path $Lobby -Length 5 -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $clips.Count | Should -Be 3
        $clips.Path | Select-Object -Unique | Should -BeExactly $Lobby
    }

    It 'a name with brackets, relative to the current folder, is used too' {
        Push-Location $Dir
        try { (Split-VideoClip 'lobby [cam 2].avi' -Length 12).Path | Should -BeExactly $Lobby }
        finally { Pop-Location }
    }

    It 'a wildcard that matches a file wins over a file named as written (door[12].avi is door1.avi)' {
        (Get-VideoInfo -Path $Door).Path | Should -BeExactly $Door1
        (Get-VideoInfo -LiteralPath $Door).Path | Should -BeExactly $Door
    }

    It 'a wildcard that matches nothing is a VideoNotFound error naming it (Split-VideoClip, Get-VideoInfo)' {
        $pattern = Join-Path $Dir '*.mkv'
        $clips = @(Split-VideoClip -Path $pattern -Length 5 -ErrorAction SilentlyContinue -ErrorVariable errs)
        $clips.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "VideoNotFound,$SplitId"
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -BeExactly $pattern
        "$($errs[0])" | Should -BeLike "*'$pattern'*"
        { Get-VideoInfo -Path $pattern -ErrorAction Stop } | Should -Throw -ErrorId "VideoNotFound,$GetInfoId"
    }

    It 'a wildcard that matches nothing does not stop the other paths' {
        $clips = @(Split-VideoClip -Path (Join-Path $Dir 'nothing*.avi'), $Door1 -Length 7 -ErrorAction SilentlyContinue -ErrorVariable errs)
        $errs.Count | Should -Be 1
        $clips.Count | Should -Be 2
    }

    It 'a bracket name that exists neither as a wildcard nor as written is VideoNotFound' {
        $missing = Join-Path $Dir 'lobby [cam 3].avi'
        { Split-VideoClip -Path $missing -Length 5 -ErrorAction Stop } | Should -Throw -ErrorId "VideoNotFound,$SplitId" -ExpectedMessage "*lobby ``[cam 3``].avi*"
    }

    It 'a folder given as a video is PathIsDirectory, and the message says how to give its videos' {
        $e = { Split-VideoClip -Path $Dir -Length 5 -ErrorAction Stop } | Should -Throw -ErrorId "PathIsDirectory,$SplitId" -PassThru
        $e.Exception.Message | Should -BeLike '*Get-ChildItem*'
    }
}

Describe "Import-FrameDetection: brackets, wildcards and folders$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        $Results = Join-Path $TestDrive 'results'
        $frames = foreach ($f in 0..11) { [VideoDetect.Inference.FrameDetections]@{ Path = $Lobby; FrameIndex = $f; Detections = @() } }
        $Written = $frames | Export-FrameDetection -OutputDirectory $Results
        $Empty = Join-Path $TestDrive 'no-results'
        New-Item -ItemType Directory $Empty | Out-Null
    }

    It 'reads "lobby [cam 2].detections.jsonl" given to -Path' {
        $Written.Name | Should -BeExactly 'lobby [cam 2].detections.jsonl'
        $back = @(Import-FrameDetection $Written.FullName -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $back.Count | Should -Be 12
    }

    It 'a wildcard that matches no result file is ResultNotFound naming it' {
        $pattern = Join-Path $Results '*.csv'
        $e = { Import-FrameDetection $pattern -ErrorAction Stop } | Should -Throw -ErrorId "ResultNotFound,$ImportId" -PassThru
        $e.TargetObject | Should -BeExactly $pattern
    }

    It 'a folder with no result file is a warning naming it, and no error' {
        $out = @(Import-FrameDetection $Empty -WarningVariable warns -ErrorVariable errs -WarningAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errs.Count | Should -Be 0
        $warns.Count | Should -Be 1
        "$($warns[0])" | Should -BeLike "*$Empty*"
    }
}

Describe 'A live URL given to a file cmdlet is LiveSourceNotSupported, not "Cannot find drive"' -ForEach @(
    @{ Url = 'rtsp://camera.local:554/stream1' }
    @{ Url = 'http://camera.local/video.mjpg' }
    @{ Url = 'https://example.com/live.m3u8' }
    @{ Url = 'udp://239.0.0.1:1234' }
) {
    # Split-VideoClip reads live streams since issue 28 (LiveSources.Tests.ps1); Get-VideoInfo describes files only.
    It '<Url>: Get-VideoInfo' {
        $infos = @(Get-VideoInfo -Path $Url -ErrorAction SilentlyContinue -ErrorVariable errs)
        $infos.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "LiveSourceNotSupported,$GetInfoId"
        $errs[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $errs[0].TargetObject | Should -BeExactly $Url
        "$($errs[0])" | Should -BeLike '*live*not supported*'
        "$($errs[0])" | Should -Not -BeLike '*drive*'
        { Get-VideoInfo -LiteralPath $Url -ErrorAction Stop } | Should -Throw -ErrorId "LiveSourceNotSupported,$GetInfoId"
    }
}

Describe "UnknownClass lists the model's classes$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'names the class asked for and every class of the model' {
        Import-SyntheticModels
        $model = Join-Path $TestDrive 'animals.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($model, 32, 3, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog', 2: 'guinea pig'}" }))
        $e = { Split-VideoClip -LiteralPath $Door1 -Length 7 | ConvertTo-FrameBatch -Model $model -BatchSize 4 | Invoke-FrameDetection -Class zebra -ErrorAction Stop } |
            Should -Throw -ErrorId "UnknownClass,$InvokeId" -PassThru
        $e.Exception.Message | Should -BeLike "*'zebra'*"
        $e.Exception.Message | Should -BeLike '*cat, dog, guinea pig*'
    }
}

Describe 'The footage-root recipe (about_VideoDetect_ResultStore, THE FOOTAGE ROOT)' {
    BeforeAll {
        # The recipe as documented: the indented lines after the heading, up to the next heading.
        $topic = Get-Content -LiteralPath (Join-Path $ModulePath 'en-US/about_VideoDetect_ResultStore.help.txt')
        $start = [Array]::FindIndex($topic, [Predicate[string]] { $args[0] -match '^\s+THE FOOTAGE ROOT' })
        $start | Should -BeGreaterThan 0
        $block = $topic[($start + 1)..($topic.Count - 1)]
        $end = [Array]::FindIndex($block, [Predicate[string]] { $args[0] -match '^  [A-Z]' })
        $code = @($block[0..($end - 1)] | Where-Object { $_ -match '^        ' } | ForEach-Object { $_.Substring(8) })
        $code.Count | Should -BeGreaterThan 3
        $Script = Join-Path $TestDrive 'root-recipe.ps1'
        Set-Content -LiteralPath $Script -Value (@('param([string] $Footage, [string[]] $Include = @(''*.avi''))') + $code + @('"listed $($videos.Count)"'))
        $Pwsh = Get-PwshCommand

        # Runs the recipe as a scheduler does (no terminal, output redirected); returns exit code, stdout, stderr.
        function Invoke-Recipe([string] $Footage) {
            $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh[0])
            foreach ($a in @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $Script, '-Footage', $Footage)) { $psi.ArgumentList.Add("$a") }
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $p = [System.Diagnostics.Process]::Start($psi)
            $stdout = $p.StandardOutput.ReadToEndAsync(); $stderr = $p.StandardError.ReadToEnd()
            $p.WaitForExit()
            [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $stdout.Result; Err = $stderr }
        }
    }

    It 'PowerShell itself says nothing when the root is missing (the quirk the recipe guards against)' {
        $missing = Join-Path $TestDrive 'unmounted'
        @(Get-ChildItem -LiteralPath $missing -File -Recurse -Include *.avi -ErrorVariable errs).Count | Should -Be 0
        $errs.Count | Should -Be 0
    }

    It 'a missing root fails with a non-zero exit and names it' {
        $missing = Join-Path $TestDrive 'unmounted'
        $r = Invoke-Recipe $missing
        $r.ExitCode | Should -Not -Be 0
        $r.Err | Should -BeLike "*$missing*"
        $r.Out | Should -Not -BeLike '*listed*'
    }

    It 'a root that is a file fails with a non-zero exit' {
        $file = Join-Path $TestDrive 'a-file'
        Set-Content -LiteralPath $file -Value 'x'
        $r = Invoke-Recipe $file
        $r.ExitCode | Should -Not -Be 0
        $r.Err | Should -BeLike "*$file*"
    }

    It 'an empty root warns, naming it, and goes on' {
        $empty = Join-Path $TestDrive 'empty-footage'
        New-Item -ItemType Directory $empty | Out-Null
        $r = Invoke-Recipe $empty
        $r.ExitCode | Should -Be 0
        "$($r.Out)$($r.Err)" | Should -BeLike "*no video*$empty*"
        $r.Out | Should -BeLike '*listed 0*'
    }

    It "a root with videos lists them, with no warning$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
        $r = Invoke-Recipe $Dir
        $r.ExitCode | Should -Be 0
        $r.Out | Should -BeLike '*listed 3*'
        "$($r.Out)$($r.Err)" | Should -Not -BeLike '*no video*'
    }
}
