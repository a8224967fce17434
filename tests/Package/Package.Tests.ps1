#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The packages that `build.ps1 package` wrote (out/packages/<flavour>/VideoDetect.<version>.nupkg),
# installed as a user would: a local file repository registered with PSResourceGet, Install-PSResource
# into a clean module path (a temporary HOME, so the CurrentUser scope is empty and the repository
# store is new), then a fresh pwsh that imports the module by name and runs it. Run by `build.ps1
# package` only: packing and installing both flavours takes about a minute.

BeforeDiscovery {
    $Packages = if ($env:VIDEODETECT_PACKAGES) { $env:VIDEODETECT_PACKAGES } else { Join-Path $PSScriptRoot '../../out/packages' }
    $Flavours = @('gpu', 'cpu' | Where-Object { Test-Path (Join-Path $Packages "$_/*.nupkg") } | ForEach-Object { @{ Flavour = $_; Folder = Join-Path $Packages $_ } })
}

BeforeAll {
    $Packages = if ($env:VIDEODETECT_PACKAGES) { $env:VIDEODETECT_PACKAGES } else { Join-Path $PSScriptRoot '../../out/packages' }
    $Manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../VideoDetect.psd1')
    # The pwsh running these tests (under 'dotnet pwsh' the process is dotnet itself).
    function Invoke-CleanPwsh([string] $HomeDir, [string] $Script) {
        $exe = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $command = if (Test-Path -LiteralPath $exe) { @($exe) } else { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) }
        $saved = @{ HOME = $env:HOME; PSModulePath = $env:PSModulePath; VIDEODETECT_MODULE = $env:VIDEODETECT_MODULE }
        try {
            $env:HOME = $HomeDir
            $env:PSModulePath = $null   # pwsh rebuilds it: the (empty) user scope, the shared one, its own
            $env:VIDEODETECT_MODULE = $null
            $first, $rest = $command
            $out = & $first @rest -NoProfile -NonInteractive -Command $Script 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
        }
        finally { foreach ($k in $saved.Keys) { Set-Item "env:$k" $saved[$k] } }
    }
}

Describe 'build.ps1 package wrote both flavours' {
    It 'has a GPU and a CPU package, the CPU one far smaller' {
        $gpu = Get-ChildItem (Join-Path $Packages 'gpu') -Filter '*.nupkg'
        $cpu = Get-ChildItem (Join-Path $Packages 'cpu') -Filter '*.nupkg'
        $gpu.Name | Should -Be "VideoDetect.$($Manifest.ModuleVersion).nupkg"
        $cpu.Name | Should -Be "VideoDetect.$($Manifest.ModuleVersion).nupkg"
        $cpu.Length | Should -BeLessThan ($gpu.Length / 2)
    }
}

Describe 'The <Flavour> package' -ForEach $Flavours {
    BeforeAll {
        $TempHome = Join-Path ([IO.Path]::GetTempPath()) "vd-package-$Flavour-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $TempHome | Out-Null
        # A small test video (build.ps1 package installs ffmpeg first, as deps does).
        $video = Join-Path $TempHome 'clip.avi'
        & ffmpeg -v error -nostdin -y -f lavfi -i 'testsrc=size=160x120:rate=10' -frames:v 20 -c:v mpeg4 $video
        if ($LASTEXITCODE -ne 0) { throw 'ffmpeg could not make the test video' }
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name VideoDetectLocal -Uri '$Folder' -Trusted
Install-PSResource VideoDetect -Repository VideoDetectLocal -Scope CurrentUser -TrustRepository -Quiet
`$installed = Get-InstalledPSResource VideoDetect
Import-Module VideoDetect
`$m = Get-Module VideoDetect
`$info = Get-VideoInfo '$video'
`$w = @()
`$d = @(Split-VideoClip '$video' -Length 8 -End 8 | ConvertTo-FrameBatch -WarningVariable +w -WarningAction SilentlyContinue | Invoke-FrameDetection)
`$db = Join-Path '$TempHome' 'events.db'
[VideoDetect.Events.DetectionEvent]@{ Path = '$video'; Label = 'face'; TrackId = 1; EndFrame = 7 } | Export-DetectionEvent -Database `$db
# Send-DetectionEvent to a port where no broker listens: MQTTnet must load from the module folder to try it.
[VideoDetect.Events.DetectionEvent]@{ Path = '$video'; Label = 'face'; TrackId = 1 } | Send-DetectionEvent -MqttServer 127.0.0.1:1 -Topic vd/t -FlushTimeout 00:00:01 -ErrorAction SilentlyContinue -ErrorVariable mqErr
[pscustomobject]@{
    Installed = `$installed.InstalledLocation; Base = `$m.ModuleBase; Version = "`$(`$m.Version)"
    Cmdlets = @(`$m.ExportedCmdlets.Keys | Sort-Object); Functions = `$m.ExportedFunctions.Count
    Frames = `$info.FrameCount; Width = `$info.Width; Detected = `$d.Count; Warnings = `$w.Count
    Events = @(Import-DetectionEvent `$db -Label face).Count
    Mqtt = @(`$mqErr | ForEach-Object FullyQualifiedErrorId | Select-Object -Unique); MqttLoadedFrom = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'MQTTnet' } | ForEach-Object Location)
    Provider = "`$((Get-DetectionModel).Provider)"; Reason = (Get-DetectionModel).FallbackReason
    Topics = @(foreach (`$t in 'about_VideoDetect', 'about_VideoDetect_ResultStore', 'about_VideoDetect_Tracking', 'about_VideoDetect_Errors') {
        if ((Get-Help `$t -ErrorAction SilentlyContinue | Out-String) -match "(?m)^\s*(TOPIC\s*\r?\n\s*)?`$t\b") { `$t } })
} | ConvertTo-Json -Compress
"@
        $run = Invoke-CleanPwsh $TempHome $script
        $result = try { ($run.Text -split "`n" | Where-Object { $_ -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json } catch { $null }
    }
    AfterAll { Remove-Item $TempHome -Recurse -Force -ErrorAction Ignore }

    It 'installs from a local repository into the clean user scope and imports by name in a fresh pwsh' {
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $result.Installed | Should -BeLike "$TempHome*"
        $result.Base | Should -BeLike "$TempHome*"
        $result.Version | Should -Be $Manifest.ModuleVersion
    }

    It 'exports the cmdlets of the manifest and nothing else' {
        $result.Cmdlets | Should -Be @($Manifest.CmdletsToExport | Sort-Object)
        $result.Functions | Should -Be 0
    }

    It 'runs Get-VideoInfo and a detection with the embedded model' {
        $result.Frames | Should -Be 20
        $result.Width | Should -Be 160
        $result.Detected | Should -Be 8
    }

    It 'writes and reads an events database (its native e_sqlite3 found in the installed module folder)' {
        $result.Events | Should -Be 1
    }

    It 'loads MQTTnet from the installed module folder: Send-DetectionEvent tries the broker and says it cannot reach it' {
        $result.Mqtt | Should -Be 'NotificationFailed,VideoDetect.Commands.SendDetectionEventCommand'
        $result.MqttLoadedFrom | Should -BeLike "$($result.Base)*MQTTnet.dll"
    }

    It 'serves the about_ topics with Get-Help, installed as a user installs it' {
        $result.Topics | Should -Be @('about_VideoDetect', 'about_VideoDetect_ResultStore', 'about_VideoDetect_Tracking', 'about_VideoDetect_Errors')
    }

    It 'picks its provider quietly where nothing is wrong' {
        if ($Flavour -eq 'cpu') {
            $result.Provider | Should -Be 'Cpu'
            $result.Reason | Should -Match 'no CUDA provider'
            $result.Warnings | Should -Be 0
        }
        elseif (-not ((Test-Path '/dev/nvidia*') -or [bool](& ldconfig -p 2>$null | Select-String -SimpleMatch 'libcuda.so.1'))) {
            $result.Provider | Should -Be 'Cpu'
            $result.Reason | Should -Match 'no NVIDIA driver'
            $result.Warnings | Should -Be 0
        }
        else { Set-ItResult -Skipped -Because 'this machine has an NVIDIA driver: a warning may be right' }
    }
}
