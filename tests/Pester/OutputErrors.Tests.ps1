#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Output errors are the module's, per source, and early (issue 25): an output that cannot be written is
# a non-terminating OutputWriteFailed error about that source, the next source is still written, and
# the check comes before anything of the source is decoded or encoded. The tests run as root in CI, so
# permission bits would not stop them: the unwritable places are under /proc, a folder whose "parent"
# is a regular file, or a folder where the output file (or its partial file) should go.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $NoProc = if (Test-Path -LiteralPath '/proc/self') { '' } else { ' [skipped: no /proc]' }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $ExportId = 'VideoDetect.Commands.ExportFrameDetectionCommand'
    $AnnotateId = 'VideoDetect.Commands.ExportAnnotatedVideoCommand'

    $Src = Join-Path $TestDrive 'footage'
    New-Item -ItemType Directory $Src | Out-Null
    if ($HaveFfmpeg) {
        $A = New-TestVideo -Path (Join-Path $Src 'a.avi') -Frames 20 -Rate 10
        $B = New-TestVideo -Path (Join-Path $Src 'b.avi') -Frames 25 -Rate 10
    }

    # Every frame of a video, with no detections, as Invoke-FrameDetection would emit them (clips of 10).
    function New-Frames([string] $Path, [int] $Count) {
        foreach ($f in 0..($Count - 1)) { [VideoDetect.Inference.FrameDetections]@{ Path = $Path; FrameIndex = $f; ClipIndex = [int][Math]::Floor($f / 10); Detections = @() } }
    }
    # A regular file: a folder "under" it can never be created, not even by root.
    $NotAFolder = Join-Path $TestDrive 'plain-file'
    Set-Content -LiteralPath $NotAFolder -Value 'not a folder'
}

Describe "Export-FrameDetection: an unwritable output is OutputWriteFailed per source$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It 'the first source''s partial file cannot be created (a folder in its place): OutputWriteFailed about it, the second source is written' {
        $out = Join-Path $TestDrive 'store-blocked'
        New-Item -ItemType Directory (Join-Path $out 'a.detections.jsonl.partial') -Force | Out-Null
        $files = @((New-Frames $A 20) + (New-Frames $B 25) | Export-FrameDetection -OutputDirectory $out -ErrorAction SilentlyContinue -ErrorVariable errs)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "OutputWriteFailed,$ExportId"
        $errs[0].CategoryInfo.Category | Should -Be 'WriteError'
        $errs[0].Exception.GetType().Name | Should -Be 'ResultWriteFailedException'
        "$($errs[0].TargetObject)" | Should -BeLike "*a.detections.jsonl*"
        $files.Name | Should -Be @('b.detections.jsonl')
        @(Import-FrameDetection -LiteralPath $files[0].FullName).Count | Should -Be 25
    }

    It "-OutputDirectory /proc/self: one non-terminating OutputWriteFailed per source, no raw .NET exception$NoProc" -Skip:($NoProc -ne '') {
        $files = @((New-Frames $A 20) + (New-Frames $B 25) | Export-FrameDetection -OutputDirectory /proc/self -ErrorAction SilentlyContinue -ErrorVariable errs)
        $files.Count | Should -Be 0
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeExactly "OutputWriteFailed,$ExportId" }
        "$($errs[0])" | Should -BeLike '*/proc/self*'
    }

    It '-OutputDirectory under a regular file: InvalidOutputPath names the folder (it cannot be created), per source' {
        $out = Join-Path $NotAFolder 'store'
        $files = @((New-Frames $A 20) + (New-Frames $B 25) | Export-FrameDetection -OutputDirectory $out -ErrorAction SilentlyContinue -ErrorVariable errs)
        $files.Count | Should -Be 0
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeExactly "InvalidOutputPath,$ExportId" }
        "$($errs[0])" | Should -BeLike "*$out*"
    }

    It 'the whole run goes on in a child pwsh as a script: exit code 0 from the script body, the second file written' {
        # A terminating .NET exception would end the pipeline before b.avi; here the script reaches its last line.
        $out = Join-Path $TestDrive 'store-child'
        New-Item -ItemType Directory (Join-Path $out 'a.detections.jsonl.partial') -Force | Out-Null
        $script = Join-Path $TestDrive 'child.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Module, $A, $B, $Out)
Import-Module $Module
$frames = foreach ($p in $A, $B) { foreach ($f in 0..($p -like '*b.avi' ? 24 : 19)) { [VideoDetect.Inference.FrameDetections]@{ Path = $p; FrameIndex = $f; ClipIndex = [int][Math]::Floor($f / 10); Detections = @() } } }
$frames | Export-FrameDetection -OutputDirectory $Out -ErrorAction Continue 2>$null | ForEach-Object { "wrote $($_.Name)" }
"errors: $(($Error | ForEach-Object FullyQualifiedErrorId) -join ';')"
'@
        $pwsh = Get-PwshCommand
        $lines = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $script -Module $ModulePath -A $A -B $B -Out $out
        $LASTEXITCODE | Should -Be 0
        $lines | Should -Contain 'wrote b.detections.jsonl' -Because ($lines -join "`n")
        ($lines | Where-Object { $_ -like 'errors:*' }) | Should -BeExactly "errors: OutputWriteFailed,$ExportId"
    }
}

Describe "Export-AnnotatedVideo: the output is checked before the source is decoded$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    It "-Path /proc/x.mp4: OutputWriteFailed (not EncoderFailed), before any frame is encoded$NoProc" -Skip:($NoProc -ne '') {
        $e = { New-Frames $A 20 | Export-AnnotatedVideo -Path /proc/x.mp4 -Codec Mjpg -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "OutputWriteFailed,$AnnotateId" -PassThru
        $e.CategoryInfo.Category | Should -Be 'WriteError'
        $e.Exception.Message | Should -BeLike '*/proc*'
        $e.Exception.Message | Should -Not -BeLike '*ffmpeg*'
    }

    It 'the first source''s target is a folder: OutputWriteFailed about it, the second source is written' {
        $out = Join-Path $TestDrive 'annotated-blocked'
        New-Item -ItemType Directory (Join-Path $out 'a.annotated.mp4') -Force | Out-Null
        $files = @((New-Frames $A 20) + (New-Frames $B 25) | Export-AnnotatedVideo -OutputDirectory $out -Codec Mjpg -PassThruFile -ErrorAction SilentlyContinue -ErrorVariable errs -WarningAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly "OutputWriteFailed,$AnnotateId"
        "$($errs[0].TargetObject)" | Should -BeLike '*a.annotated.mp4'
        $files.Name | Should -Be @('b.annotated.mp4')
        # Nothing of a.avi was started: no temporary file left beside the folder in its way.
        @(Get-ChildItem -LiteralPath $out -Force -Filter '.a.annotated.*').Count | Should -Be 0
    }

    It '-OutputDirectory /proc/self: one OutputWriteFailed per source, the command ends normally' -Skip:($NoProc -ne '') {
        $files = @((New-Frames $A 20) + (New-Frames $B 25) | Export-AnnotatedVideo -OutputDirectory /proc/self -Codec Mjpg -PassThruFile -ErrorAction SilentlyContinue -ErrorVariable errs -WarningAction SilentlyContinue)
        $files.Count | Should -Be 0
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeExactly "OutputWriteFailed,$AnnotateId" }
    }
}
