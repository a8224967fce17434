#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for planning across machines: Split-VideoClip -Shard / -ShardUnit / -Root,
# ConvertTo-FrameBatch -Root, and shards writing one shared result store. 22 tiny synthetic videos
# of mixed lengths (32x32) keep them fast.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $Src = Join-Path $TestDrive 'footage'
    New-Item -ItemType Directory (Join-Path $Src 'site a'), (Join-Path $Src 'site b') | Out-Null
    # Mixed lengths: a few long recordings, many short ones.
    $Lengths = @(120, 96, 80, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 10, 14, 18, 22, 26, 30, 34, 38)
    $Files = for ($i = 0; $i -lt $Lengths.Count; $i++) {
        New-TestVideo -Path (Join-Path $Src "site $('ab'[$i % 2])/cam$i.avi") -Frames $Lengths[$i] -Rate 10 -Size 32x32
    }
    # "relative path:start-end" of every clip, sorted: the plan as a set.
    function Get-Plan($Clips, [string] $Root) {
        @($Clips | ForEach-Object { "$([IO.Path]::GetRelativePath($Root, $_.Path).Replace('\', '/')):$($_.StartFrame)-$($_.EndFrame)" } | Sort-Object)
    }
    $Listing = Get-ChildItem -LiteralPath $Src -Recurse -Filter *.avi
    $Full = Get-Plan ($Listing | Split-VideoClip -Length 8) $Src
}

Describe 'Split-VideoClip -Shard' {
    It 'the 3 shards are disjoint, their union is the full plan, balanced by frames within 20 %' {
        $shards = foreach ($k in 0..2) { , (Get-Plan ($Listing | Split-VideoClip -Length 8 -Shard "$k/3" -Root $Src) $Src) }
        $all = @($shards | ForEach-Object { $_ })
        $all.Count | Should -Be $Full.Count -Because 'no clip is in two shards'
        ($all | Sort-Object) | Should -Be $Full
        $frames = foreach ($s in $shards) { ($s | ForEach-Object { $a, $b = ($_ -split ':')[-1] -split '-'; [int]$b - [int]$a } | Measure-Object -Sum).Sum }
        $mean = ($Lengths | Measure-Object -Sum).Sum / 3
        ($frames | Measure-Object -Maximum).Maximum / $mean | Should -BeLessOrEqual 1.2
        foreach ($s in $shards) {
            $videos = @($s | ForEach-Object { ($_ -split ':')[0] } | Select-Object -Unique)
            foreach ($v in $videos) { @($all | Where-Object { $_.StartsWith("${v}:") }).Count | Should -Be @($s | Where-Object { $_.StartsWith("${v}:") }).Count -Because "$v is whole on one shard" }
        }
    }

    It 'each machine computes its shard alone: the listing''s order and the mount point do not matter' {
        $here = Get-Plan ($Listing | Split-VideoClip -Length 8 -Shard 1/3 -Root $Src) $Src
        $mount = Join-Path $TestDrive 'other-mount'
        New-Item -ItemType SymbolicLink -Path $mount -Target $Src | Out-Null
        $reversed = @(Get-ChildItem -LiteralPath $mount -Recurse -Filter *.avi | Sort-Object FullName -Descending)
        $there = Get-Plan ($reversed | Split-VideoClip -Length 8 -Shard 1/3 -Root $mount) $mount
        $there | Should -Be $here
        $here.Count | Should -BeGreaterThan 0
    }

    It 'without -Root, files named alike in two folders are a warning (their key is the file name)' {
        $twins = Join-Path $TestDrive 'twins'
        New-Item -ItemType Directory (Join-Path $twins 'x'), (Join-Path $twins 'y') | Out-Null
        foreach ($d in 'x', 'y') { $null = New-TestVideo -Path (Join-Path $twins "$d/cam.avi") -Frames 8 -Size 32x32 }
        $null = Get-ChildItem -LiteralPath $twins -Recurse -Filter *.avi | Split-VideoClip -Length 8 -Shard 0/2 -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match "share the shard key 'cam.avi'"
        $null = Get-ChildItem -LiteralPath $twins -Recurse -Filter *.avi | Split-VideoClip -Length 8 -Shard 0/2 -Root $twins -WarningVariable w2 -WarningAction SilentlyContinue
        $w2 | Should -BeNullOrEmpty
    }

    It '-Shard 0/1 is the full plan' {
        Get-Plan ($Listing | Split-VideoClip -Length 8 -Shard 0/1) $Src | Should -Be $Full
    }

    It '-ShardUnit Clips cuts the long videos into runs of whole clips: disjoint, the union is the full plan' {
        $shards = foreach ($k in 0..3) { , (Get-Plan ($Listing | Split-VideoClip -Length 8 -Shard "$k/4" -ShardUnit Clips -Root $Src) $Src) }
        $all = @($shards | ForEach-Object { $_ })
        ($all | Sort-Object) | Should -Be $Full
        @($shards | Where-Object { $_ -like 'site a/cam0.avi:*' }).Count | Should -BeGreaterThan 1 -Because 'the 120-frame video spans shards'
    }

    It '<Shard> is not a shard: InvalidShard' -ForEach @(@{ Shard = '3/3' }, @{ Shard = 'half' }, @{ Shard = '1/0' }) {
        { $Listing | Split-VideoClip -Length 8 -Shard $Shard } | Should -Throw -ErrorId "InvalidShard,$SplitId"
    }
}

Describe 'Split-VideoClip -Root and ConvertTo-FrameBatch -Root: a plan made on one host runs on another' {
    It 'clips carry RelativePath and Root; a file outside the root is an OutsideRoot error' {
        $clips = @(Split-VideoClip -LiteralPath (Join-Path $Src 'site b/cam1.avi') -Length 50 -Root $Src)
        $clips.RelativePath | Select-Object -Unique | Should -BeExactly 'site b/cam1.avi'
        $clips[0].Root | Should -BeExactly $Src
        $outside = New-TestVideo -Path (Join-Path $TestDrive 'outside.avi') -Frames 4 -Size 32x32
        $r = @(Split-VideoClip -LiteralPath $outside -Length 8 -Root $Src -ErrorVariable e -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $e[0].FullyQualifiedErrorId | Should -Be "OutsideRoot,$SplitId"
    }

    It 'exported with Export-Clixml under one root, imported and decoded under another (-Root or VIDEODETECT_ROOT)' {
        $plan = Join-Path $TestDrive 'plan.clixml'
        Split-VideoClip -LiteralPath (Join-Path $Src 'site a/cam2.avi') -Length 40 -Root $Src | Export-Clixml $plan
        $moved = Join-Path $TestDrive 'mounted elsewhere'
        Copy-Item -LiteralPath $Src -Destination $moved -Recurse
        Rename-Item -LiteralPath $Src -NewName 'footage-gone'   # the planning host's path no longer exists here
        try {
            $batches = @(Import-Clixml $plan | ConvertTo-FrameBatch -Root $moved -Size 32 -BatchSize 40)
            $batches.Count | Should -Be 2
            $batches.Path | Select-Object -Unique | Should -Be (Join-Path $moved 'site a/cam2.avi')
            ($batches | Measure-Object -Property Count -Sum).Sum | Should -Be 80
            $env:VIDEODETECT_ROOT = $moved
            @(Import-Clixml $plan | ConvertTo-FrameBatch -Size 32 -BatchSize 80).Path | Should -Be (Join-Path $moved 'site a/cam2.avi')
        }
        finally {
            Remove-Item Env:VIDEODETECT_ROOT -ErrorAction Ignore
            Rename-Item -LiteralPath (Join-Path $TestDrive 'footage-gone') -NewName 'footage'
        }
    }

    It 'a plan made with -Root A -Start 5, run under root B with -FrameStride 3, samples the frames it samples under A' {
        # Two roots holding copies of one video: the planning host's and another's.
        $a = Join-Path $TestDrive 'root a'; $b = Join-Path $TestDrive 'root b'
        New-Item -ItemType Directory $a, $b | Out-Null
        $null = New-TestVideo -Path (Join-Path $a 'cam.avi') -Frames 60 -Rate 10 -Size 32x32
        Copy-Item -LiteralPath (Join-Path $a 'cam.avi') -Destination $b
        $plan = Join-Path $TestDrive 'started.clixml'
        Split-VideoClip -LiteralPath (Join-Path $a 'cam.avi') -Length 20 -Start 5 -Root $a | Export-Clixml $plan
        $sampled = { param($Root) @(Import-Clixml $plan | ConvertTo-FrameBatch -Root $Root -Size 32 -BatchSize 8 -FrameStride 3 | ForEach-Object { $_.Frames.FrameIndex; $_.Dispose() }) }
        $underA = & $sampled $a
        $underA[0..2] | Should -Be @(5, 8, 11) -Because 'the stride counts from the plan''s -Start'
        (& $sampled $b) -join ' ' | Should -Be ($underA -join ' ')
    }
}
