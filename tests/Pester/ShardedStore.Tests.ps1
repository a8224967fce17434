#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Shards writing one shared result store: the shard script (deploy/k8s/run-shard.ps1, the container's
# entry script) run here, as a Kubernetes indexed Job would (JOB_COMPLETION_INDEX), and over
# PowerShell remoting (SSH to localhost; build.ps1 deps sets sshd up when run as root). Each must
# leave the store equal to a single-machine run. Tiny synthetic videos and a synthetic YOLOv5 model.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    $SshPort = $env:VIDEODETECT_TEST_SSH_PORT
    $SshKey = $env:VIDEODETECT_TEST_SSH_KEY
    $NoSsh = if (-not $SshPort -or -not $SshKey -or -not (Test-Path -LiteralPath "$SshKey")) {
        ' (skipped: no test sshd; build.ps1 deps sets one up when run as root on Debian/Ubuntu, and exports VIDEODETECT_TEST_SSH_PORT/KEY)'
    }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $ShardScript = Join-Path $PSScriptRoot '../../deploy/k8s/run-shard.ps1' | Resolve-Path | ForEach-Object Path
    $Pwsh = Get-PwshCommand
    Import-SyntheticModels
    $Model = Join-Path $TestDrive 'yolov5.onnx'
    [VideoDetect.Tests.SyntheticModels]::WriteYoloV5($Model, 32, 2, 1, 16, 16, 8, 12, (New-ModelMetadata @{ names = "{0: 'cat', 1: 'dog'}" }))
    $Src = Join-Path $TestDrive 'footage'
    New-Item -ItemType Directory (Join-Path $Src 'north'), (Join-Path $Src 'south') | Out-Null
    $i = 0
    foreach ($frames in 40, 24, 16, 12, 8) {
        $null = New-TestVideo -Path (Join-Path $Src "$(@('north', 'south')[$i % 2])/cam $i.avi") -Frames $frames -Rate 10 -Size 32x32
        $i++
    }
    $ShardArgs = @{ Footage = $Src; Model = $Model; Module = $ModulePath; Filter = '*.avi' }

    # A store as comparable bytes: per file, the records after the header line (the header differs by start time) and the header's source.
    function Get-Store([string] $Dir) {
        Get-ChildItem -LiteralPath $Dir -Force | Sort-Object Name | ForEach-Object {
            $lines = [IO.File]::ReadAllLines($_.FullName)
            $h = $lines[0] | ConvertFrom-Json
            "$($_.Name) $($h.source.path) $($h.source.frameCount) $([string]::Join("`n", $lines[1..($lines.Count - 1)]).GetHashCode())"
        }
    }
    $Whole = Join-Path $TestDrive 'whole'
    & $ShardScript -Index 0 -Count 1 -Store $Whole @ShardArgs | Out-Null
    $WholeStore = Get-Store $Whole
}

Describe 'Shards into one shared result store' {
    It 'a single-machine run stores every video, with paths relative to the footage root' {
        $WholeStore.Count | Should -Be 5
        $WholeStore[0] | Should -BeLike 'cam 0.detections.jsonl north/cam 0.avi 40 *'
    }

    It '2 shards run one after the other equal the single-machine run; a re-run of a shard does nothing; Get-DetectionStore says Done' {
        $store = Join-Path $TestDrive 'two'
        $a = @(& $ShardScript -Index 0 -Count 2 -Store $store @ShardArgs)
        $b = @(& $ShardScript -Index 1 -Count 2 -Store $store @ShardArgs)
        $a.Count + $b.Count | Should -Be 5
        $a.Count | Should -BeGreaterThan 0
        $b.Count | Should -BeGreaterThan 0
        Get-Store $store | Should -Be $WholeStore
        @(& $ShardScript -Index 0 -Count 2 -Store $store @ShardArgs).Count | Should -Be 0 -Because 'the store has its work already'
        $state = @(Get-ChildItem -LiteralPath $Src -Recurse -Filter *.avi | Get-DetectionStore $store -Root $Src)
        $state.Count | Should -Be 5
        $state.State | Select-Object -Unique | Should -Be 'Done'
        @(Get-DetectionStore $store).Source | Sort-Object | Should -Be @('north/cam 0.avi', 'north/cam 2.avi', 'north/cam 4.avi', 'south/cam 1.avi', 'south/cam 3.avi')
    }

    It 'a video left partial by a failed shard is Partial, then a re-run does only its missing clips' {
        $store = Join-Path $TestDrive 'failed'
        # The first 16 of cam 0's 40 frames reach the store, as if the shard had died there.
        Split-VideoClip -LiteralPath (Join-Path $Src 'north/cam 0.avi') -Length 8 -End 16 -Root $Src |
            ConvertTo-FrameBatch -Root $Src -Model $Model -BatchSize 4 -WarningAction SilentlyContinue | Invoke-FrameDetection |
            Export-FrameDetection -OutputDirectory $store -Root $Src -WarningAction SilentlyContinue | Out-Null
        $before = Get-DetectionStore $store
        $before.State | Should -Be 'Partial'
        $before.LastFrame | Should -Be 15
        foreach ($k in 0, 1) { & $ShardScript -Index $k -Count 2 -Store $store @ShardArgs | Out-Null }
        Get-Store $store | Should -Be $WholeStore
    }

    It 'the container entry script takes its shard from JOB_COMPLETION_INDEX and processes exactly that shard' {
        $store = Join-Path $TestDrive 'k8s'
        $expected = @(Get-ChildItem -LiteralPath $Src -Recurse -Filter *.avi | Split-VideoClip -Length 8 -Shard 1/2 -Root $Src |
            ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_.Path) + '.detections.jsonl' } | Select-Object -Unique | Sort-Object)
        $env:JOB_COMPLETION_INDEX = '1'; $env:VIDEODETECT_SHARDS = '2'; $env:VIDEODETECT_FOOTAGE = $Src
        $env:VIDEODETECT_STORE = $store; $env:VIDEODETECT_MODEL = $Model; $env:VIDEODETECT_FILTER = '*.avi'
        $module = $env:VIDEODETECT_MODULE; $env:VIDEODETECT_MODULE = $ModulePath
        try {
            $out = & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $ShardScript 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$out"
        }
        finally {
            'JOB_COMPLETION_INDEX', 'VIDEODETECT_SHARDS', 'VIDEODETECT_FOOTAGE', 'VIDEODETECT_STORE', 'VIDEODETECT_MODEL', 'VIDEODETECT_FILTER' | ForEach-Object { Remove-Item "Env:$_" -ErrorAction Ignore }
            $env:VIDEODETECT_MODULE = $module
        }
        @(Get-ChildItem -LiteralPath $store).Name | Sort-Object | Should -Be $expected
        Get-Store $store | Should -Be @($WholeStore | Where-Object { $expected -contains ($_ -split '(?<=\.jsonl) ')[0] })
    }
}

Describe "Shards over PowerShell remoting (SSH)$NoSsh" -Skip:([bool]$NoSsh) {
    It '2 shards in 2 remote sessions (Invoke-Command -ThrottleLimit 2) leave the store equal to the single-machine run' {
        $store = Join-Path $TestDrive 'remote'
        $ssh = @{
            HostName = 'localhost'; Port = [int]$env:VIDEODETECT_TEST_SSH_PORT; UserName = [Environment]::UserName; KeyFilePath = $env:VIDEODETECT_TEST_SSH_KEY
            Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }   # a throwaway host key
        }
        $sessions = @(0, 1 | ForEach-Object { New-PSSession @ssh -ErrorAction Stop })
        try {
            for ($k = 0; $k -lt 2; $k++) { Invoke-Command -Session $sessions[$k] -ScriptBlock { $global:ShardIndex = $args[0] } -ArgumentList $k }
            $names = Invoke-Command -Session $sessions -ThrottleLimit 2 -ScriptBlock {
                $shardArgs = $using:ShardArgs
                & $using:ShardScript -Index $global:ShardIndex -Count 2 -Store $using:store @shardArgs
            }
            @($names).Count | Should -Be 5
        }
        finally { $sessions | Remove-PSSession }
        Get-Store $store | Should -Be $WholeStore
    }
}
