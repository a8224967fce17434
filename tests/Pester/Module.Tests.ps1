#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The module as a whole: manifest, importing, format views and the index cache (help: Help.Tests.ps1).

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $manifestPath = Join-Path $ModulePath 'VideoDetect.psd1'
}

Describe 'Module manifest' {
    BeforeAll {
        $manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $data = Import-PowerShellDataFile -LiteralPath $manifestPath
    }

    It 'Test-ModuleManifest passes and names the binary module VideoDetect.dll' {
        $manifest.Name | Should -BeExactly 'VideoDetect'
        $data.RootModule | Should -BeExactly 'VideoDetect.dll'
    }

    It 'lists its cmdlets explicitly (no wildcards), including Get-VideoInfo and Split-VideoClip, and exports nothing else' {
        $data.CmdletsToExport | Should -Contain 'Get-VideoInfo'
        $data.CmdletsToExport | Should -Contain 'Split-VideoClip'
        $data.CmdletsToExport | Should -Not -Match '[*?\[]'
        @($data.FunctionsToExport).Count | Should -Be 0
        @($data.AliasesToExport).Count | Should -Be 0
        @($data.VariablesToExport).Count | Should -Be 0
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($data.CmdletsToExport | Sort-Object)
    }

    It 'CmdletsToExport is exactly the set of cmdlet classes in VideoDetect.dll' {
        $asm = (Get-Command Get-VideoInfo).ImplementingType.Assembly
        $declared = @($asm.GetExportedTypes() | ForEach-Object {
                $a = [Attribute]::GetCustomAttribute($_, [System.Management.Automation.CmdletAttribute])
                if ($a) { "$($a.VerbName)-$($a.NounName)" }
            } | Sort-Object)
        $declared | Should -Contain 'Get-VideoInfo'
        $declared | Should -Contain 'Split-VideoClip'
        @($data.CmdletsToExport | Sort-Object) | Should -Be $declared
    }

    It 'is for PowerShell 7.4+ (Core edition only)' {
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        @($manifest.CompatiblePSEditions) | Should -Be @('Core')
    }

    It 'has gallery metadata: Tags, LicenseUri, ProjectUri' {
        $psData = $data.PrivateData.PSData
        @($psData.Tags).Count | Should -BeGreaterThan 0
        $psData.Tags | Should -Contain 'PSEdition_Core'
        [uri]::IsWellFormedUriString($psData.LicenseUri, 'Absolute') | Should -BeTrue
        [uri]::IsWellFormedUriString($psData.ProjectUri, 'Absolute') | Should -BeTrue
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.ProjectUri | Should -Not -BeNullOrEmpty
    }

    It 'ships its format, type and help files' {
        foreach ($f in 'VideoDetect.format.ps1xml', 'VideoDetect.types.ps1xml', 'en-US/VideoDetect.dll-Help.xml', 'en-US/about_VideoDetect.help.txt') {
            Join-Path $ModulePath $f | Should -Exist
        }
    }
}

Describe 'Importing' {
    It 'can be imported again, with and without -Force, and exports its cmdlets once' {
        { Import-Module $ModulePath -ErrorAction Stop; Import-Module $ModulePath -Force -ErrorAction Stop } | Should -Not -Throw
        @(Get-Module VideoDetect).Count | Should -Be 1
        $exported = @((Get-Module VideoDetect).ExportedCmdlets.Keys | Sort-Object)
        $exported | Should -Be @((Import-PowerShellDataFile -LiteralPath $manifestPath).CmdletsToExport | Sort-Object)
        $exported | Should -Contain 'Get-VideoInfo'
        $exported | Should -Contain 'Split-VideoClip'
        @(Get-Command -Module VideoDetect).Count | Should -Be $exported.Count
    }

    It "imports in parallel runspaces (ForEach-Object -Parallel) and reads a video in each$NoShared" -Skip:(-not $HaveShared) {
        $modulePath = $ModulePath
        $treePath = Get-SharedVideo 'tree.avi'
        $r = 1..2 | ForEach-Object -Parallel {
            Import-Module $using:modulePath -ErrorAction Stop
            (Get-VideoInfo $using:treePath).FrameCount
        } -ErrorVariable perr
        @($r) | Should -Be @(68, 68)
        @($perr).Count | Should -Be 0
    }

    It "imports in a fresh runspace of this process and reads a video there$NoShared" -Skip:(-not $HaveShared) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m, $v) Import-Module $m -ErrorAction Stop; (Get-VideoInfo -LiteralPath $v).FrameCount').
                AddArgument($ModulePath).AddArgument((Get-SharedVideo 'vtest.avi'))
            $r = $ps.Invoke()
            $ps.Streams.Error.Count | Should -Be 0
            @($r) | Should -Be @(795)
        }
        finally { $ps.Dispose() }
    }
}

Describe "Format views$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        $rendering = $PSStyle.OutputRendering
        $PSStyle.OutputRendering = 'PlainText'
    }
    AfterAll { $PSStyle.OutputRendering = $rendering }

    It 'Split-VideoClip output is a table: Name, Index, StartFrame, FrameCount, StartTime, EndTime; a partial clip is marked *' {
        $text = Split-VideoClip -Path (Get-SharedVideo 'vtest.avi') -Length 100 | Out-String -Width 200
        $text | Should -Match '(?m)^Name\s+Index\s+StartFrame\s+FrameCount\s+StartTime\s+EndTime\s*$'
        $text | Should -Match ([regex]::Escape("Directory: $SharedVideos"))
        $text | Should -Match '(?m)^vtest\.avi\s+0\s+0\s+100\s+00:00:00\.000\s+00:00:10\.000\s*$'
        $text | Should -Match '(?m)^vtest\.avi\s+7\s+700\s+95\*\s+00:01:10\.000\s+00:01:19\.500\s*$'
    }

    It 'Get-VideoInfo output is a table: Name, Codec, Size, FPS, Frames, Reported, Duration' {
        $text = Get-ChildItem -Path (Join-Path $SharedVideos '*.avi') | Get-VideoInfo | Out-String -Width 200
        $text | Should -Match '(?m)^Name\s+Codec\s+Size\s+FPS\s+Frames\s+Reported\s+Duration\s*$'
        $text | Should -Match '(?m)^vtest\.avi\s+MP43\s+768x576\s+10\s+795\s+795\s+00:01:19\.500\s*$'
        $text | Should -Match '(?m)^tree\.avi\s+cvid\s+320x240\s+15\s+68\s+444\s+00:00:29\.600\s*$'
        $text | Should -Match '(?m)^Megamind\.avi\s+FMP4\s+720x528\s+23\.976\s+270\s+270\s+00:00:11\.302\s*$'
    }
}

Describe "The index cache on disk$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        $pwsh = Get-PwshCommand
        # A fresh process: VIDEODETECT_CACHE is read once per process.
        function Invoke-Child([string] $CacheDir, [string] $Video) {
            $script = "Import-Module '$ModulePath'; `$i = Get-VideoInfo -LiteralPath '$Video'; '{0}|{1}|{2}' -f `$i.Codec, `$i.FrameCount, `$i.FrameCountMethod"
            $saved = $env:VIDEODETECT_CACHE
            try {
                $env:VIDEODETECT_CACHE = $CacheDir
                $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1
            }
            finally { $env:VIDEODETECT_CACHE = $saved }
            if ($LASTEXITCODE -ne 0) { throw "child pwsh failed: $out" }
            @($out)[-1].ToString()
        }
    }

    It 'writes one JSON entry per video to $env:VIDEODETECT_CACHE, and a new process reads it back' {
        $cache = Join-Path $TestDrive 'cache'
        Invoke-Child $cache (Get-SharedVideo 'tree.avi') | Should -BeExactly 'cvid|68|Counted'
        $entries = @(Get-ChildItem -LiteralPath $cache -Filter '*.json')
        $entries.Count | Should -Be 1
        $entries[0].Name | Should -Match '^[0-9A-F]{32}\.json$'
        $json = Get-Content -LiteralPath $entries[0].FullName -Raw | ConvertFrom-Json
        $json.Info.FrameCount | Should -Be 68
        @($json.TimestampsMs).Count | Should -Be 68
        # Prove the second process uses the entry rather than probing again: mark it.
        $json.Info.Codec = 'TEST'
        $json | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $entries[0].FullName
        Invoke-Child $cache (Get-SharedVideo 'tree.avi') | Should -BeExactly 'TEST|68|Counted'
    }

    It 'a corrupt entry is ignored and the video probed again' {
        $cache = Join-Path $TestDrive 'corrupt'
        Invoke-Child $cache (Get-SharedVideo 'vtest.avi') | Should -BeExactly 'MP43|795|Verified'
        $entry = @(Get-ChildItem -LiteralPath $cache -Filter '*.json')[0]
        Set-Content -LiteralPath $entry.FullName -Value '{ not json'
        Invoke-Child $cache (Get-SharedVideo 'vtest.avi') | Should -BeExactly 'MP43|795|Verified'
    }

    It 'VIDEODETECT_CACHE=off writes nothing to disk' {
        $cache = Join-Path $TestDrive 'off'
        Push-Location -LiteralPath $TestDrive
        try { Invoke-Child 'off' (Get-SharedVideo 'tree.avi') | Should -BeExactly 'cvid|68|Counted' }
        finally { Pop-Location }
        Join-Path $TestDrive 'off' | Should -Not -Exist
        $cache | Should -Not -Exist
    }
}
