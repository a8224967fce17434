#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Issue 27, point 4: the events database. Export-DetectionEvent -Database writes SQLite (WAL, a busy
# timeout, one transaction per source), Import-DetectionEvent reads it back equal; two processes
# write one file at once; a locked or read-only file is OutputWriteFailed per source, a file that is
# not ours InvalidEventDatabase; the sqlite3 command line reads it. Events are hand-made for the
# rules (their sources are real files made here); one real pipeline with a synthetic YOLOv5 model
# fills the videos row from the result store.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $HaveSqlite3 = $null -ne (Get-Command sqlite3 -CommandType Application -ErrorAction Ignore)
    $NoSqlite3 = if ($HaveSqlite3) { '' } else { ' [skipped: the sqlite3 command line is not installed (build.ps1 deps installs it)]' }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $ExportId = 'VideoDetect.Commands.ExportDetectionEventCommand'
    $ImportId = 'VideoDetect.Commands.ImportDetectionEventCommand'

    # $Count events of $Path, tracks 1.., one a second, with a time of day when $Start is given.
    function New-Events([string] $Path, [int] $Count, [Nullable[datetimeoffset]] $Start = $null, [string] $Label = 'person') {
        foreach ($i in 1..$Count) {
            $t = [timespan]::FromSeconds($i - 0.6)
            [VideoDetect.Events.DetectionEvent]@{ Path = $Path; Label = $Label; ClassId = 0; TrackId = $i; Region = 'Dock'
                StartFrame = 10 * $i - 6; EndFrame = 10 * $i + 20; StartTime = $t; EndTime = $t + [timespan]::FromSeconds(2.6)
                StartedAt = $(if ($Start) { $Start + $t }); EndedAt = $(if ($Start) { $Start + $t + [timespan]::FromSeconds(2.6) })
                FrameCount = 25; MaxConfidence = 0.5 + $i / 1000; PeakFrame = 10 * $i; X = 1.5 * $i; Y = 2.25; Width = 30.125; Height = 61.5 }
        }
    }

    # The module's own Microsoft.Data.Sqlite (loaded by the module when it first writes; loaded here for the checks).
    $null = [Reflection.Assembly]::LoadFrom((Join-Path $ModulePath 'Microsoft.Data.Sqlite.dll'))
    function Get-Row([string] $Db, [string] $Sql) {
        $c = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Db;Mode=ReadOnly;Pooling=False")
        try { $c.Open(); $cmd = $c.CreateCommand(); $cmd.CommandText = $Sql; $cmd.ExecuteScalar() } finally { $c.Dispose() }
    }

    # Starts a child pwsh running $Script (written to a file: Start-Process does not quote arguments).
    function Start-Child([string] $Name, [string] $Script) {
        $file = Join-Path $TestDrive "$Name.ps1"
        Set-Content -LiteralPath $file -Value $Script
        $pwsh = Get-PwshCommand
        Start-Process -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + '-NoProfile', '-File', $file) -PassThru
    }

    $Cam1 = Join-Path $TestDrive 'cam1.mp4'
    $Cam2 = Join-Path $TestDrive 'cam2.mp4'
    Set-Content -LiteralPath $Cam1, $Cam2 -Value 'footage'
}

Describe 'Export-DetectionEvent -Database and Import-DetectionEvent' {
    It 'writes events and reads them back equal, property by property, in the order written' {
        $db = Join-Path $TestDrive 'roundtrip.db'
        $night = [datetimeoffset]::new(2026, 12, 4, 23, 15, 0, [timespan]::FromHours(1))
        $events = @(New-Events $Cam1 3 $night) + @(New-Events $Cam2 2 -Label car)
        $events[1].SnapshotPath = '/snaps/cam1.person-2.jpg'; $events[1].Kind = 'Crossing'; $events[1].Line = 'Gate'; $events[1].Direction = 'In'; $events[1].Stationary = $true
        $out = @($events | Export-DetectionEvent -Database $db -PassThru)
        $out.Count | Should -Be 5
        $back = @(Import-DetectionEvent -Database $db)
        $back.Count | Should -Be 5
        for ($i = 0; $i -lt 5; $i++) {
            foreach ($p in $events[$i].PSObject.Properties.Name) { $back[$i].$p | Should -Be $events[$i].$p -Because "event $i $p" }
        }
        Get-Row $db 'PRAGMA journal_mode' | Should -Be 'wal'
        Get-Row $db "SELECT recording_start FROM videos WHERE path = '$Cam1'" | Should -Be '2026-12-04T23:15:00+01:00'
        Get-Row $db "SELECT source_size FROM videos WHERE path = '$Cam1'" | Should -Be (Get-Item $Cam1).Length
    }

    It 'is idempotent per source: a re-run replaces that source''s rows, the others stay' {
        $db = Join-Path $TestDrive 'rerun.db'
        @(New-Events $Cam1 3) + @(New-Events $Cam2 2) | Export-DetectionEvent -Database $db
        New-Events $Cam1 3 | Export-DetectionEvent -Database $db
        @(Import-DetectionEvent $db).Count | Should -Be 5
        New-Events $Cam1 1 -Label dog | Export-DetectionEvent -Database $db
        @(Import-DetectionEvent $db -Video cam1.mp4).Label | Should -Be @('dog')
        @(Import-DetectionEvent $db -Video cam2.mp4).Count | Should -Be 2
    }

    It 'filters by label, video (wildcards, or Get-ChildItem output), track, and time of day or offset' {
        $db = Join-Path $TestDrive 'filters.db'
        $night = [datetimeoffset]::new(2026, 12, 4, 23, 0, 0, [timespan]::FromHours(1))
        @(New-Events $Cam1 4 $night) + @(New-Events $Cam2 2 -Label car) | Export-DetectionEvent -Database $db
        @(Import-DetectionEvent $db -Label 'PER*').Count | Should -Be 4
        @(Import-DetectionEvent $db -Video '*2.mp4').Label | Should -Be @('car', 'car')
        @(Get-Item $Cam2 | Import-DetectionEvent $db).Count | Should -Be 2
        @(Import-DetectionEvent $db -TrackId 2).Count | Should -Be 2
        @(Import-DetectionEvent $db -After '2s').StartTime.TotalSeconds | Should -Be @(2.4, 3.4)
        @(Import-DetectionEvent $db -Before ([timespan]::FromSeconds(1))).Count | Should -Be 2
        # 22:00:02Z is 23:00:02+01:00: cam1's tracks 3 and 4 start after; cam2's events have no time of day.
        @(Import-DetectionEvent $db -After '2026-12-04T22:00:02Z').TrackId | Should -Be @(3, 4)
        @(Import-DetectionEvent $db -Before ([datetimeoffset]'2026-12-04T22:00:02Z')).TrackId | Should -Be @(1, 2)
        { Import-DetectionEvent $db -After 'soon' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
    }

    It '-WhatIf writes nothing, not even the file' {
        $db = Join-Path $TestDrive 'whatif.db'
        New-Events $Cam1 2 | Export-DetectionEvent -Database $db -WhatIf
        $db | Should -Not -Exist
    }

    It 'a file that is not a VideoDetect database is InvalidEventDatabase and left as it was; a missing one is ResultNotFound to Import' {
        $bad = Join-Path $TestDrive 'notes.db'
        Set-Content -LiteralPath $bad -Value ('not a database ' * 20)
        $before = Get-FileHash $bad
        { New-Events $Cam1 1 | Export-DetectionEvent -Database $bad -ErrorAction Stop } | Should -Throw -ErrorId "InvalidEventDatabase,$ExportId"
        { Import-DetectionEvent $bad } | Should -Throw -ErrorId "InvalidEventDatabase,$ImportId"
        (Get-FileHash $bad).Hash | Should -Be $before.Hash
        { Import-DetectionEvent (Join-Path $TestDrive 'none.db') } | Should -Throw -ErrorId "ResultNotFound,$ImportId"
        { New-Events $Cam1 1 | Export-DetectionEvent -Database (Join-Path $TestDrive 'no/such/dir.db') } | Should -Throw -ErrorId "InvalidOutputPath,$ExportId"
    }

    It 'a database another process holds locked past -BusyTimeout is OutputWriteFailed per source, nothing half-written, the rest go on' {
        $db = Join-Path $TestDrive 'locked.db'
        New-Events $Cam1 2 | Export-DetectionEvent -Database $db
        $ready = Join-Path $TestDrive 'locked.ready'
        $holder = @"
Import-Module '$ModulePath'
`$null = [Reflection.Assembly]::LoadFrom('$ModulePath/Microsoft.Data.Sqlite.dll')
`$c = [Microsoft.Data.Sqlite.SqliteConnection]::new('Data Source=$db;Pooling=False'); `$c.Open()
`$t = `$c.BeginTransaction(`$false)
`$cmd = `$c.CreateCommand(); `$cmd.Transaction = `$t; `$cmd.CommandText = "DELETE FROM events"; `$null = `$cmd.ExecuteNonQuery()
Set-Content -LiteralPath '$ready' -Value 1
Start-Sleep -Seconds 6
`$t.Rollback(); `$c.Dispose()
"@
        $p = Start-Child 'holder' $holder
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path -LiteralPath $ready) -and [DateTime]::UtcNow -lt $deadline -and -not $p.HasExited) { Start-Sleep -Milliseconds 100 }
            $ready | Should -Exist -Because 'the child process took the write lock'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $out = @(@(New-Events $Cam1 3 -Label car) + @(New-Events $Cam2 1) | Export-DetectionEvent -Database $db -BusyTimeout 0.5 -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue)
            $watch.Stop()
            $out.Count | Should -Be 0
            @($failed).Count | Should -Be 2 -Because 'each source fails on its own; the command goes on to the next'
            $failed | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be "OutputWriteFailed,$ExportId" }
            $failed[0].TargetObject | Should -Be $Cam1
            "$($failed[0])" | Should -Match 'locked'
        }
        finally { $p.WaitForExit(30000) | Out-Null }
        @(Import-DetectionEvent $db).Label | Should -Be @('person', 'person') -Because 'the earlier rows stay, nothing of the failed run is there'
        New-Events $Cam1 3 -Label car | Export-DetectionEvent -Database $db
        @(Import-DetectionEvent $db).Label | Should -Be @('car', 'car', 'car')
    }

    It 'a read-only database is OutputWriteFailed, its rows untouched' {
        $db = Join-Path $TestDrive 'readonly.db'
        New-Events $Cam1 2 | Export-DetectionEvent -Database $db
        # Root ignores file modes: make the file immutable instead (chattr +i), else read-only by mode.
        $isRoot = (id -u) -eq '0'
        if ($isRoot) {
            chattr +i $db 2>$null
            if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'running as root, where chattr +i is not permitted here, so no file is read-only'; return }
        }
        else { chmod 444 $db }
        try {
            New-Events $Cam1 1 -Label car | Export-DetectionEvent -Database $db -BusyTimeout 1 -ErrorVariable failed -ErrorAction SilentlyContinue
            @($failed).Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -Be "OutputWriteFailed,$ExportId"
            @(Import-DetectionEvent $db).Label | Should -Be @('person', 'person')
        }
        finally { if ($isRoot) { chattr -i $db } else { chmod 644 $db } }
    }

    It 'two processes writing different sources into one file at once both complete, every row present' {
        $db = Join-Path $TestDrive 'shards.db'
        $go = Join-Path $TestDrive 'shards.go'
        $procs = foreach ($shard in 0, 1) {
            $script = @"
Import-Module '$ModulePath'
while (-not (Test-Path -LiteralPath '$go')) { Start-Sleep -Milliseconds 20 }
`$all = foreach (`$v in 0..19) {
    `$path = '$TestDrive/shard$shard-video' + `$v + '.mp4'
    foreach (`$i in 1..40) { [VideoDetect.Events.DetectionEvent]@{ Path = `$path; Label = 'person'; TrackId = `$i; StartFrame = `$i; EndFrame = `$i + 5 } }
}
`$all | Export-DetectionEvent -Database '$db' -ErrorAction Stop
exit 0
"@
            Start-Child "shard$shard" $script
        }
        Start-Sleep -Seconds 2
        Set-Content -LiteralPath $go -Value 1
        foreach ($p in $procs) { $p.WaitForExit(120000) | Should -BeTrue; $p.ExitCode | Should -Be 0 }
        @(Import-DetectionEvent $db).Count | Should -Be 1600
        Get-Row $db 'SELECT count(*) FROM videos' | Should -Be 40
        foreach ($shard in 0, 1) { @(Import-DetectionEvent $db -Video "shard$shard-*").Count | Should -Be 800 }
    }

    It 'fills the videos row from the result store (-Store) for a real pipeline' -Skip:(-not $HaveFfmpeg) {
        Import-SyntheticModels
        $model = Join-Path $TestDrive 'yolov5.onnx'
        [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($model, 32, 2, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog'}" }))
        $video = New-TestVideo -Path (Join-Path $TestDrive 'yard.avi') -Frames 40
        $store = Join-Path $TestDrive 'store'
        $db = Join-Path $TestDrive 'store.db'
        $events = @(Split-VideoClip -LiteralPath $video -Length 16 | ConvertTo-FrameBatch -BatchSize 8 -Model $model | Invoke-FrameDetection |
            Export-FrameDetection -OutputDirectory $store -PassThru | Add-DetectionTrack | ConvertTo-DetectionEvent | Export-DetectionEvent -Database $db -Store $store -PassThru)
        $events.Count | Should -BeGreaterThan 0
        Get-Row $db 'SELECT state FROM videos' | Should -Be (Get-DetectionStore $store).State.ToString()
        Get-Row $db 'SELECT frames FROM videos' | Should -Be 40
        @(Import-DetectionEvent $db -Label dog).Count | Should -Be $events.Count
    }

    It 'is readable by the sqlite3 command line' -Skip:(-not $HaveSqlite3) {
        $db = Join-Path $TestDrive 'cli.db'
        @(New-Events $Cam1 3 ([datetimeoffset]::new(2026, 12, 4, 23, 0, 0, [timespan]::Zero))) + @(New-Events $Cam2 2 -Label car) | Export-DetectionEvent -Database $db
        $rows = @(sqlite3 -readonly -separator '|' $db "SELECT v.path, e.label, e.track_id, e.start_seconds, e.started_at FROM events e JOIN videos v ON v.id = e.video_id ORDER BY e.id")
        $LASTEXITCODE | Should -Be 0
        $rows.Count | Should -Be 5
        $rows[0] | Should -Be "$Cam1|person|1|0.4|2026-12-04T23:00:00.4+00:00"
        sqlite3 -readonly $db "SELECT count(*) FROM events WHERE julianday(started_at) > julianday('2026-12-04T23:00:01Z')" | Should -Be 2
        sqlite3 -readonly $db 'PRAGMA user_version' | Should -Be 1
    }
}
