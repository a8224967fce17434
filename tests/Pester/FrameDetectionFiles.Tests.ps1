#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for the result files: Export-FrameDetection, Import-FrameDetection and
# Split-VideoClip -ResumeFrom, with a real child pwsh killed with SIGKILL mid-run. Small synthetic
# videos (names with spaces, brackets and non-ASCII) and a synthetic YOLOv5 model keep them fast.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $ExportId = 'VideoDetect.Commands.ExportFrameDetectionCommand'
    $ImportId = 'VideoDetect.Commands.ImportFrameDetectionCommand'
    $Job = Join-Path $PSScriptRoot 'Scripts/FolderJob.ps1'
    $Pwsh = Get-PwshCommand

    Import-SyntheticModels
    $Model = Join-Path $TestDrive 'yolov5.onnx'
    # One box a frame, class 1 of 2 ('dog'), centred in the 32x32 input.
    [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($Model, 32, 2, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog'}" }))

    $Src = Join-Path $TestDrive 'footage'
    New-Item -ItemType Directory $Src | Out-Null
    $Names = 'cam 1.avi', 'cam[2].avi', 'caméra 3.avi'
    foreach ($n in $Names) { $null = New-TestVideo -Path (Join-Path $Src $n) -Frames 40 -Rate 10 }

    # Runs the folder job here (a child pwsh is only needed to kill one).
    function Invoke-FolderJob([string] $Out, [switch] $Resume) {
        & $Job -Module $ModulePath -Source $Src -Output $Out -Model $Model -Resume:$Resume
    }

    # Starts the folder job in a child pwsh and returns the process.
    function Start-FolderJob([string] $Out, [int] $DelayMs = 0) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh[0])
        foreach ($a in @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $Job, '-Module', $ModulePath, '-Source', $Src, '-Output', $Out, '-Model', $Model, '-DelayMs', $DelayMs)) { $psi.ArgumentList.Add("$a") }
        [System.Diagnostics.Process]::Start($psi)
    }

    # A result file's bytes after its header line (the header differs between runs by its start time).
    function Get-Records([string] $Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $nl = [Array]::IndexOf($bytes, [byte]10)
        , $bytes[($nl + 1)..($bytes.Length - 1)]
    }

    # Reference: one uninterrupted run.
    $Whole = Join-Path $TestDrive 'whole'
    Invoke-FolderJob $Whole
}

Describe 'Export-FrameDetection and Split-VideoClip -ResumeFrom: the folder job' {
    It 'writes one JSON Lines file per video: a header record, then every frame once with its detections' {
        $files = Get-ChildItem -LiteralPath $Whole -Force
        $files.Name | Sort-Object | Should -Be @('cam 1.detections.jsonl', 'cam[2].detections.jsonl', 'caméra 3.detections.jsonl') -Because 'no partial files or checkpoints are left'
        $header = Get-Content -LiteralPath (Join-Path $Whole 'caméra 3.detections.jsonl') -TotalCount 1 | ConvertFrom-Json
        $header.source.path | Should -Be (Join-Path $Src 'caméra 3.avi')
        $header.source.frameCount | Should -Be 40
        $header.source.frameRate | Should -Be '10'
        $header.model.file | Should -Be 'yolov5.onnx'
        $header.model.sha256 | Should -Be (Get-FileHash -LiteralPath $Model -Algorithm SHA256).Hash.ToLowerInvariant()
        $header.model.labels | Should -Be @('cat', 'dog')
        $header.parameters.confidence | Should -Be 0.3
        $header.parameters.frameStride | Should -Be 1
        $header.parameters.preprocess.width | Should -Be 32
        $header.moduleVersion | Should -Be (Get-Module VideoDetect).Version.ToString()
        $frames = @(Import-FrameDetection -LiteralPath (Join-Path $Whole 'cam[2].detections.jsonl'))
        $frames.FrameIndex | Should -Be (0..39)
        $frames[5].Detections[0].Label | Should -Be 'dog'
        $frames[5].Run.Parameters.Confidence | Should -Be ([float]0.3)
    }

    It 'a run killed with SIGKILL leaves whole clips only; resumed, every file equals the uninterrupted run''s' {
        $out = Join-Path $TestDrive 'killed'
        $p = Start-FolderJob $out -DelayMs 25
        try {
            # Kill it once the second video has flushed a clip or two (the first one is finished by then).
            $checkpoint = Join-Path $out 'cam[2].detections.jsonl.partial.checkpoint'
            $deadline = [datetime]::Now.AddSeconds(120)
            while (-not ((Test-Path -LiteralPath $checkpoint) -and (Get-Content -LiteralPath $checkpoint -Raw | ConvertFrom-Json).clipIndex -ge 1) -and -not $p.HasExited -and [datetime]::Now -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $p.HasExited | Should -BeFalse -Because 'the run is killed mid-way'
            $p.Kill()   # SIGKILL on Unix: no cleanup runs
            $p.WaitForExit()
        }
        finally { if (-not $p.HasExited) { $p.Kill() } }
        Test-Path -LiteralPath (Join-Path $out 'cam 1.detections.jsonl') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $out 'cam[2].detections.jsonl') | Should -BeFalse -Because 'nothing looks finished that is not'
        Test-Path -LiteralPath (Join-Path $out 'caméra 3.detections.jsonl') | Should -BeFalse
        $partial = @(Import-FrameDetection -LiteralPath (Join-Path $out 'cam[2].detections.jsonl.partial') -ErrorAction SilentlyContinue)
        $partial.Count | Should -BeGreaterThan 0

        $clips = @(Get-ChildItem -LiteralPath $Src -Filter *.avi | Sort-Object Name | Split-VideoClip -Length 8 -ResumeFrom $out -InformationVariable info)
        ($clips | Where-Object Path -Like '*cam 1.avi').Count | Should -Be 0 -Because 'a finished video gets no clips'
        $done = (Get-Content -LiteralPath $checkpoint -Raw | ConvertFrom-Json).clipIndex
        ($clips | Where-Object { $_.Path.EndsWith('cam[2].avi') }).Index | Should -Be (($done + 1)..4) -Because 'a partial file gets the clips after its last whole one'
        ($clips | Where-Object { $_.Path.EndsWith('caméra 3.avi') }).Index | Should -Be (0..4)
        "$info" | Should -Match '^skipped 1 finished video, resumed cam\[2\]\.avi at clip \d+, 1 new$'
        Invoke-FolderJob $out -Resume
        foreach ($n in 'cam 1', 'cam[2]', 'caméra 3') {
            $a = Get-Records (Join-Path $Whole "$n.detections.jsonl"); $b = Get-Records (Join-Path $out "$n.detections.jsonl")
            [Convert]::ToBase64String($b) | Should -Be ([Convert]::ToBase64String($a)) -Because "$n's frame records are byte for byte those of the uninterrupted run"
        }
        $all = @(Import-FrameDetection $out)
        $all.Count | Should -Be 120 -Because 'every frame exactly once'
        @(Get-ChildItem -LiteralPath $out -Force).Count | Should -Be 3
    }

    It 'a finished folder is planned without clips; touching a source redoes only it' {
        $out = Join-Path $TestDrive 'touched'
        Copy-Item -LiteralPath $Whole -Destination $out -Recurse
        $clips = @(Get-ChildItem -LiteralPath $Src -Filter *.avi | Split-VideoClip -Length 8 -ResumeFrom $out -InformationVariable info)
        $clips.Count | Should -Be 0
        "$info" | Should -Be 'skipped 3 finished videos, 0 new'
        $before = Get-ChildItem -LiteralPath $out | Sort-Object Name | ForEach-Object { $_.LastWriteTimeUtc }
        $touched = Join-Path $Src 'cam[2].avi'
        $original = (Get-Item -LiteralPath $touched).LastWriteTimeUtc
        (Get-Item -LiteralPath $touched).LastWriteTimeUtc = [datetime]::UtcNow.AddMinutes(5)
        try {
            Invoke-FolderJob $out -Resume
            $after = Get-ChildItem -LiteralPath $out | Sort-Object Name | ForEach-Object { $_.LastWriteTimeUtc }
            $after[0] | Should -Be $before[0]
            $after[1] | Should -BeGreaterThan $before[1]
            $after[2] | Should -Be $before[2]
            (Get-Content -LiteralPath (Join-Path $out 'cam[2].detections.jsonl') -TotalCount 1 | ConvertFrom-Json).source.lastWriteTimeUtc.ToUniversalTime() |
                Should -Be (Get-Item -LiteralPath $touched).LastWriteTimeUtc
        }
        finally { (Get-Item -LiteralPath $touched).LastWriteTimeUtc = $original }   # the reference folder matches its sources again
    }

    It 'resuming with another -Confidence is a ResumeMismatch naming it and overwrites nothing; -Force starts over' {
        $out = Join-Path $TestDrive 'mismatch'
        $v = Join-Path $Src 'cam 1.avi'
        Split-VideoClip -LiteralPath $v -Length 8 -End 16 | ConvertTo-FrameBatch -BatchSize 4 -Model $Model -WarningAction SilentlyContinue | Invoke-FrameDetection |
            Export-FrameDetection -OutputDirectory $out -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$w" | Should -Match 'end at frame 15 of 40'
        $partial = Join-Path $out 'cam 1.detections.jsonl.partial'
        $kept = Get-FileHash -LiteralPath $partial
        Split-VideoClip -LiteralPath $v -Length 8 -ResumeFrom $out | ConvertTo-FrameBatch -BatchSize 4 -Model $Model -WarningAction SilentlyContinue | Invoke-FrameDetection -Confidence 0.5 |
            Export-FrameDetection -OutputDirectory $out -ErrorVariable e -ErrorAction SilentlyContinue
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "ResumeMismatch,$ExportId"
        "$($e[0])" | Should -Match 'confidence: 0\.3 in the file ≠ 0\.5 now'
        (Get-FileHash -LiteralPath $partial).Hash | Should -Be $kept.Hash
        Split-VideoClip -LiteralPath $v -Length 8 | ConvertTo-FrameBatch -BatchSize 4 -Model $Model -WarningAction SilentlyContinue | Invoke-FrameDetection -Confidence 0.5 |
            Export-FrameDetection -OutputDirectory $out -Force -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
        (Get-Content -LiteralPath (Join-Path $out 'cam 1.detections.jsonl') -TotalCount 1 | ConvertFrom-Json).parameters.confidence | Should -Be 0.5
        Test-Path -LiteralPath $partial | Should -BeFalse
    }

    It 'two exporters on one file: the second gets one OutputInUse error and the file is the first one''s' {
        $out = Join-Path $TestDrive 'two'
        New-Item -ItemType Directory $out | Out-Null
        $v = Join-Path $Src 'cam 1.avi'
        $frames = @(Import-FrameDetection -LiteralPath (Join-Path $Whole 'cam 1.detections.jsonl'))
        $target = Join-Path $out 'cam 1.detections.jsonl'
        $header = [VideoDetect.Results.ResultStore]::TryReadHeader((Join-Path $Whole 'cam 1.detections.jsonl'), 'JsonLines', [ref]$null)
        $first = [VideoDetect.Results.ResultFileWriter]::Open($target, 'JsonLines', $header, $false)
        try {
            $frames | Export-FrameDetection -OutputDirectory $out -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            @($e).Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -Be "OutputInUse,$ExportId"
            $first.AppendClip([VideoDetect.Inference.FrameDetections[]]$frames)
            $null = $first.Commit()
        }
        finally { $first.Dispose() }
        [Convert]::ToBase64String((Get-Records $target)) | Should -Be ([Convert]::ToBase64String((Get-Records (Join-Path $Whole 'cam 1.detections.jsonl'))))
    }
}

Describe 'Import-FrameDetection' {
    It 'the round trip is exact for JSON Lines and CSV; the CSV reads in Import-Csv as it is' {
        $frames = @(Import-FrameDetection $Whole)
        foreach ($f in $frames[0..2]) {
            $f.Extras = [System.Collections.Generic.Dictionary[string, object]]::new()
            $f.Extras['held'] = [long]3; $f.Extras['note'] = 'a "b", c'; $f.Extras['moving'] = $true
        }
        $frames[1].Detections[0].TrackId = 7
        $out = Join-Path $TestDrive 'formats'
        $frames | Export-FrameDetection -OutputDirectory $out | Out-Null
        $frames | Export-FrameDetection -OutputDirectory $out -Format Csv | Out-Null
        foreach ($ext in 'jsonl', 'csv') {
            $back = @(Import-FrameDetection (Join-Path $out "*.detections.$ext"))
            $back.Count | Should -Be $frames.Count
            ($back | ConvertTo-Json -Depth 8 -Compress) | Should -Be ($frames | ConvertTo-Json -Depth 8 -Compress) -Because "$ext gives back the same values"
        }
        $rows = @(Import-Csv -LiteralPath (Join-Path $out 'cam[2].detections.csv'))
        $rows.Count | Should -Be 40
        $rows[0].PSObject.Properties.Name | Select-Object -First 11 | Should -Be @('Path', 'FrameIndex', 'Timestamp', 'Label', 'ClassId', 'Confidence', 'X', 'Y', 'Width', 'Height', 'TrackId')
        $rows[0].Label | Should -Be 'dog'
        Test-Path -LiteralPath (Join-Path $out 'cam[2].detections.csv.header.json') | Should -BeTrue
    }

    It 'a truncated file and a corrupt one are errors naming the file and line; their earlier frames and the other files come through' {
        $out = Join-Path $TestDrive 'damaged'
        Copy-Item -LiteralPath $Whole -Destination $out -Recurse
        $cut = Join-Path $out 'cam 1.detections.jsonl'
        $bytes = [IO.File]::ReadAllBytes($cut); [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 20)])
        $bad = Join-Path $out 'cam[2].detections.jsonl'
        $lines = [IO.File]::ReadAllLines($bad); $lines[10] = '{"clipIndex": oops'; [IO.File]::WriteAllLines($bad, $lines)
        $frames = @(Import-FrameDetection $out -ErrorVariable e -ErrorAction SilentlyContinue)
        @($e).Count | Should -Be 2
        $e.FullyQualifiedErrorId | Should -Be @("ResultFileCorrupt,$ImportId", "ResultFileCorrupt,$ImportId")
        "$($e[0])".StartsWith("$cut`:41: ") | Should -BeTrue -Because "the error names the file and line: $($e[0])"
        "$($e[0])" | Should -Match 'incomplete'
        "$($e[1])".StartsWith("$bad`:11: ") | Should -BeTrue -Because "the error names the file and line: $($e[1])"
        $frames.Count | Should -Be (39 + 9 + 40)
    }

    It 'a result file that does not exist is ResultNotFound (ObjectNotFound), by -Path and by -LiteralPath; the other files come through' {
        $missing = Join-Path $TestDrive 'no such.detections.jsonl'
        $frames = @(Import-FrameDetection -Path $missing, (Join-Path $Whole 'cam 1.detections.jsonl') -ErrorVariable e -ErrorAction SilentlyContinue)
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "ResultNotFound,$ImportId"
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].TargetObject | Should -Be $missing
        $frames.Count | Should -Be 40
        $null = Import-FrameDetection -LiteralPath $missing -ErrorVariable e2 -ErrorAction SilentlyContinue
        @($e2).FullyQualifiedErrorId | Should -Be @("ResultNotFound,$ImportId")
        $e2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
