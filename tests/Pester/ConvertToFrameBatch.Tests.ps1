#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Acceptance tests for ConvertTo-FrameBatch, as users pipe it after Split-VideoClip.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $BatchId = 'VideoDetect.Commands.ConvertToFrameBatchCommand'
}

Describe "ConvertTo-FrameBatch on vtest.avi$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        $vtest = Get-SharedVideo 'vtest.avi'
        $frames = [Collections.Generic.List[long]]::new()
        $batches = [Collections.Generic.List[object]]::new()
        Split-VideoClip $vtest -Length 64 | ConvertTo-FrameBatch -BatchSize 8 -Size 416x416 -Resize Letterbox | ForEach-Object {
            $batches.Add([pscustomobject]@{ Count = $_.Count; Shape = $_.Shape; Path = $_.Path; Type = $_.GetType().FullName; TensorLength = $_.Tensor.Length; First = $_.Frames[0] })
            foreach ($f in $_.Frames) { $frames.Add($f.FrameIndex) }
            $_.Dispose()
        }
    }

    It 'covers all 795 frames exactly once, in order' {
        $frames.Count | Should -Be 795
        (Compare-Object -ReferenceObject (0..794) -DifferenceObject $frames -SyncWindow 0) | Should -BeNullOrEmpty
    }

    It 'emits FrameBatch objects of 8 frames, the last one short, shaped [N,3,416,416]' {
        $batches.Count | Should -Be 100
        $batches[0].Type | Should -Be 'VideoDetect.Batching.FrameBatch'
        ($batches | Select-Object -SkipLast 1 | Where-Object Count -NE 8) | Should -BeNullOrEmpty
        $batches[-1].Count | Should -Be 3
        $batches[-1].Shape | Should -Be @(3, 3, 416, 416)
        $batches[0].TensorLength | Should -Be (8 * 3 * 416 * 416)
        $batches.Path | Select-Object -Unique | Should -Be $vtest
    }

    It 'maps model coordinates back to source pixels (768x576 letterboxed into 416x416)' {
        $f = $batches[0].First
        $f.SourceWidth | Should -Be 768
        $f.SourceHeight | Should -Be 576
        $f.Transform.PadY | Should -Be 52
        $f.Transform.ScaleX | Should -BeGreaterThan 0.5416
        [math]::Abs($f.Transform.ToSource(416, 52 + 312).X - 768) | Should -BeLessThan 1e-9
        [math]::Abs($f.Transform.ToSource(416, 52 + 312).Y - 576) | Should -BeLessThan 1e-9
    }

    It 'Select-Object -First 1 cuts the pipeline short and the worker stops with it' {
        $first = Split-VideoClip $vtest -Length 64 | ConvertTo-FrameBatch -BatchSize 4 -Size 64x64 | Select-Object -First 1
        $first.Count | Should -Be 4
        $first.Frames.FrameIndex | Should -Be @(0, 1, 2, 3)
        # The command after it runs in the same session: nothing was left holding the file or the pipeline.
        (Split-VideoClip $vtest -Length 8 -End 8 | ConvertTo-FrameBatch -BatchSize 8 -Size 64x64).Count | Should -Be 8
    }

    It 'Select-Object -First 1: the worker stops and closes the video at once (no open handle left; Linux /proc)' -Skip:(-not $IsLinux) {
        $copy = Join-Path $TestDrive 'stop.avi'
        Copy-Item $vtest $copy
        function Get-OpenHandles { @(Get-ChildItem "/proc/$PID/fd" -ErrorAction Ignore | Where-Object { $_.LinkTarget -eq $copy }) }
        $first = Split-VideoClip $copy -Length 64 | ConvertTo-FrameBatch -BatchSize 4 -Size 64x64 -QueueDepth 1 |
            ForEach-Object { (Get-OpenHandles).Count | Should -BeGreaterThan 0 -Because 'the worker is decoding the video'; $_ } | Select-Object -First 1
        $first.Frames.FrameIndex | Should -Be @(0, 1, 2, 3)
        (Get-OpenHandles).Count | Should -Be 0 -Because 'stopping the pipeline stopped the worker, which closed the video'
    }

    It '-FrameStride 10 samples every tenth frame with source indices' {
        $idx = Split-VideoClip $vtest -Length 100 -End 300 | ConvertTo-FrameBatch -BatchSize 16 -Size 32x32 -FrameStride 10 |
            ForEach-Object { $_.Frames.FrameIndex; $_.Dispose() }
        $idx | Should -Be (0..29 | ForEach-Object { $_ * 10 })
    }

    It 'takes clips that went through Export-Clixml / Import-Clixml and ConvertTo-Json' {
        $file = Join-Path $TestDrive 'plan.xml'
        Split-VideoClip $vtest -Length 20 -Start 700 -End 740 | Export-Clixml $file
        $idx = Import-Clixml $file | ConvertTo-FrameBatch -BatchSize 50 -Size 32x32 | ForEach-Object { $_.Frames.FrameIndex }
        $idx | Should -Be (700..739)
        $json = Split-VideoClip $vtest -Length 5 -Start 10 -End 15 | ConvertTo-Json -Depth 5
        $fromJson = $json | ConvertFrom-Json | ConvertTo-FrameBatch -Size 32x32 -BatchSize 5
        $fromJson.Frames.FrameIndex | Should -Be (10..14)
    }

    It '-FrameStride counts from the plan, so a resumed plan (also through CliXml and JSON) takes the frames a full run takes' {
        $plan = @(Split-VideoClip $vtest -Length 30 -Start 5 -End 125)
        $plan[2].PlanStartFrame | Should -Be 5
        $full = $plan | ConvertTo-FrameBatch -BatchSize 16 -Size 32x32 -FrameStride 7 | ForEach-Object { $_.Frames.FrameIndex; $_.Dispose() }
        $full | Should -Be (0..17 | ForEach-Object { 5 + 7 * $_ })
        $rest = $full | Where-Object { $_ -ge 65 }
        $file = Join-Path $TestDrive 'rest.xml'
        $plan | Select-Object -Skip 2 | Export-Clixml $file
        (Import-Clixml $file | ConvertTo-FrameBatch -BatchSize 16 -Size 32x32 -FrameStride 7 | ForEach-Object { $_.Frames.FrameIndex; $_.Dispose() }) | Should -Be $rest
        ($plan | Select-Object -Skip 2 | ConvertTo-Json -Depth 5 | ConvertFrom-Json | ConvertTo-FrameBatch -BatchSize 16 -Size 32x32 -FrameStride 7 |
            ForEach-Object { $_.Frames.FrameIndex; $_.Dispose() }) | Should -Be $rest
    }

    It '-ThrottleLimit 2, 4 and Auto give the batches of -ThrottleLimit 1 (frames, timestamps, tensors)' {
        function Get-BatchSignature([string] $Limit) {
            Split-VideoClip $vtest -Length 64 -End 400 | ConvertTo-FrameBatch -BatchSize 16 -Size 64x48 -FrameStride 3 -ThrottleLimit $Limit | ForEach-Object {
                $bytes = [byte[]]::new($_.Tensor.Length * 4)
                [Buffer]::BlockCopy($_.Tensor, 0, $bytes, 0, $bytes.Length)
                $hash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes))
                "$($_.BatchIndex) $(($_.Frames | ForEach-Object { "$($_.FrameIndex)@$($_.Timestamp.Ticks)" }) -join ',') $hash"
                $_.Dispose()
            }
        }
        $one = Get-BatchSignature 1
        $one.Count | Should -Be 9
        foreach ($limit in '2', '4', 'Auto') { Get-BatchSignature $limit | Should -Be $one }
    }

    It '-ThrottleLimit takes 1..64 or Auto' {
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -ThrottleLimit 0 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$BatchId"
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -ThrottleLimit 65 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$BatchId"
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -ThrottleLimit many } | Should -Throw -ErrorId "ParameterArgumentValidationError,$BatchId"
    }

    It 'stopping the pipeline (Ctrl+C) ends every decode worker within 2 s' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModulePath'; Split-VideoClip '$vtest' -Length 32 | ConvertTo-FrameBatch -BatchSize 4 -Size 416 -ThrottleLimit 4 | ForEach-Object { Start-Sleep -Milliseconds 50; `$_.Dispose() }")
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 2500  # the module loads and batches flow (the whole run takes over 10 s)
            $ps.InvocationStateInfo.State | Should -Be 'Running'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose() }
    }

    It 'has a table view with the batch, its frames and shape' {
        $text = Split-VideoClip $vtest -Length 8 -End 16 | ConvertTo-FrameBatch -BatchSize 8 -Size 64x48 | Out-String
        $text | Should -Match 'Batch'
        $text | Should -Match 'vtest\.avi'
        $text | Should -Match '8\.\.15'
        $text | Should -Match '8x3x48x64'
    }
}

Describe 'ConvertTo-FrameBatch on generated videos' {
    It "reports a clip whose file vanished as an error and goes on$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
        $a = New-TestVideo -Path (Join-Path $TestDrive 'a.avi') -Frames 12
        $b = New-TestVideo -Path (Join-Path $TestDrive 'b.avi') -Frames 12
        $clips = @(Split-VideoClip $a, $b -Length 6)
        Remove-Item $a
        $out = $clips | ConvertTo-FrameBatch -Size 32x32 -BatchSize 6 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -Be "VideoNotFound,$BatchId"
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject.Path | Should -Be $a
        $out.Count | Should -Be 2
        $out.Path | Select-Object -Unique | Should -Be $b
    }

    It "a clip that no longer fits its video is ClipOutOfRange$NoFfmpeg" -Skip:(-not $HaveFfmpeg) {
        $v = New-TestVideo -Path (Join-Path $TestDrive 'c.avi') -Frames 10
        $clip = [pscustomobject]@{ Path = $v; Index = 0; StartFrame = 5; EndFrame = 50 }
        $clip | ConvertTo-FrameBatch -Size 32x32 -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be "ClipOutOfRange,$BatchId"
    }

    It 'refuses invalid parameters' {
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -BatchSize 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.ConvertToFrameBatchCommand'
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -Size 'big' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,VideoDetect.Commands.ConvertToFrameBatchCommand'
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -Std 1, 0, 1 -ErrorAction Stop } | Should -Throw -ErrorId "InvalidPreprocessing,$BatchId"
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -Mean 1, 2 -ErrorAction Stop } | Should -Throw -ErrorId "InvalidPreprocessing,$BatchId"
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -Size 99999999999 -ErrorAction Stop } | Should -Throw -ErrorId "InvalidPreprocessing,$BatchId"
        # 3 x 16384 x 16384 x 3 floats do not fit one array: refused up front, not a worker failure later.
        { [VideoDetect.Video.VideoClip]::new() | ConvertTo-FrameBatch -Size 16384 -BatchSize 3 -ErrorAction Stop } | Should -Throw -ErrorId "InvalidPreprocessing,$BatchId" -ExpectedMessage '*-BatchSize*'
        { 'not a clip' | ConvertTo-FrameBatch -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,VideoDetect.Commands.ConvertToFrameBatchCommand'
    }
}
