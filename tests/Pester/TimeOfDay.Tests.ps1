#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for the time of day (Split-VideoClip -RecordingStart / -RecordingStartPattern /
# -TimeZone, the container's creation time) and Measure-DetectionCount, on real files and a real run.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Yolox = Join-Path $SharedModels 'yolox_nano.onnx'
    $Evening = [DateTimeOffset]::Parse('2026-12-05T22:00:00.5+01:00', [cultureinfo]::InvariantCulture)
}

Describe 'Split-VideoClip: where the recording start comes from' {
    It 'is -RecordingStart when given, on every clip, and survives Export-Clixml' {
        $clips = @(Split-VideoClip (Get-SharedVideo vtest.avi) -Length 100 -End 300 -RecordingStart '2026-12-05T22:00:00+01:00')
        $clips.Count | Should -Be 3
        foreach ($c in $clips) { $c.RecordingStart | Should -Be ([DateTimeOffset]'2026-12-05T21:00:00Z'); $c.RecordingStart.Offset | Should -Be ([timespan]'01:00:00') }
        # Shards, -ResumeFrom and -Root plan the same clips, and carry it too.
        $resume = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'resume') -Force
        $planned = @(Split-VideoClip (Get-SharedVideo vtest.avi) -Length 100 -End 300 -Shard 0/1 -ResumeFrom $resume.FullName -Root (Split-Path (Get-SharedVideo vtest.avi)) -RecordingStart '2026-12-05T22:00:00+01:00' -InformationAction Ignore)
        $planned.Count | Should -Be 3
        foreach ($c in $planned) { $c.RecordingStart | Should -Be $clips[0].RecordingStart; $c.RelativePath | Should -Be 'vtest.avi' }
        $clips | Export-Clixml (Join-Path $TestDrive 'plan.xml')
        $back = @(Import-Clixml (Join-Path $TestDrive 'plan.xml') | ConvertTo-FrameBatch -BatchSize 100 -Size 64x64)
        try {
            $back[0].Frames[0].RecordingStart | Should -Be $clips[0].RecordingStart
        }
        finally { $back | ForEach-Object Dispose }
    } -Skip:(-not $HaveShared)

    It 'is the container''s creation_time (MP4 and Matroska) without -RecordingStart, shown in -TimeZone' {
        foreach ($ext in 'mp4', 'mkv') {
            $file = Join-Path $TestDrive "stamped.$ext"
            $null = New-TestVideo -Path $file -Frames 10 -Codec @('-c:v', 'mpeg4', '-metadata', 'creation_time=2026-07-01T20:30:00Z')
            $clip = Split-VideoClip $file -Length 10 -TimeZone Europe/Berlin | Select-Object -First 1
            $clip.RecordingStart | Should -Be ([DateTimeOffset]'2026-07-01T20:30:00Z')
            $clip.RecordingStart.Offset | Should -Be ([timespan]'02:00:00') -Because 'summer time in Berlin'
            # -RecordingStart still comes first.
            (Split-VideoClip $file -Length 10 -RecordingStart '2026-01-01T00:00:00Z').RecordingStart | Should -Be ([DateTimeOffset]'2026-01-01T00:00:00Z')
        }
    } -Skip:(-not $HaveFfmpeg)

    It 'is the file name with -RecordingStartPattern, in -TimeZone, and none for a name that does not match' {
        $named = Join-Path $TestDrive 'cam3_20261205_221500.avi'
        Copy-Item (Get-SharedVideo tree.avi) $named
        $winter = Split-VideoClip $named -Length 100 -RecordingStartPattern 'cam3_yyyyMMdd_HHmmss' -TimeZone Europe/Berlin | Select-Object -First 1
        $winter.RecordingStart | Should -Be ([DateTimeOffset]'2026-12-05T22:15:00+01:00')
        $winter.RecordingStart.Offset | Should -Be ([timespan]'01:00:00')
        (Split-VideoClip $named -Length 100 -RecordingStartPattern 'cam3_yyyyMMdd_HHmmss' -TimeZone UTC | Select-Object -First 1).RecordingStart.Offset | Should -Be ([timespan]::Zero)
        # An AVI states no creation time: a name that does not match gives none, with a warning.
        $clip = Split-VideoClip (Get-SharedVideo tree.avi) -Length 100 -RecordingStartPattern 'cam3_yyyyMMdd_HHmmss' -WarningVariable w -WarningAction SilentlyContinue | Select-Object -First 1
        $clip.RecordingStart | Should -BeNullOrEmpty
        ($w -join ' ') | Should -Match 'does not match'
    } -Skip:(-not $HaveShared)

    It 'is none without any source: clips, frames and events stay in file offsets' {
        $clip = Split-VideoClip (Get-SharedVideo tree.avi) -Length 100 | Select-Object -First 1
        $clip.RecordingStart | Should -BeNullOrEmpty
    } -Skip:(-not $HaveShared)

    It 'a bad pattern or an unknown zone stops before any video is read, with InvalidRecordingStartPattern' {
        foreach ($bad in @(@{ RecordingStartPattern = 'cam3_HHmmss' }, @{ RecordingStartPattern = 'yyyyMMdd' }, @{ RecordingStartPattern = 'yyyyMMdd_HH'; TimeZone = 'Mars/Olympus_Mons' })) {
            $err = $null
            try { Split-VideoClip ./does-not-matter.avi -Length 10 @bad -ErrorAction Stop } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -Be "InvalidRecordingStartPattern,$SplitId"
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
    }
}

Describe 'Time of day through a real run' -Skip:(-not ($HaveShared -and $HaveFfmpeg -and (Test-Path -LiteralPath (Join-Path $SharedModels 'yolox_nano.onnx')))) {
    BeforeAll {
        # Two sources, the first 40 frames of vtest.avi (people walking, 10 fps): vtest.avi recorded from
        # 22:00:00.5 (+01:00), and a copy, cam4.avi, without a start. Whole files, so their results are committed.
        $short = Join-Path $TestDrive 'vtest.avi'
        $ffOut = & ffmpeg -v error -nostdin -y -i (Get-SharedVideo vtest.avi) -frames:v 40 -c:v mjpeg -q:v 3 $short 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ffmpeg failed: $ffOut" }
        $plain = Join-Path $TestDrive 'cam4.avi'
        Copy-Item $short $plain
        $clips = @(Split-VideoClip $short -Length 40 -RecordingStart $Evening) + @(Split-VideoClip $plain -Length 40)
        $script:Frames = @($clips | ConvertTo-FrameBatch -Model $Yolox | Invoke-FrameDetection -Class person | Add-DetectionTrack)
        $script:Out = Join-Path $TestDrive 'results'
        $null = $Frames | Export-FrameDetection -OutputDirectory $Out
        $script:Read = @(Import-FrameDetection $Out | Sort-Object { Split-Path -Leaf $_.Path }, FrameIndex)
    }

    It 'frames carry their time of day, and Import-FrameDetection brings it back from the header' {
        $known = @($Frames | Where-Object { $_.Path -like '*vtest.avi' })
        $known.Count | Should -Be 40
        foreach ($f in $known) { $f.StartedAt | Should -Be ($Evening + $f.Timestamp) }
        @($Frames | Where-Object { $_.Path -like '*cam4.avi' -and $_.StartedAt }).Count | Should -Be 0
        $back = @($Read | Where-Object { $_.Path -like '*vtest.avi' })
        $back.Count | Should -Be 40
        foreach ($f in $back) { $f.RecordingStart | Should -Be $Evening; $f.RecordingStart.Offset | Should -Be $Evening.Offset }
        Get-Content -LiteralPath (Join-Path $Out 'vtest.detections.jsonl') -TotalCount 1 | Should -Match '"recordingStart":"2026-12-05T22:00:00\.5\+01:00"'
    }

    It 'events get StartedAt/EndedAt, the same live and after Export-FrameDetection | Import-FrameDetection' {
        $live = @($Frames | ConvertTo-DetectionEvent | Sort-Object Path, TrackId, StartFrame)
        $again = @($Read | ConvertTo-DetectionEvent | Sort-Object Path, TrackId, StartFrame)
        $live.Count | Should -BeGreaterThan 0
        $again.Count | Should -Be $live.Count
        foreach ($e in $live) {
            if ($e.Path -like '*vtest.avi') {
                $e.StartedAt | Should -Be ($Evening + $e.StartTime)
                $e.EndedAt | Should -Be ($Evening + $e.EndTime)
                $e.StartedAt.Offset | Should -Be ([timespan]'01:00:00')
            }
            else { $e.StartedAt | Should -BeNullOrEmpty; $e.EndedAt | Should -BeNullOrEmpty }
        }
        for ($i = 0; $i -lt $live.Count; $i++) {
            $again[$i].StartedAt -eq $live[$i].StartedAt | Should -BeTrue
            $again[$i].EndedAt -eq $live[$i].EndedAt | Should -BeTrue
        }
        # Frames that went through Export-Clixml (a job, remoting) keep it too.
        $Frames | Export-Clixml (Join-Path $TestDrive 'frames.xml')
        $fromXml = @(Import-Clixml (Join-Path $TestDrive 'frames.xml') | ConvertTo-DetectionEvent | Sort-Object Path, TrackId, StartFrame)
        $fromXml.Count | Should -Be $live.Count
        for ($i = 0; $i -lt $live.Count; $i++) { $fromXml[$i].StartedAt -eq $live[$i].StartedAt | Should -BeTrue }
        # The table shows the time of day where it is known.
        ($live | Where-Object { $_.Path -like '*vtest.avi' } | Select-Object -First 1 | Format-Table | Out-String) | Should -Match '22:00:0\d\.\d{3}'
    }

    It 'Measure-DetectionCount: per source and second, tracks, peak and object-seconds as worked out from the frames' {
        $counts = @($Read | Measure-DetectionCount -Interval 1s)
        $counts.Count | Should -BeGreaterThan 0
        foreach ($source in 'vtest.avi', 'cam4.avi') {
            $own = @($Read | Where-Object { (Split-Path -Leaf $_.Path) -eq $source })
            $rows = @($counts | Where-Object { (Split-Path -Leaf $_.Path) -eq $source })
            # vtest starts at 22:00:00.5, so its seconds of the day begin half a second into the file; cam4's at 0.
            $shift = if ($source -eq 'vtest.avi') { 0.5 } else { 0 }
            $expected = @{}
            for ($i = 0; $i -lt $own.Count; $i++) {
                $t = $own[$i].Timestamp.TotalSeconds
                $span = if ($i + 1 -lt $own.Count) { $own[$i + 1].Timestamp.TotalSeconds - $t } else { $t - $own[$i - 1].Timestamp.TotalSeconds }
                $bin = [math]::Floor($t + $shift + 1e-9)   # 10 fps: every frame's span lies in one second
                if (-not $expected[$bin]) { $expected[$bin] = @{ Tracks = @{}; Peak = 0; Seconds = 0.0 } }
                $people = @($own[$i].Detections | Where-Object { $null -ne $_.TrackId -and -not $_.Stationary })
                foreach ($p in $people) { $expected[$bin].Tracks[$p.TrackId] = 1 }
                $expected[$bin].Peak = [math]::Max($expected[$bin].Peak, $people.Count)
                $expected[$bin].Seconds += $people.Count * $span
            }
            $rows.Count | Should -Be $expected.Count -Because "$source spans $($expected.Count) seconds"
            $bins = @($expected.Keys | Sort-Object)
            for ($k = 0; $k -lt $rows.Count; $k++) {
                $e = $expected[$bins[$k]]
                $rows[$k].Label | Should -Be 'person'
                $rows[$k].Tracks | Should -Be $e.Tracks.Count
                $rows[$k].Peak | Should -Be $e.Peak
                $rows[$k].ObjectSeconds | Should -BeGreaterOrEqual ($e.Seconds - 1e-6)
                $rows[$k].ObjectSeconds | Should -BeLessOrEqual ($e.Seconds + 1e-6)
            }
            if ($source -eq 'vtest.avi') {
                $rows[0].StartedAt | Should -Be ([DateTimeOffset]'2026-12-05T22:00:00+01:00')
                $rows[1].StartTime | Should -Be ([timespan]::FromSeconds(0.5))
            }
            else { $rows[0].StartedAt | Should -BeNullOrEmpty; $rows[1].StartTime | Should -Be ([timespan]::FromSeconds(1)) }
            # Some track spans a boundary: it counts in both seconds, so the seconds' tracks add up to more than the source's.
            $distinct = @($own.Detections | Where-Object { $null -ne $_.TrackId -and -not $_.Stationary } | ForEach-Object TrackId | Sort-Object -Unique).Count
            ($rows | Measure-Object Tracks -Sum).Sum | Should -BeGreaterThan $distinct
        }
        # The live frames count the same as the frames read back.
        $live = @($Frames | Measure-DetectionCount -Interval 1s | Sort-Object Path, StartTime)
        $sorted = @($counts | Sort-Object Path, StartTime)
        ($live | ForEach-Object { "$($_.Tracks)/$($_.Peak)/$($_.ObjectSeconds)" }) | Should -Be ($sorted | ForEach-Object { "$($_.Tracks)/$($_.Peak)/$($_.ObjectSeconds)" })
        ($counts | Where-Object StartedAt | Select-Object -First 1 | Format-Table | Out-String) | Should -Match '12-05 22:00:00 \+01:00'
    }

    It 'Measure-DetectionCount -Label keeps rows of zeros for a label not seen' {
        $rows = @($Read | Where-Object { $_.Path -like '*vtest.avi' } | Measure-DetectionCount -Interval 1m -Label car)
        $rows.Count | Should -Be 1
        ($rows[0].Label, $rows[0].Tracks, $rows[0].Peak, $rows[0].ObjectSeconds) | Should -Be ('car', 0, 0, 0)
        $rows[0].Interval | Should -Be ([timespan]::FromMinutes(1))
    }
}
