#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The one error table and the writers' shared lifecycle, as a user meets them: every category name is
# PowerShell's, about_VideoDetect_Errors lists every id, OutputExists reaches $_.Exception as one type
# from every writer, and -PassThru / -PassThruFile mean the same on every writer.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
}

Describe 'The error table' {
    It 'every kind of the table is an ErrorCategory name, and every id has one' {
        foreach ($name in [Enum]::GetNames([VideoDetect.Errors.ErrorKind])) {
            [Enum]::IsDefined([System.Management.Automation.ErrorCategory], $name) | Should -BeTrue -Because "ErrorKind.$name converts by name"
        }
        $ids = [VideoDetect.Errors.ErrorIds].GetFields() | Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
        @([VideoDetect.Errors.ErrorTable]::Entries.Id | Sort-Object) | Should -Be @($ids | Sort-Object)
    }

    It 'Get-Help about_VideoDetect_Errors lists every id with its category and when it happens' {
        $topic = Get-Help about_VideoDetect_Errors | Out-String
        $topic | Should -Match 'about_VideoDetect_Errors'
        foreach ($entry in [VideoDetect.Errors.ErrorTable]::Entries) {
            $topic | Should -Match "\b$($entry.Id) \($($entry.Kind)\)" -Because "$($entry.Id) is listed"
        }
        $topic | Should -Match 'ResultNotFound \(ObjectNotFound\)'
    }
}

Describe "The writers share one lifecycle$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
    BeforeAll {
        $video = New-TestVideo -Path (Join-Path $TestDrive 'clip.avi') -Frames 4 -Rate 10
        $frames = @(0..3 | ForEach-Object { [VideoDetect.Inference.FrameDetections]@{ Path = $video; FrameIndex = $_ } })
    }

    It 'OutputExists reaches $_.Exception as OutputExistsException, with category ResourceExists, from <Name>' -ForEach @(
        @{ Name = 'Export-FrameDetection'; Target = 'exists.detections.jsonl'; Extra = @{} }
        @{ Name = 'Export-AnnotatedVideo'; Target = 'exists.avi'; Extra = @{ Codec = 'Mjpg' } }
    ) {
        $target = Join-Path $TestDrive $Target
        Set-Content -LiteralPath $target -Value 'keep'
        $frames | & $Name -Path $target @Extra -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "OutputExists,VideoDetect.Commands.$($Name -replace '-')Command"
        $e[0].Exception.GetType().FullName | Should -Be 'VideoDetect.Results.OutputExistsException'
        $e[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $e[0].TargetObject | Should -Be $target
        Get-Content -LiteralPath $target | Should -Be 'keep'
    }

    It '<Name>: -PassThru emits the input frames, -PassThruFile the written file' -ForEach @(
        @{ Name = 'Export-FrameDetection'; Target = 'pass.detections.jsonl'; Extra = @{} }
        @{ Name = 'Export-AnnotatedVideo'; Target = 'pass.avi'; Extra = @{ Codec = 'Mjpg' } }
    ) {
        $framesTarget = Join-Path $TestDrive "frames-$Target"
        $out = @($frames | & $Name -Path $framesTarget @Extra -PassThru -WarningAction SilentlyContinue)
        $out.Count | Should -Be 4
        $out | ForEach-Object { $_ | Should -BeOfType ([VideoDetect.Inference.FrameDetections]) }
        @($out.FrameIndex) | Should -Be @(0, 1, 2, 3)
        $framesTarget | Should -Exist
        $fileTarget = Join-Path $TestDrive "file-$Target"
        $out = @($frames | & $Name -Path $fileTarget @Extra -PassThruFile -WarningAction SilentlyContinue)
        $out.Count | Should -Be 1
        $out[0] | Should -BeOfType ([System.IO.FileInfo])
        $out[0].FullName | Should -Be $fileTarget
    }
}
