# Pester 5 assertions for VideoDetect, registered with Add-ShouldOperator when this module is imported
# (in a test file's BeforeAll). Works whichever of Pester and VideoDetect was imported first: each one
# that is missing is imported here, VideoDetect from beside this folder (out/VideoDetect) or from
# PSModulePath, Pester (5 or later) from PSModulePath.

Set-StrictMode -Version 3.0

if (-not (Get-Module VideoDetect)) {
    $sibling = Join-Path (Split-Path $PSScriptRoot -Parent) 'VideoDetect/VideoDetect.psd1'
    if (Test-Path -LiteralPath $sibling) { Import-Module $sibling -Global -ErrorAction Stop }
    else { Import-Module VideoDetect -Global -ErrorAction Stop }
}
$pester = Get-Module Pester | Sort-Object Version -Descending | Select-Object -First 1
if (-not $pester) { $pester = Import-Module Pester -MinimumVersion 5.0 -Global -PassThru -ErrorAction Stop }
if ($pester.Version.Major -lt 5) { throw "VideoDetect.Pester needs Pester 5 or later (Add-ShouldOperator); Pester $($pester.Version) is loaded." }

# '10s', '00:00:10', 2.5 (seconds) or a TimeSpan -> VideoPosition (time); an integer -> frames.
function ConvertTo-VdPosition([object] $Value) {
    if ($Value -is [psobject]) { $Value = $Value.psobject.BaseObject }
    if ($Value -is [VideoDetect.Video.VideoPosition]) { return $Value }
    if ($Value -is [timespan]) { return [VideoDetect.Video.VideoPosition]::FromTime($Value) }
    if ($Value -is [int] -or $Value -is [long]) { return [VideoDetect.Video.VideoPosition]::FromFrames($Value) }
    if ($Value -is [short] -or $Value -is [double] -or $Value -is [decimal]) { return [VideoDetect.Video.VideoPosition]::FromSeconds([double]$Value) }
    [VideoDetect.Video.VideoPosition]::Parse([string]$Value)
}

function Format-VdSeconds([timespan] $Time) { $Time.TotalSeconds.ToString('0.###', [cultureinfo]::InvariantCulture) + ' s' }

function Format-VdPosition([VideoDetect.Video.VideoPosition] $Position) {
    if ($Position.IsTime) { Format-VdSeconds $Position.Time } else { "frame $($Position.Frames)" }
}

# A file by its name; a live source (rtsp://, http://, udp:// ...) by its whole URL, since its last
# segment ('stream') says nothing, less any user:password@ (a failure message must not show it).
function Format-VdSource([string] $Path) {
    if ($Path -match '^[a-z][a-z0-9+.-]*://') { return $Path -replace '^([a-z][a-z0-9+.-]*://)[^/@]*@', '$1' }
    Split-Path -Leaf $Path
}

function Format-VdEvent([object] $e) {
    $inv = [cultureinfo]::InvariantCulture
    $who = if ($null -ne $e.TrackId) { "$($e.Label) #$($e.TrackId)" } else { $e.Label }
    $where = if ($e.Line) { " $($e.Direction) $($e.Line)" } elseif ($e.Region) { " in $($e.Region)" } else { '' }
    $start = ([timespan]$e.StartTime).TotalSeconds.ToString('0.0', $inv)
    $end = ([timespan]$e.EndTime).TotalSeconds.ToString('0.0', $inv)
    "$who$where $start–$end s"
}

# The operator: events (or FrameDetections, folded with ConvertTo-DetectionEvent) piped into Should.
function Test-VdDetectionEvent {
    param(
        $ActualValue,
        [switch] $Negate,
        $CallerSessionState,
        [string] $Label = '*',
        [object[]] $Between,
        [object] $Region,
        [object] $MinDuration,
        [string] $Because
    )
    $events = [System.Collections.Generic.List[object]]::new()
    $frames = [System.Collections.Generic.List[object]]::new()
    foreach ($item in @($ActualValue)) {
        if ($null -eq $item) { continue }
        $names = $item.psobject.TypeNames
        if ($item -is [VideoDetect.Events.DetectionEvent] -or $names -contains 'Deserialized.VideoDetect.Events.DetectionEvent') { $events.Add($item) }
        elseif ($item -is [VideoDetect.Inference.FrameDetections]) { $frames.Add($item) }
        elseif ($item.psobject.Properties['StartFrame'] -and $item.psobject.Properties['Label']) { $events.Add($item) }
        else { throw "Should -HaveDetectionEvent takes DetectionEvent or FrameDetections objects, not $($names[0])." }
    }
    if ($frames.Count) {
        $convert = @{}
        if ($Region -is [System.Collections.IDictionary]) { $convert.Region = $Region }
        foreach ($e in ($frames | ConvertTo-DetectionEvent @convert)) { $events.Add($e) }
    }

    $window = if ($Between) {
        if (@($Between).Count -ne 2) { throw "-Between takes two values, a start and an end ('0s','10s')." }
        @((ConvertTo-VdPosition $Between[0]), (ConvertTo-VdPosition $Between[1]))
    }
    $regionNames = if ($Region -is [System.Collections.IDictionary]) { @($Region.Keys) } elseif ($Region) { @($Region) } else { $null }
    $min = if ($null -ne $MinDuration) { ConvertTo-VdPosition $MinDuration }

    $matching = @($events | Where-Object {
            $e = $_
            if ($e.Label -notlike $Label) { return $false }
            if ($regionNames -and $e.Region -notin $regionNames) { return $false }
            if ($window) {
                $startIn = if ($window[0].IsTime) { [timespan]$e.EndTime -ge $window[0].Time } else { $e.EndFrame -ge $window[0].Frames }
                $endIn = if ($window[1].IsTime) { [timespan]$e.StartTime -le $window[1].Time } else { $e.StartFrame -le $window[1].Frames }
                if (-not ($startIn -and $endIn)) { return $false }
            }
            if ($min) {
                $long = if ($min.IsTime) { ([timespan]$e.EndTime - [timespan]$e.StartTime) -ge $min.Time } else { $e.EndFrame - $e.StartFrame + 1 -ge $min.Frames }
                if (-not $long) { return $false }
            }
            $true
        })

    $succeeded = ($matching.Count -gt 0) -xor [bool]$Negate
    $message = $null
    if (-not $succeeded) {
        $what = if ($Label -eq '*') { 'detection' } else { $Label }
        $sources = @(@($events) + @($frames) | ForEach-Object { Format-VdSource $_.Path } | Select-Object -Unique)
        $in = if ($sources) { " in $($sources -join ', ')" } else { '' }
        $between = if ($window) { " between $(Format-VdPosition $window[0]) and $(Format-VdPosition $window[1])" } else { '' }
        $regionText = if ($regionNames) { " in region $($regionNames -join ', ')" } else { '' }
        $longer = if ($min) { " lasting at least $(Format-VdPosition $min)" } else { '' }
        $because = if ($Because) { " because $($Because.Trim() -replace '^because\s+')," } else { '' }
        function Format-VdList([object[]] $list) {
            if (-not $list) { return 'nothing' }
            $shown = @($list | Sort-Object { [timespan]$_.StartTime } | Select-Object -First 10 | ForEach-Object { Format-VdEvent $_ }) -join ', '
            if ($list.Count -gt 10) { $shown += " (and $($list.Count - 10) more)" }
            $shown
        }
        $message = if ($Negate) {
            "expected no $what event$regionText$between$longer$in,$because but found: $(Format-VdList $matching)"
        }
        else {
            "no $what event$regionText$between$longer$in;$because found: $(Format-VdList @($events))"
        }
    }
    [pscustomobject]@{ Succeeded = $succeeded; FailureMessage = $message }
}

Add-ShouldOperator -Name HaveDetectionEvent -Test ${function:Test-VdDetectionEvent} -SupportsArrayInput -InternalName Test-VdDetectionEvent
