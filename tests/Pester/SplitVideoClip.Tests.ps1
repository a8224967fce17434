#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for Split-VideoClip: clip ranges and times, parameters, serialisation.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    if ($HaveShared) {
        $vtest = Get-SharedVideo 'vtest.avi'
        $tree = Get-SharedVideo 'tree.avi'
        $megamind = Get-SharedVideo 'Megamind.avi'
    }
    # "start-end" for every clip, with a * for a partial one: compact and exact.
    function Get-Ranges($Clips) { @($Clips | ForEach-Object { "$($_.StartFrame)-$($_.EndFrame)$(if ($_.IsPartial) { '*' })" }) }
}

Describe "Split-VideoClip on the sample videos$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        $all = @(Get-ChildItem -Path (Join-Path $SharedVideos '*.avi') | Split-VideoClip -Length 100)
        $v = @($all | Where-Object Path -EQ $vtest)
    }

    It 'Get-ChildItem *.avi | Split-VideoClip -Length 100 gives 15 VideoDetect.Video.VideoClip objects (3+3+1+8)' {
        $all.Count | Should -Be 15
        foreach ($c in $all) { $c | Should -BeOfType ([VideoDetect.Video.VideoClip]) }
        @($all | Group-Object { [IO.Path]::GetFileName($_.Path) } | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) |
            Should -Be (@('Megamind.avi=3', 'Megamind_bugy.avi=3', 'tree.avi=1', 'vtest.avi=8') | Sort-Object)
    }

    It 'a clip has exactly the properties Path, Video, Index, StartFrame, EndFrame, FrameCount, StartTime, EndTime, IsPartial, PlanStartFrame, RelativePath, Root, SourceKind, RecordingStart, GapBefore' {
        $v[0].PSObject.Properties.Name | Should -Be @('Path', 'Video', 'Index', 'StartFrame', 'EndFrame', 'FrameCount', 'StartTime', 'EndTime', 'IsPartial', 'PlanStartFrame', 'RelativePath', 'Root', 'SourceKind', 'RecordingStart', 'GapBefore')
        $v[0].RecordingStart | Should -BeNullOrEmpty -Because 'an AVI states no creation time and none was given'
        $v[0].SourceKind | Should -Be ([VideoDetect.Video.FrameSourceKind]::File) -Because 'a file is seekable and re-readable'
        $v[0].RelativePath | Should -BeNullOrEmpty -Because 'only -Root makes a clip relative'
        $v[0].Video | Should -BeOfType ([VideoDetect.Video.VideoInfo])
        $v[0].Video.Path | Should -BeExactly $vtest
        $v[0].Video.FrameCount | Should -Be 795
        $v[0].StartTime | Should -BeOfType ([timespan])
    }

    It 'vtest.avi: 8 clips; the last (Index 7) is frames 700..795, 95 frames, partial' {
        $v.Count | Should -Be 8
        $v.Index | Should -Be (0..7)
        Get-Ranges $v | Should -Be @('0-100', '100-200', '200-300', '300-400', '400-500', '500-600', '600-700', '700-795*')
        $v[7].Index | Should -Be 7
        $v[7].StartFrame | Should -Be 700
        $v[7].EndFrame | Should -Be 795
        $v[7].FrameCount | Should -Be 95
        $v[7].IsPartial | Should -BeTrue
        "$($v[7])" | Should -BeExactly 'vtest.avi[700..795)'
    }

    It 'vtest.avi (10 fps): StartTime is StartFrame x 100 ms exactly; the last EndTime is 79.5 s' {
        foreach ($c in $v) {
            $c.StartTime | Should -Be ([timespan]::FromMilliseconds(100 * $c.StartFrame))
            $c.EndTime | Should -Be ([timespan]::FromMilliseconds(100 * $c.EndFrame))
        }
        $v[7].EndTime | Should -Be ([timespan]::FromSeconds(79.5))
    }

    It 'tree.avi: one partial clip of the 68 frames that decode (not 444)' {
        $t = @($all | Where-Object Path -EQ $tree)
        Get-Ranges $t | Should -Be @('0-68*')
        $t[0].Video.ReportedFrameCount | Should -Be 444
    }

    It 'tree.avi -Length 10: contiguous clips covering exactly frames 0..68' {
        $t = @(Split-VideoClip -Path $tree -Length 10)
        Get-Ranges $t | Should -Be @('0-10', '10-20', '20-30', '30-40', '40-50', '50-60', '60-68*')
        ($t | Measure-Object -Property FrameCount -Sum).Sum | Should -Be 68
        $t[0].StartFrame | Should -Be 0
        $t[-1].EndFrame | Should -Be 68
        for ($k = 1; $k -lt $t.Count; $k++) {
            $t[$k].StartFrame | Should -Be $t[$k - 1].EndFrame
            $t[$k].StartTime | Should -Be $t[$k - 1].EndTime
        }
        $t[-1].EndTime | Should -Be $t[0].Video.Duration
    }

    It '-DropPartial leaves out each video''s short last clip: vtest.avi 7, all four 11' {
        $d = @(Get-ChildItem -Path (Join-Path $SharedVideos '*.avi') | Split-VideoClip -Length 100 -DropPartial)
        $d.Count | Should -Be 11
        $dv = @($d | Where-Object Path -EQ $vtest)
        Get-Ranges $dv | Should -Be @('0-100', '100-200', '200-300', '300-400', '400-500', '500-600', '600-700')
        @($d | Where-Object Path -EQ $tree).Count | Should -Be 0
    }

    It 'VideoInfo objects piped from Get-VideoInfo bind to -InputObject (-Length)' {
        $c = @(Get-VideoInfo -Path $vtest | Split-VideoClip -Length 400)
        Get-Ranges $c | Should -Be @('0-400', '400-795*')
        $c = @(Split-VideoClip -InputObject (Get-VideoInfo -Path $vtest) -Length 400)
        Get-Ranges $c | Should -Be @('0-400', '400-795*')
    }

    It 'VideoInfo objects piped from Get-VideoInfo can be cut by -Duration' {
        $c = @(Get-VideoInfo -Path $vtest | Split-VideoClip -Duration 40)
        Get-Ranges $c | Should -Be @('0-400', '400-795*')
    }

    It 'files piped from Get-ChildItem can be cut by -Duration' {
        $c = @(Get-Item -LiteralPath $vtest | Split-VideoClip -Duration 40)
        Get-Ranges $c | Should -Be @('0-400', '400-795*')
    }

    It '-Accurate counts the frames first and cuts the same clips' {
        $copy = Join-Path $TestDrive 'accurate.avi'
        [IO.File]::Copy($vtest, $copy)
        $c = @(Split-VideoClip -LiteralPath $copy -Length 100 -Accurate)
        Get-Ranges $c | Should -Be @('0-100', '100-200', '200-300', '300-400', '400-500', '500-600', '600-700', '700-795*')
        $c[0].Video.FrameCountMethod | Should -Be 'Counted'
        $c[7].EndTime | Should -Be ([timespan]::FromSeconds(79.5))
    }
}

Describe "Split-VideoClip timestamps of tree.avi against ffprobe$NoShared$NoFfprobe" -Skip:(-not ($HaveShared -and $HaveFfprobe)) {
    BeforeAll {
        # ffprobe prints each decoded frame's pts in seconds; OpenCV measures from the stream's start time.
        $startTime = [double](& ffprobe -v error -select_streams v:0 -show_entries stream=start_time -of csv=p=0 $tree | Select-Object -First 1)
        $ptsMs = @(& ffprobe -v error -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 $tree |
                Where-Object { $_ -match '\d' } | ForEach-Object { ([double]($_.Trim().TrimEnd(','))) - $startTime } | ForEach-Object { $_ * 1000 })
    }

    It 'ffprobe decodes 68 frames of tree.avi at irregular times (the premise of these tests)' {
        $ptsMs.Count | Should -Be 68
        [math]::Round($ptsMs[1] - $ptsMs[0]) | Should -Not -Be ([math]::Round($ptsMs[2] - $ptsMs[1]))
    }

    It '-Length 10: clip k starts at the (10k+1)-th decoded timestamp, within 1 ms' {
        $t = @(Split-VideoClip -Path $tree -Length 10)
        $t.Count | Should -Be 7
        for ($k = 0; $k -lt $t.Count; $k++) {
            [math]::Abs($t[$k].StartTime.TotalMilliseconds - $ptsMs[10 * $k]) | Should -BeLessThan 1 -Because "clip $k starts at frame $(10 * $k)"
        }
        [math]::Abs($t[1].StartTime.TotalMilliseconds - 4466.689) | Should -BeLessThan 1
    }

    It '-Length 1: every one of the 68 clips starts at its frame''s decoded timestamp, within 1 ms' {
        $t = @(Split-VideoClip -Path $tree -Length 1)
        $t.Count | Should -Be 68
        for ($k = 0; $k -lt 68; $k++) {
            [math]::Abs($t[$k].StartTime.TotalMilliseconds - $ptsMs[$k]) | Should -BeLessThan 1 -Because "frame $k"
        }
        [math]::Abs($t[67].EndTime.TotalMilliseconds - ($ptsMs[67] + 66.667)) | Should -BeLessThan 1
    }

    It '-Duration 5: each clip holds exactly the frames whose timestamps fall in its 5 s window' {
        $t = @(Split-VideoClip -Path $tree -Duration 5)
        $expected = for ($w = 0; $w * 5000 -lt $ptsMs[-1] + 66.667; $w++) {
            $in = @(0..67 | Where-Object { $ptsMs[$_] -ge $w * 5000 - 0.5 -and $ptsMs[$_] -lt ($w + 1) * 5000 - 0.5 })
            if ($in.Count) { "$($in[0])-$($in[-1] + 1)" }
        }
        @($t | ForEach-Object { "$($_.StartFrame)-$($_.EndFrame)" }) | Should -Be @($expected)
        $t[-1].IsPartial | Should -BeTrue
        ($t | Measure-Object -Property FrameCount -Sum).Sum | Should -Be 68
    }
}

Describe "Split-VideoClip parameters on vtest.avi (795 frames, 10 fps)$NoShared" -Skip:(-not $HaveShared) {
    It '-Stride 50 (smaller than -Length 100) overlaps: starts 0, 50, ... 700, then stops' {
        $c = @(Split-VideoClip -Path $vtest -Length 100 -Stride 50)
        $c.StartFrame | Should -Be @(0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700)
        $c[-1].EndFrame | Should -Be 795
        $c[-1].IsPartial | Should -BeTrue
        @($c | Where-Object IsPartial).Count | Should -Be 1
    }

    It '-Stride 150 (larger than -Length 100) skips: starts 0, 150, ... 750' {
        $c = @(Split-VideoClip -Path $vtest -Length 100 -Stride 150)
        Get-Ranges $c | Should -Be @('0-100', '150-250', '300-400', '450-550', '600-700', '750-795*')
    }

    It '-Stride ''5s'' (a time) is converted with the frame rate: the same as -Stride 50' {
        (Split-VideoClip -Path $vtest -Length 100 -Stride '5s').StartFrame |
            Should -Be (Split-VideoClip -Path $vtest -Length 100 -Stride 50).StartFrame
    }

    It '-Start 100 -End 400 (frames): <Expected>' -ForEach @(@{ Expected = '100-200 200-300 300-400' }) {
        (Get-Ranges (Split-VideoClip -Path $vtest -Length 100 -Start 100 -End 400)) -join ' ' | Should -Be $Expected
    }

    It '-Start 10 -End 300 (frames, not seconds): 10-110 110-210 210-300*' {
        (Get-Ranges (Split-VideoClip -Path $vtest -Length 100 -Start 10 -End 300)) -join ' ' | Should -Be '10-110 110-210 210-300*'
    }

    It '-Start/-End as <Kind> mean 10 s and 30 s: frames 100..300' -ForEach @(
        @{ Kind = 'quoted strings ''10s'' / ''30s'''; Start = '10s'; End = '30s' }
        @{ Kind = 'strings "00:00:10" / "00:00:30"'; Start = '00:00:10'; End = '00:00:30' }
        @{ Kind = '[timespan]'; Start = [timespan]::FromSeconds(10); End = [timespan]::FromSeconds(30) }
        @{ Kind = 'milliseconds ''10000ms'' / ''30000ms'''; Start = '10000ms'; End = '30000ms' }
    ) {
        $c = @(Split-VideoClip -Path $vtest -Length 100 -Start $Start -End $End)
        Get-Ranges $c | Should -Be @('100-200', '200-300')
        $c[0].StartTime | Should -Be ([timespan]::FromSeconds(10))
        $c[-1].EndTime | Should -Be ([timespan]::FromSeconds(30))
    }

    It 'unquoted 10s / 30s, which PowerShell parses as [short], mean seconds' {
        (10s).GetType() | Should -Be ([short])
        Get-Ranges (Split-VideoClip -Path $vtest -Length 100 -Start 10s -End 30s) | Should -Be @('100-200', '200-300')
    }

    It 'unquoted 2.5s is [short]2 before the cmdlet sees it: -End 2.5s means 2 s (frame 20), ''2.5s'' means 2.5 s' {
        (2.5s) | Should -Be 2
        Get-Ranges (Split-VideoClip -Path $vtest -Length 10 -End 2.5s) | Should -Be @('0-10', '10-20')
        Get-Ranges (Split-VideoClip -Path $vtest -Length 10 -End '2.5s') | Should -Be @('0-10', '10-20', '20-25*')
    }

    It '-Start ''10s'' counts from the first frame (Megamind.avi''s first frame is shown at 41.7 ms)' {
        $c = @(Split-VideoClip -Path $megamind -Length 10 -Start '10s' -End 260)
        $c[0].StartFrame | Should -Be 240
        [math]::Abs($c[0].StartTime.TotalSeconds - 241 * 125 / 2997) | Should -BeLessThan 1e-6
    }

    It '-Duration <Label> on vtest.avi gives 8 clips of 100 frames, the last 95 and partial' -ForEach @(
        @{ Label = '10 (seconds)'; Value = 10 }
        @{ Label = '[timespan] 00:00:10'; Value = [timespan]'00:00:10' }
        @{ Label = '''10s'''; Value = '10s' }
        @{ Label = '"00:00:10"'; Value = '00:00:10' }
    ) {
        $c = @(Split-VideoClip -Path $vtest -Duration $Value)
        Get-Ranges $c | Should -Be @('0-100', '100-200', '200-300', '300-400', '400-500', '500-600', '600-700', '700-795*')
        $c[7].StartTime | Should -Be ([timespan]::FromSeconds(70))
        $c[7].EndTime | Should -Be ([timespan]::FromSeconds(79.5))
    }

    It '-Duration 2.5 (a fractional number of seconds) -End 100: four clips of 25 frames, none partial' {
        Get-Ranges (Split-VideoClip -Path $vtest -Duration 2.5 -End 100) | Should -Be @('0-25', '25-50', '50-75', '75-100')
    }

    It '-Duration 10 -DropPartial gives 7 clips' {
        @(Split-VideoClip -Path $vtest -Duration 10 -DropPartial).Count | Should -Be 7
    }

    It 'a range with no frames in it (-Start 1000) gives a warning and no clips' {
        $c = @(Split-VideoClip -Path $vtest -Length 100 -Start 1000 -WarningVariable w -WarningAction SilentlyContinue)
        $c.Count | Should -Be 0
        $w.Count | Should -Be 1
        "$($w[0])" | Should -BeLike 'vtest.avi:*none of its 795 frames*'
    }
}

Describe 'Split-VideoClip parameter validation (before any file is read)' {
    BeforeAll { $nowhere = Join-Path $TestDrive 'never-read.avi' }

    It '<Case> fails with <Id>, <Category>' -ForEach @(
        @{ Case = '-Length 0'; Params = @{ Length = 0 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Case = '-Stride -1'; Params = @{ Length = 100; Stride = -1 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Case = '-Stride 0'; Params = @{ Length = 100; Stride = 0 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Case = '-Duration 0'; Params = @{ Duration = 0 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Case = '-Duration -1'; Params = @{ Duration = -1 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Case = '-Start -1'; Params = @{ Length = 100; Start = -1 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Case = '-End 0'; Params = @{ Length = 100; End = 0 }; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Case = '-Stride 2.5 (not a whole frame)'; Params = @{ Length = 100; Stride = 2.5 }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Case = '-Start ''soon'''; Params = @{ Length = 100; Start = 'soon' }; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Case = '-Start 500 -End 100'; Params = @{ Length = 100; Start = 500; End = 100 }; Id = 'InvalidClipRange'; Category = 'InvalidArgument' }
        @{ Case = '-Start 100 -End 100'; Params = @{ Length = 100; Start = 100; End = 100 }; Id = 'InvalidClipRange'; Category = 'InvalidArgument' }
        @{ Case = '-Start ''50s'' -End ''10s'''; Params = @{ Length = 100; Start = '50s'; End = '10s' }; Id = 'InvalidClipRange'; Category = 'InvalidArgument' }
        @{ Case = '-Length 100 -Duration 5 (two parameter sets)'; Params = @{ Length = 100; Duration = 5 }; Id = 'AmbiguousParameterSet'; Category = 'InvalidArgument' }
    ) {
        $p = $Params
        $e = { Split-VideoClip -Path $nowhere @p } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeExactly "$Id,$SplitId"
        $e.CategoryInfo.Category | Should -Be $Category
    }
}

Describe "Clips survive serialisation$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        $clips = @(Split-VideoClip -Path $vtest, $tree -Length 100)
        $scalar = 'Path', 'Index', 'StartFrame', 'EndFrame', 'FrameCount', 'StartTime', 'EndTime', 'IsPartial'
    }

    It 'Export-Clixml / Import-Clixml keeps every property, including .Video and .Video.FrameRate' {
        $file = Join-Path $TestDrive 'plan.xml'
        $clips | Export-Clixml -LiteralPath $file
        $back = @(Import-Clixml -LiteralPath $file)
        $back.Count | Should -Be 9
        $back[0].PSObject.TypeNames[0] | Should -BeExactly 'Deserialized.VideoDetect.Video.VideoClip'
        for ($k = 0; $k -lt $clips.Count; $k++) {
            foreach ($name in $scalar) { $back[$k].$name | Should -Be $clips[$k].$name -Because "clip $k $name" }
            $back[$k].StartTime | Should -BeOfType ([timespan])
            $back[$k].Video.FrameCount | Should -Be $clips[$k].Video.FrameCount
            $back[$k].Video.ReportedFrameCount | Should -Be $clips[$k].Video.ReportedFrameCount
            $back[$k].Video.FrameRate.Numerator | Should -Be $clips[$k].Video.FrameRate.Numerator
            $back[$k].Video.FrameRate.Denominator | Should -Be $clips[$k].Video.FrameRate.Denominator
            $back[$k].Video.Duration | Should -Be $clips[$k].Video.Duration
        }
        $back[8].Video.FrameRate.Numerator | Should -Be 1000000
    }

    It 'ConvertTo-Json -Depth 5 / ConvertFrom-Json keeps every property' {
        $back = @($clips | ConvertTo-Json -Depth 5 | ConvertFrom-Json)
        $back.Count | Should -Be 9
        for ($k = 0; $k -lt $clips.Count; $k++) {
            foreach ($name in 'Path', 'Index', 'StartFrame', 'EndFrame', 'FrameCount', 'IsPartial') {
                $back[$k].$name | Should -Be $clips[$k].$name -Because "clip $k $name"
            }
            $back[$k].StartTime.Ticks | Should -Be $clips[$k].StartTime.Ticks
            $back[$k].EndTime.Ticks | Should -Be $clips[$k].EndTime.Ticks
            $back[$k].Video.FrameCount | Should -Be $clips[$k].Video.FrameCount
            $back[$k].Video.FrameRate.Numerator | Should -Be $clips[$k].Video.FrameRate.Numerator
            $back[$k].Video.FrameRate.Denominator | Should -Be $clips[$k].Video.FrameRate.Denominator
        }
    }
}

Describe "Split-VideoClip on videos made by ffmpeg$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'a 130-frame MPEG-4 AVI cut with -Length 50 gives 50, 50, 30 (partial)' {
        $path = New-TestVideo -Path (Join-Path $TestDrive 'syn.avi') -Frames 130 -Rate 25 -Codec @('-c:v', 'mpeg4', '-g', '12')
        (Get-VideoInfo -LiteralPath $path).FrameCount | Should -Be 130
        $c = @(Split-VideoClip -LiteralPath $path -Length 50)
        $c.FrameCount | Should -Be @(50, 50, 30)
        $c.IsPartial | Should -Be @($false, $false, $true)
        $c[2].StartTime | Should -Be ([timespan]::FromSeconds(4))
        $c[2].EndTime | Should -Be ([timespan]::FromSeconds(5.2))
    }

    It 'a variable-frame-rate file cut with -Duration 1 gives clips of 15, 10, 15, 10, 10 frames, by timestamp' {
        $path = Join-Path $TestDrive 'vfr.mkv'
        # 5 of every 10 frames of a 25 fps source: bursts 40 ms apart, then a 240 ms gap.
        New-TestVideo -Path $path -Frames 60 -Codec @('-vf', "select='lt(mod(n\,10)\,5)'", (Get-VfrOption), 'vfr', '-c:v', 'mpeg4') | Out-Null
        $c = @(Split-VideoClip -LiteralPath $path -Duration 1)
        $c.FrameCount | Should -Be @(15, 10, 15, 10, 10)
        $c.StartFrame | Should -Be @(0, 15, 25, 40, 50)
        $c.StartTime.TotalMilliseconds | Should -Be @(0, 1200, 2000, 3200, 4000)
        $c.IsPartial | Should -Be @($false, $false, $false, $false, $true)
    }
}
