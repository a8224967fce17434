#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# No orphans: Export-AnnotatedVideo killed with SIGKILL leaves its hidden temporary file
# (.name.annotated.<hex>.tmp.mp4); the next export into that folder removes it, and never the file
# of a writer still running (the OS-lock rule of the result store's claims).

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Pwsh = Get-PwshCommand

    Import-SyntheticModels
    $Model = Join-Path $TestDrive 'yolov5.onnx'
    [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($Model, 32, 2, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog'}" }))

    # Starts Export-AnnotatedVideo of one stored result file in a child pwsh; returns the process.
    function Start-Export([string] $Detections, [string] $Out) {
        $command = "Import-Module '$ModulePath' -ErrorAction Stop; Import-FrameDetection -LiteralPath '$Detections' | Export-AnnotatedVideo -OutputDirectory '$Out' -Codec H264 -ErrorAction Stop | Out-Null"
        $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh[0])
        foreach ($a in @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $command)) { $psi.ArgumentList.Add("$a") }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        [System.Diagnostics.Process]::Start($psi)
    }

    # The hidden temporary files of <name>.annotated.mp4 in $Out that have bytes (the encoder is writing).
    function Get-Pending([string] $Out, [string] $Name) {
        @(Get-ChildItem -LiteralPath $Out -Force -Filter ".$Name.annotated.*.tmp.mp4" -ErrorAction Ignore | Where-Object Length -GT 0)
    }

    function Wait-Pending([string] $Out, [string] $Name, $Process) {
        $deadline = [datetime]::Now.AddSeconds(120)
        while ((Get-Pending $Out $Name).Count -eq 0) {
            if ($Process.HasExited) { throw "the export ended ($($Process.ExitCode)) before encoding was seen: $($Process.StandardError.ReadToEnd())" }
            if ([datetime]::Now -gt $deadline) { $Process.Kill(); throw 'no temporary file being written in 120 s' }
            Start-Sleep -Milliseconds 20
        }
    }
}

Describe 'Orphaned temporary files of Export-AnnotatedVideo' {
    It "a killed export's temporary file is removed by the next export into the folder, a live writer's is kept$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
        $src = Join-Path $TestDrive 'src'
        $det = Join-Path $TestDrive 'det'
        $out = Join-Path $TestDrive 'out'
        New-Item -ItemType Directory $src, $out | Out-Null
        # Large frames, so that encoding takes seconds; the detections (synthetic model) take next to nothing.
        $null = New-TestVideo -Path (Join-Path $src 'killed.avi') -Frames 300 -Rate 25 -Size 640x480
        $null = New-TestVideo -Path (Join-Path $src 'next.avi') -Frames 10 -Rate 10
        Get-ChildItem -LiteralPath $src -Filter *.avi | Split-VideoClip -Length 64 | ConvertTo-FrameBatch -Model $Model | Invoke-FrameDetection |
            Export-FrameDetection -OutputDirectory $det | Out-Null

        # A writer of this process, live throughout: its claimed temporary file is never removed.
        $live = [VideoDetect.Results.PendingFile]::Hidden((Join-Path $out 'live.annotated.mp4'))
        try {
            # SIGKILL mid-encode: nothing of the module runs, the temporary file stays.
            $killed = Start-Export (Join-Path $det 'killed.detections.jsonl') $out
            try { Wait-Pending $out 'killed' $killed } finally { if (-not $killed.HasExited) { $killed.Kill() } }
            $killed.WaitForExit()
            $orphan = Get-Pending $out 'killed'
            $orphan.Count | Should -Be 1 -Because 'a killed export leaves its temporary file'
            Test-Path -LiteralPath $live.TempPath | Should -BeTrue -Because "the killed export's sweep kept the live writer's file"

            # The next export into the folder removes the orphan, and says so.
            $said = Import-FrameDetection -LiteralPath (Join-Path $det 'next.detections.jsonl') |
                Export-AnnotatedVideo -OutputDirectory $out -Verbose 4>&1 | ForEach-Object { "$_" }
            $said | Should -Contain "Removed '$($orphan[0].FullName)', a temporary file its writer left when it was killed."
            Test-Path -LiteralPath $orphan[0].FullName | Should -BeFalse
            Test-Path -LiteralPath $live.TempPath | Should -BeTrue -Because 'a live writer holds its file'
        }
        finally { $live.Dispose() }
        (Get-ChildItem -LiteralPath $out -Force).Name | Should -Be 'next.annotated.mp4'
        (Get-VideoInfo -Path (Join-Path $out 'next.annotated.mp4')).FrameCount | Should -Be 10
    }
}
