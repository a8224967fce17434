# Shared by the *.Tests.ps1 files: dot-source it in BeforeDiscovery (for -Skip conditions and test
# names) and in BeforeAll (for the test bodies).

$script:ModulePath = if ($env:VIDEODETECT_MODULE) { $env:VIDEODETECT_MODULE } else { Join-Path $PSScriptRoot '../../out/VideoDetect' }
# The fixtures live beside the repository (../shared/videos, ../shared/models), or under
# $env:VIDEODETECT_SHARED. Without them the sample videos are OpenCV's own copies of the same files,
# which `build.ps1 deps` obtains (Debian's opencv-doc, or out/samples unpacked from it); the COCO
# fixture models have no such fallback.
$script:SharedRoot = if ($env:VIDEODETECT_SHARED) { $env:VIDEODETECT_SHARED } else { Join-Path $PSScriptRoot '../../../shared' }
$script:SharedModels = Join-Path $SharedRoot 'models'
# Every fixture a test reads: when one is missing, the tests that need it skip and say which.
$script:FixtureVideos = 'vtest.avi', 'Megamind.avi', 'Megamind_bugy.avi', 'tree.avi'
$script:FixtureModels = 'yolox_nano.onnx', 'nanodet_m_416.onnx', 'FastestDet.onnx', 'version-RFB-320.onnx'
$script:MissingModels = @($FixtureModels | Where-Object { -not (Test-Path -LiteralPath (Join-Path $SharedModels $_)) })
$script:HaveModels = $MissingModels.Count -eq 0
$script:SharedVideos = @((Join-Path $SharedRoot 'videos'), '/usr/share/doc/opencv-doc/examples/data', (Join-Path $PSScriptRoot '../../out/samples')) |
    Where-Object { $dir = $_; -not ($FixtureVideos | Where-Object { -not (Test-Path -LiteralPath (Join-Path $dir $_)) }) } |
    Select-Object -First 1
$script:HaveShared = $null -ne $SharedVideos
if ($HaveShared) { $script:SharedVideos = (Resolve-Path -LiteralPath $SharedVideos).ProviderPath }
else { $script:SharedVideos = Join-Path $SharedRoot 'videos' }
$script:HaveFfmpeg = $null -ne (Get-Command ffmpeg -CommandType Application -ErrorAction Ignore)
$script:HaveFfprobe = $null -ne (Get-Command ffprobe -CommandType Application -ErrorAction Ignore)

# Suffixes for test names, so a skipped test says why it was skipped.
$script:NoShared = if ($HaveShared) { '' } else { " [skipped: sample videos ($($FixtureVideos -join ', ')) not all found at $SharedVideos nor from opencv-doc (build.ps1 deps)]" }
$script:NoModels = if ($HaveModels) { '' } else { " [skipped: missing from $($SharedModels): $($MissingModels -join ', ')]" }
$script:NoFfmpeg = if ($HaveFfmpeg) { '' } else { ' [skipped: ffmpeg is not installed]' }
$script:NoFfprobe = if ($HaveFfprobe) { '' } else { ' [skipped: ffprobe is not installed]' }

# Never read or fill a developer's own index cache: without VIDEODETECT_CACHE the module would use
# ~/.cache/VideoDetect/index. (build.ps1 test sets a fresh one; the module reads it once per process.)
if (-not $env:VIDEODETECT_CACHE) {
    $env:VIDEODETECT_CACHE = Join-Path ([IO.Path]::GetTempPath()) "videodetect-pester-cache-$PID"
}

$script:GetInfoId = 'VideoDetect.Commands.GetVideoInfoCommand'
$script:SplitId = 'VideoDetect.Commands.SplitVideoClipCommand'

function Get-SharedVideo([string] $Name) { Join-Path $script:SharedVideos $Name }

# Makes a test video with ffmpeg's test source; throws when ffmpeg fails.
function New-TestVideo {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [int] $Frames = 130,
        [string] $Rate = '25',
        [string] $Size = '160x120',
        [string[]] $Codec = @('-c:v', 'mpeg4')
    )
    $ffArgs = @('-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', "testsrc=size=${Size}:rate=$Rate",
        '-frames:v', "$Frames") + $Codec + @('-pix_fmt', 'yuv420p', $Path)
    $out = & ffmpeg @ffArgs 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ffmpeg $($ffArgs -join ' ') failed ($LASTEXITCODE): $out" }
    $Path
}

# True when this ffmpeg has the named encoder (e.g. libaom-av1).
function Test-FfmpegEncoder([string] $Name) {
    if (-not $script:HaveFfmpeg) { return $false }
    [bool](& ffmpeg -hide_banner -encoders 2>$null | Select-String -Pattern "\s$([regex]::Escape($Name))\s" -Quiet)
}

# ffmpeg's option for variable-frame-rate output: -fps_mode since 5.1, -vsync before.
function Get-VfrOption {
    if ((& ffmpeg -hide_banner -h long 2>$null) -match '^\s*-fps_mode\b') { '-fps_mode' } else { '-vsync' }
}

# A TCP port free on 127.0.0.1 now (for a server a test starts).
function Get-FreePort {
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop(); $port
}

# A server process for a test (its output to files in TestDrive), and its end.
function Start-Server([string] $File, [string[]] $Arguments) {
    Start-Process -FilePath $File -ArgumentList $Arguments -PassThru -RedirectStandardOutput (Join-Path $TestDrive "out-$(New-Guid).txt") -RedirectStandardError (Join-Path $TestDrive "err-$(New-Guid).txt")
}
function Stop-Server($Process) {
    if ($Process -and -not $Process.HasExited) { $Process.Kill(); $Process.WaitForExit(5000) | Out-Null }
}

# Debian's python3, where python3-gi is installed (a python3 earlier on the PATH, e.g. pyenv's, lacks it).
function Get-SystemPython {
    if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { (Get-Command python3 -ErrorAction Ignore).Source }
}

# Whether GStreamer's RTSP server can be started with <python> (python3-gi and gir1.2-gst-rtsp-server-1.0).
function Test-RtspServer([string] $Python) {
    if (-not $Python) { return $false }
    & $Python -c "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer" 2>$null
    $LASTEXITCODE -eq 0
}

# Whether SIGINT is ignored in a process (this one by default; one started in the background by a
# non-interactive shell ignores it, and its children inherit that: they cannot be stopped with SIGINT).
function Test-SigIntIgnored([int] $Id = $PID) {
    $mask = (Get-Content "/proc/$Id/status" -ErrorAction Ignore | Where-Object { $_ -like 'SigIgn:*' }) -replace '^SigIgn:\s*', ''
    [bool]($mask -and (([Convert]::ToUInt64($mask, 16) -band 2) -ne 0))
}

# The pwsh executable running these tests (under 'dotnet pwsh' the process is dotnet itself).
function Get-PwshCommand {
    $exe = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path -LiteralPath $exe) { return , @($exe) }
    , @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
}

# Compiles tests/Shared/SyntheticModels.cs (small ONNX graphs with known outputs, also used by the
# xunit tests) against the module's own OnnxSharp and Google.Protobuf; once per process.
function Import-SyntheticModels {
    if ('VideoDetect.Tests.SyntheticModels' -as [type]) { return }
    $dlls = 'Google.Protobuf.dll', 'OnnxSharp.dll' | ForEach-Object { Join-Path $script:ModulePath $_ }
    foreach ($dll in $dlls) { $null = [System.Reflection.Assembly]::LoadFrom($dll) }
    Add-Type -Path (Join-Path $PSScriptRoot '../Shared/SyntheticModels.cs') -ReferencedAssemblies ($dlls + 'netstandard') -IgnoreWarnings -WarningAction SilentlyContinue
}

# Metadata for a synthetic model, e.g. @{ names = "{0: 'cat'}" }.
function New-ModelMetadata([hashtable] $Table) {
    $d = [System.Collections.Generic.Dictionary[string, string]]::new()
    foreach ($k in $Table.Keys) { $d[$k] = $Table[$k] }
    , $d
}
