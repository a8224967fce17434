#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Issue 28, point 4: Send-DetectionEvent. Events go as JSON to a real mosquitto broker started here on
# 127.0.0.1 (read back with mosquitto_sub, QoS 1) or to a webhook; a broker down at the start gives
# non-terminating NotificationFailed errors and its queued events once it comes up; an endpoint that
# stays down gives the count not sent; a full queue names how many were dropped. Events are made by
# ConvertTo-DetectionEvent -EmitOpen from hand-made frames (opened and closed messages).

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $HaveMosquitto = (Test-Path /usr/sbin/mosquitto) -and $null -ne (Get-Command mosquitto_sub -CommandType Application -ErrorAction Ignore)
    $NoMosquitto = if ($HaveMosquitto) { '' } else { ' [skipped: Debian''s mosquitto and mosquitto-clients are not installed (build.ps1 deps installs them)]' }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $SendId = 'NotificationFailed,VideoDetect.Commands.SendDetectionEventCommand'

    function Get-FreePort {
        $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start()
        try { $l.LocalEndpoint.Port } finally { $l.Stop() }
    }
    function Wait-Listening([int] $Port) {
        foreach ($i in 1..100) {
            $c = [Net.Sockets.TcpClient]::new()
            try { $c.Connect('127.0.0.1', $Port); return } catch { Start-Sleep -Milliseconds 50 } finally { $c.Dispose() }
        }
        throw "Nothing listens on 127.0.0.1:$Port"
    }
    # A verbose broker: its log (stderr, to a file) tells when a subscriber is in place.
    function Start-Broker([int] $Port) {
        $p = Start-Process /usr/sbin/mosquitto -ArgumentList '-v', '-p', $Port -PassThru -RedirectStandardError (Join-Path $TestDrive "mosquitto-$Port.log")
        Wait-Listening $Port
        $p
    }
    function Get-Subscribes([int] $Port) { @(Select-String -LiteralPath (Join-Path $TestDrive "mosquitto-$Port.log") -SimpleMatch 'Received SUBSCRIBE' -ErrorAction Ignore).Count }
    # mosquitto_sub taking $Count messages of $Topic with QoS 1, one "QoS payload" line each, into $Out; returns once the broker has its SUBSCRIBE.
    function Start-Subscriber([int] $Port, [string] $Topic, [int] $Count, [string] $Out) {
        $before = Get-Subscribes $Port
        $p = Start-Process mosquitto_sub -ArgumentList '-h', '127.0.0.1', '-p', $Port, '-t', $Topic, '-q', '1', '-C', $Count, '-W', '30', '-F', '"%q %p"' -PassThru -RedirectStandardOutput $Out
        foreach ($i in 1..400) { if ((Get-Subscribes $Port) -gt $before) { return $p }; Start-Sleep -Milliseconds 50 }
        throw "mosquitto_sub did not subscribe on port $Port"
    }
    function Stop-Child($p) { if ($p -and -not $p.HasExited) { Stop-Process -Id $p.Id -ErrorAction Ignore } }

    # Frames of one source: a person in frames 0..9 (1 s at 10 fps), nothing in 10..19; recording start known.
    function New-Frames([string] $Path = 'cam3') {
        $start = [datetimeoffset]'2026-12-05T08:00:00+01:00'
        foreach ($i in 0..19) {
            $dets = @(if ($i -lt 10) { [VideoDetect.Inference.Detection]@{ Path = $Path; FrameIndex = $i; Label = 'person'; ClassId = 0; Confidence = 0.9; X = 10; Y = 20; Width = 30; Height = 60 } })
            [VideoDetect.Inference.FrameDetections]@{ Path = $Path; FrameIndex = $i; Timestamp = [timespan]::FromMilliseconds(100 * $i); SourceWidth = 640; SourceHeight = 480
                RecordingStart = $start; Detections = [VideoDetect.Inference.Detection[]]$dets }
        }
    }
    function New-Events([int] $Count) {
        foreach ($i in 1..$Count) { [VideoDetect.Events.DetectionEvent]@{ Path = 'cam3'; Label = 'person'; TrackId = $i; StartFrame = $i; EndFrame = $i + 5 } }
    }
}

Describe 'Send-DetectionEvent to MQTT' {
    It 'sends the opened and the closed message of an event as JSON with QoS 1, and -PassThru writes the closed event once sent<NoMosquitto>' -Skip:(-not $HaveMosquitto) {
        $port = Get-FreePort; $out = Join-Path $TestDrive 'sub1.txt'
        $broker = Start-Broker $port
        try {
            $sub = Start-Subscriber $port 'videodetect/cam3' 2 $out
            $passed = New-Frames | ConvertTo-DetectionEvent -MinDuration 3 -EmitOpen | Send-DetectionEvent -MqttServer "127.0.0.1:$port" -Topic videodetect/cam3 -OnOpen -PassThru
            $sub.WaitForExit(20000) | Should -BeTrue
            $lines = @(Get-Content $out)
            $lines.Count | Should -Be 2
            $lines | ForEach-Object { $_.Substring(0, 1) } | Should -Be '1', '1'
            $msgs = $lines | ForEach-Object { $_.Substring(2) | ConvertFrom-Json -AsHashtable }
            $msgs.type | Should -Be 'new', 'end'
            $msgs[0].endFrame | Should -Be 2        # opened once it had lasted -MinDuration 3 frames
            $msgs[1].endFrame | Should -Be 9
            $msgs[1].label | Should -Be 'person'
            $msgs[1].path | Should -Be 'cam3'
            # ISO 8601 with the recording start's offset (read as text: ConvertFrom-Json would make dates of them).
            $lines[1] | Should -BeLike '*"startedAt":"2026-12-05T08:00:00.0000000+01:00"*'
            $lines[1] | Should -BeLike '*"endedAt":"2026-12-05T08:00:00.9000000+01:00"*'
            $msgs[1].isOpen | Should -BeFalse
            @($passed).Count | Should -Be 1
            $passed[0].IsOpen | Should -BeFalse
            $passed[0].EndFrame | Should -Be 9
        } finally { Stop-Child $sub; Stop-Child $broker }
    }

    It 'without -OnOpen skips the opened messages<NoMosquitto>' -Skip:(-not $HaveMosquitto) {
        $port = Get-FreePort; $out = Join-Path $TestDrive 'sub2.txt'
        $broker = Start-Broker $port
        try {
            $sub = Start-Subscriber $port 'vd/t' 1 $out
            New-Frames | ConvertTo-DetectionEvent -EmitOpen | Send-DetectionEvent -MqttServer "127.0.0.1:$port" -Topic vd/t -ErrorAction Stop
            $sub.WaitForExit(20000) | Should -BeTrue
            (Get-Content $out).Substring(2) | ConvertFrom-Json | ForEach-Object type | Should -Be 'end'
        } finally { Stop-Child $sub; Stop-Child $broker }
    }

    It 'a broker down at the start: non-terminating NotificationFailed, the pipeline goes on, and the queued events arrive once it is started<NoMosquitto>' -Skip:(-not $HaveMosquitto) {
        # A persistent session (mosquitto_sub -c) subscribed before the broker goes down keeps, across
        # the restart, every QoS 1 message published while it is away: nothing depends on timing.
        $port = Get-FreePort; $dir = New-Item -ItemType Directory (Join-Path $TestDrive "persist-$port")
        $conf = Join-Path $dir 'mosquitto.conf'   # as this user: run as root, mosquitto would switch to its own user, which cannot write $dir
        Set-Content -LiteralPath $conf -Value "listener $port 127.0.0.1`nallow_anonymous true`npersistence true`npersistence_location $dir/`nuser $([Environment]::UserName)"
        $startBroker = { $p = Start-Process /usr/sbin/mosquitto -ArgumentList '-c', $conf -PassThru -RedirectStandardError (Join-Path $dir 'broker.log'); Wait-Listening $port; $p }
        $script:broker = & $startBroker
        try {
            & mosquitto_sub -h 127.0.0.1 -p $port -t vd/late -q 1 -c -i vd-late -E
            $LASTEXITCODE | Should -Be 0
            & kill -TERM $script:broker.Id; $script:broker.WaitForExit(10000) | Should -BeTrue   # SIGTERM: the session is saved
            # Events 1..3 go while no broker listens; before event 4 the broker starts again.
            $after = 1..5 | ForEach-Object {
                if ($_ -eq 4) {
                    Start-Sleep -Seconds 1   # the sender has failed by now (its error comes with this event)
                    $script:broker = & $startBroker
                }
                [VideoDetect.Events.DetectionEvent]@{ Path = 'cam3'; Label = 'person'; TrackId = $_ }
            } | Send-DetectionEvent -MqttServer "127.0.0.1:$port" -Topic vd/late -MaxRetryDelay 00:00:01 -FlushTimeout 00:00:20 -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue -PassThru
            @($after).Count | Should -Be 5
            @($errs).Count | Should -Be 1 -Because 'one error when the broker goes down, none at the end: all were sent'
            $errs[0].FullyQualifiedErrorId | Should -Be $SendId
            $errs[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $errs[0].Exception.Message | Should -Match '\d events wait in the queue'
            $warns -join "`n" | Should -Match 'reachable again'
            $got = & mosquitto_sub -h 127.0.0.1 -p $port -t vd/late -q 1 -c -i vd-late -C 5 -W 20 -F '%q %p'
            @($got | ForEach-Object { $_.Substring(0, 1) } | Select-Object -Unique) | Should -Be '1'
            @($got | ForEach-Object { ($_.Substring(2) | ConvertFrom-Json).trackId }) | Should -Be 1, 2, 3, 4, 5
        } finally { Stop-Child $script:broker }
    }

    It '-WhatIf sends nothing and connects to nothing' {
        $r = New-Events 2 | Send-DetectionEvent -MqttServer "127.0.0.1:$(Get-FreePort)" -Topic vd/x -WhatIf -ErrorVariable errs -PassThru
        $r | Should -BeNullOrEmpty
        $errs | Should -BeNullOrEmpty
    }

    It 'binds events that came back through CliXml (a job, Import-Clixml) as the other event cmdlets do' {
        $xml = Join-Path $TestDrive 'events.xml'
        New-Events 2 | Export-Clixml -LiteralPath $xml
        $back = @(Import-Clixml -LiteralPath $xml)
        $back[0] | Should -Not -BeOfType ([VideoDetect.Events.DetectionEvent])
        { $back | Send-DetectionEvent -MqttServer "127.0.0.1:$(Get-FreePort)" -Topic vd/x -WhatIf -ErrorAction Stop } | Should -Not -Throw
    }

    It 'a -MqttServer that is not host:port, a -Uri that is not http(s) and a negative -FlushTimeout are parameter errors' {
        { New-Events 1 | Send-DetectionEvent -MqttServer 'mqtt://broker:1883' -Topic vd/x } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.SendDetectionEventCommand'
        { New-Events 1 | Send-DetectionEvent -Uri 'ftp://host/hook' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.SendDetectionEventCommand'
        { New-Events 1 | Send-DetectionEvent -Uri 'http://127.0.0.1:9/hook' -FlushTimeout '-00:00:01' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.SendDetectionEventCommand'
    }
}

Describe 'Send-DetectionEvent to a webhook' {
    It 'an endpoint that stays down: a non-terminating NotificationFailed while it is down, and the count not sent at the end' {
        $port = Get-FreePort
        $r = New-Events 3 | Send-DetectionEvent -Uri "http://127.0.0.1:$port/hook" -FlushTimeout 00:00:01 -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs.FullyQualifiedErrorId | Select-Object -Unique | Should -Be $SendId
        $errs[0].Exception.Message | Should -Match "Cannot send to http://127\.0\.0\.1:$port/hook"
        $errs[-1].Exception.Message | Should -Match '^3 events were not sent to .* within -FlushTimeout 1 s'
    }

    It 'a full queue warns once and the error at the end names how many were dropped' {
        $r = New-Events 5 | Send-DetectionEvent -Uri "http://127.0.0.1:$(Get-FreePort)/hook" -QueueLimit 2 -FlushTimeout 00:00:01 -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns 3>$null
        @($warns).Count | Should -Be 1
        $warns[0] | Should -Match 'queue of 2 events .* is full'
        $errs[-1].Exception.Message | Should -Match '2 events were not sent .*; 3 events were dropped because the queue of -QueueLimit 2 was full'
    }

    It 'POSTs each event to a listening endpoint (a local HttpListener) and -PassThru writes them' {
        $port = Get-FreePort
        $listener = [Net.HttpListener]::new(); $listener.Prefixes.Add("http://127.0.0.1:$port/hook/"); $listener.Start()
        $bodies = [Collections.Concurrent.ConcurrentQueue[string]]::new()
        $job = Start-ThreadJob -ArgumentList $listener, $bodies {
            param($listener, $bodies)
            foreach ($i in 1..2) {
                $ctx = $listener.GetContext()
                $bodies.Enqueue([IO.StreamReader]::new($ctx.Request.InputStream).ReadToEnd())
                $ctx.Response.StatusCode = 204; $ctx.Response.Close()
            }
        }
        try {
            $r = New-Events 2 | Send-DetectionEvent -Uri "http://127.0.0.1:$port/hook/" -PassThru -ErrorAction Stop
            @($r).Count | Should -Be 2
            $job | Wait-Job -Timeout 20 | Out-Null
            @($bodies.ToArray() | ForEach-Object { ($_ | ConvertFrom-Json).trackId }) | Should -Be 1, 2
        } finally { $listener.Stop(); $job | Remove-Job -Force }
    }
}
