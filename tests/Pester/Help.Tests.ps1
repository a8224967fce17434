#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The help: every cmdlet documented (parameters, inputs, outputs, examples), and every example run.

BeforeDiscovery {
    . $PSScriptRoot/TestHelpers.ps1
    # One test per help example, found in the MAML file the module ships.
    $helpFile = Join-Path $ModulePath 'en-US/VideoDetect.dll-Help.xml'
    $examples = @()
    if (Test-Path -LiteralPath $helpFile) {
        $ns = @{ command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; maml = 'http://schemas.microsoft.com/maml/2004/10' }
        foreach ($cmd in Select-Xml -LiteralPath $helpFile -XPath '//command:command' -Namespace $ns) {
            $name = ($cmd.Node | Select-Xml -XPath './command:details/command:name' -Namespace $ns).Node.InnerText
            $n = 0
            foreach ($ex in $cmd.Node | Select-Xml -XPath './command:examples/command:example' -Namespace $ns) {
                $code = ($ex.Node | Select-Xml -XPath './dev:code' -Namespace ($ns + @{ dev = 'http://schemas.microsoft.com/maml/dev/2004/10' })).Node.InnerText
                $examples += @{
                    Command = $name; Number = ++$n; Title = ($ex.Node | Select-Xml -XPath './maml:title' -Namespace $ns).Node.InnerText.Trim(' -')
                    NeedsModel = $code -match '\./models/'
                }
            }
        }
    }
}

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    Import-Module $ModulePath -Force -ErrorAction Stop
    $manifestPath = Join-Path $ModulePath 'VideoDetect.psd1'
}

Describe 'Help' {
    BeforeDiscovery {
        # Every cmdlet the module exports, with one type its help must list as input and its output type
        # ('None': the cmdlet takes no pipeline input / declares no output type).
        $helpCases = @(
            @{ Name = 'Get-VideoInfo'; InputType = 'System.String'; OutputType = 'VideoDetect.Video.VideoInfo' }
            @{ Name = 'Split-VideoClip'; InputType = 'System.String'; OutputType = 'VideoDetect.Video.VideoClip' }
            @{ Name = 'ConvertTo-FrameBatch'; InputType = 'VideoDetect.Video.VideoClip'; OutputType = 'VideoDetect.Batching.FrameBatch' }
            @{ Name = 'Import-DetectionModel'; InputType = 'System.String'; OutputType = 'VideoDetect.Inference.DetectionModel' }
            @{ Name = 'Get-DetectionModel'; InputType = 'None'; OutputType = 'VideoDetect.Inference.DetectionModel' }
            @{ Name = 'Remove-DetectionModel'; InputType = 'VideoDetect.Inference.DetectionModel'; OutputType = 'None' }
            @{ Name = 'Invoke-FrameDetection'; InputType = 'VideoDetect.Batching.FrameBatch'; OutputType = 'VideoDetect.Inference.FrameDetections' }
            @{ Name = 'Export-AnnotatedVideo'; InputType = 'VideoDetect.Inference.FrameDetections'; OutputType = 'System.IO.FileInfo' }
            @{ Name = 'Add-DetectionTrack'; InputType = 'VideoDetect.Inference.FrameDetections'; OutputType = 'VideoDetect.Inference.FrameDetections' }
            @{ Name = 'ConvertTo-DetectionEvent'; InputType = 'VideoDetect.Inference.FrameDetections'; OutputType = 'VideoDetect.Events.DetectionEvent' }
            @{ Name = 'Export-FrameDetection'; InputType = 'VideoDetect.Inference.FrameDetections'; OutputType = 'System.IO.FileInfo' }
            @{ Name = 'Import-FrameDetection'; InputType = 'System.String'; OutputType = 'VideoDetect.Inference.FrameDetections' }
            @{ Name = 'Get-DetectionStore'; InputType = 'System.IO.FileInfo'; OutputType = 'VideoDetect.Results.StoreEntry' }
            @{ Name = 'Export-DetectionEvent'; InputType = 'VideoDetect.Events.DetectionEvent'; OutputType = 'VideoDetect.Events.DetectionEvent' }
            @{ Name = 'Import-DetectionEvent'; InputType = 'System.IO.FileInfo'; OutputType = 'VideoDetect.Events.DetectionEvent' }
            @{ Name = 'Export-EventSnapshot'; InputType = 'VideoDetect.Events.DetectionEvent'; OutputType = 'VideoDetect.Events.DetectionEvent' }
            @{ Name = 'Measure-DetectionCount'; InputType = 'VideoDetect.Inference.FrameDetections'; OutputType = 'VideoDetect.Review.DetectionCount' }
            @{ Name = 'Export-DetectionReport'; InputType = 'VideoDetect.Events.DetectionEvent'; OutputType = 'System.IO.FileInfo' }
            @{ Name = 'Export-EventClip'; InputType = 'VideoDetect.Events.DetectionEvent'; OutputType = 'VideoDetect.Events.DetectionEvent' }
            @{ Name = 'Send-DetectionEvent'; InputType = 'VideoDetect.Events.DetectionEvent'; OutputType = 'VideoDetect.Events.DetectionEvent' }
        )
    }
    BeforeAll {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    }

    It 'every exported cmdlet has a help topic, and the tests below cover each one' {
        foreach ($c in (Get-Module VideoDetect).ExportedCmdlets.Keys) {
            (Get-Help $c).Synopsis | Should -Not -BeLike "$c *" -Because "$c needs MAML help"
        }
        @((Get-Module VideoDetect).ExportedCmdlets.Keys | Sort-Object) | Should -Be @(
            'Add-DetectionTrack', 'ConvertTo-DetectionEvent', 'ConvertTo-FrameBatch', 'Export-AnnotatedVideo', 'Export-DetectionEvent', 'Export-DetectionReport', 'Export-EventClip', 'Export-EventSnapshot', 'Export-FrameDetection', 'Get-DetectionModel', 'Get-DetectionStore', 'Get-VideoInfo', 'Import-DetectionEvent', 'Import-DetectionModel', 'Import-FrameDetection', 'Invoke-FrameDetection', 'Measure-DetectionCount', 'Remove-DetectionModel', 'Send-DetectionEvent', 'Split-VideoClip'
        ) -Because 'a new cmdlet gets a case in $helpCases'
    }

    It '<Name>: synopsis, description, a description for every parameter, 2 to 4 examples, inputs, outputs and notes' -ForEach $helpCases {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *" -Because 'a synopsis that repeats the syntax means no help file was found'
        ($help.description.Text -join ' ').Length | Should -BeGreaterThan 100
        $cmd = Get-Command $Name
        foreach ($p in $cmd.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $hp = $help.parameters.parameter | Where-Object name -EQ $p
            $hp | Should -Not -BeNullOrEmpty -Because "-$p is documented"
            ($hp.description.Text -join ' ').Length | Should -BeGreaterThan 20 -Because "-$p has a description"
            $hp.type.name | Should -Not -BeNullOrEmpty
        }
        @($help.parameters.parameter | Where-Object { $_ -and $_.name -notin $common }).Count | Should -Be @($cmd.Parameters.Keys | Where-Object { $_ -notin $common }).Count
        if ($cmd.Parameters.ContainsKey('WhatIf')) {
            foreach ($p in 'WhatIf', 'Confirm') { ($help.parameters.parameter | Where-Object name -EQ $p) | Should -Not -BeNullOrEmpty -Because "-$p is documented" }
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        @($help.examples.example).Count | Should -BeLessOrEqual 4
        $help.inputTypes.inputType.type.name | Should -Contain $InputType
        $help.returnValues.returnValue.type.name | Should -Contain $OutputType
        if ($OutputType -eq 'None') { @($cmd.OutputType).Count | Should -Be 0 -Because 'the help says the cmdlet returns nothing' }
        else { @($cmd.OutputType.Type.FullName) | Should -Contain $OutputType -Because 'the help names the type the cmdlet declares' }
        ($help.alertSet.alert.Text -join ' ') | Should -Not -BeNullOrEmpty
    }

    It '<Name>: every parameter''s required, position, pipeline input, aliases and type are as the cmdlet declares them' -ForEach $helpCases {
        $cmd = Get-Command $Name
        foreach ($p in $cmd.Parameters.Values | Where-Object Name -NotIn $common) {
            $hp = Get-Help $Name -Parameter $p.Name
            $sets = @($p.ParameterSets.Values)
            $hp.required | Should -Be ([bool]($sets | Where-Object IsMandatory)).ToString().ToLowerInvariant() -Because "-$($p.Name) required"
            $positions = @($sets | Where-Object Position -GE 0 | ForEach-Object Position | Select-Object -Unique)
            $hp.position | Should -Be ($positions.Count ? "$($positions[0])" : 'named') -Because "-$($p.Name) position"
            ($hp.pipelineInput -like '*ByValue*') | Should -Be ([bool]($sets | Where-Object ValueFromPipeline)) -Because "-$($p.Name) ByValue"
            ($hp.pipelineInput -like '*ByPropertyName*') | Should -Be ([bool]($sets | Where-Object ValueFromPipelineByPropertyName)) -Because "-$($p.Name) ByPropertyName"
            foreach ($a in $p.Aliases) { $hp.aliases | Should -BeLike "*$a*" -Because "-$($p.Name) has the alias $a" }
            $type = [Nullable]::GetUnderlyingType($p.ParameterType) ?? $p.ParameterType  # help names VideoPosition for VideoPosition?
            ($hp.type.name -split '\.')[-1] | Should -Be $type.Name -Because "-$($p.Name) type"
        }
    }

    It '<Name>: the syntax lists the values of every enum parameter' -ForEach $helpCases {
        $cmd = Get-Command $Name
        foreach ($item in (Get-Help $Name).syntax.syntaxItem) {
            foreach ($sp in $item.parameter) {
                $type = $cmd.Parameters[$sp.name].ParameterType
                if (-not $type.IsEnum) { continue }
                @($sp.parameterValueGroup.parameterValue) | Should -Be ([Enum]::GetNames($type)) -Because "-$($sp.name) takes $($type.Name)"
            }
        }
    }

    It 'documents parameter metadata as the cmdlets declare it' {
        $p = Get-Help Get-VideoInfo -Parameter Path
        $p.required | Should -Be 'true'
        $p.position | Should -Be '0'
        $p.globbing | Should -Be 'true'
        $p.pipelineInput | Should -BeLike '*ByValue*'
        (Get-Help Get-VideoInfo -Parameter LiteralPath).aliases | Should -BeLike '*PSPath*'
        (Get-Help Split-VideoClip -Parameter Duration).type.name | Should -Be 'TimeSpan'
        (Get-Help Split-VideoClip -Parameter Length).type.name | Should -Be 'Int64'
        $p = Get-Help ConvertTo-FrameBatch -Parameter InputObject
        $p.required | Should -Be 'true'
        $p.position | Should -Be '0'
        $p.pipelineInput | Should -BeLike '*ByValue*'
        (Get-Help ConvertTo-FrameBatch -Parameter BatchSize).defaultValue | Should -Be '8'
        (Get-Help ConvertTo-FrameBatch -Parameter Size).defaultValue | Should -Be '640x640'
        (Get-Help ConvertTo-FrameBatch -Parameter Resize).defaultValue | Should -Be 'Letterbox'
        (Get-Help ConvertTo-FrameBatch -Parameter QueueDepth).defaultValue | Should -Be '2'
        (Get-Help ConvertTo-FrameBatch -Parameter Model).type.name | Should -Be 'System.Object'
        $p = Get-Help Import-DetectionModel -Parameter Path
        $p.required | Should -Be 'true'
        $p.position | Should -Be '0'
        $p.pipelineInput | Should -BeLike '*ByValue*'
        $p.aliases | Should -BeLike '*FullName*'
        (Get-Help Import-DetectionModel -Parameter Provider).defaultValue | Should -Be 'Auto'
        (Get-Help Import-DetectionModel -Parameter DeviceId).defaultValue | Should -Be '0'
        $p = Get-Help Remove-DetectionModel -Parameter InputObject
        $p.required | Should -Be 'true'
        $p.pipelineInput | Should -BeLike '*ByValue*'
        $p.type.name | Should -Be 'VideoDetect.Inference.DetectionModel[]'
        $p = Get-Help Invoke-FrameDetection -Parameter InputObject
        $p.required | Should -Be 'true'
        $p.position | Should -Be '0'
        $p.pipelineInput | Should -BeLike '*ByValue*'
        (Get-Help Invoke-FrameDetection -Parameter Model).required | Should -Be 'false'
        (Get-Help Invoke-FrameDetection -Parameter Confidence).defaultValue | Should -Be '0.3'
        (Get-Help Invoke-FrameDetection -Parameter IouThreshold).defaultValue | Should -Be '0.45'
        (Get-Help Invoke-FrameDetection -Parameter MaxDetections).defaultValue | Should -Be '300'
        @((Get-Help Get-DetectionModel -Full).parameters.parameter | Where-Object { $_ }).Count | Should -Be 0
    }

    It 'the defaults in the help are the values the cmdlets start with' {
        foreach ($c in @(
                @{ Type = [VideoDetect.Commands.InvokeFrameDetectionCommand]; Name = 'Invoke-FrameDetection'; Params = 'Confidence', 'IouThreshold', 'MaxDetections' }
                @{ Type = [VideoDetect.Commands.ImportDetectionModelCommand]; Name = 'Import-DetectionModel'; Params = 'Provider', 'DeviceId' }
                @{ Type = [VideoDetect.Commands.ConvertToFrameBatchCommand]; Name = 'ConvertTo-FrameBatch'; Params = 'BatchSize', 'Size', 'Resize', 'PadValue', 'FrameStride', 'QueueDepth' }
                @{ Type = [VideoDetect.Commands.ExportAnnotatedVideoCommand]; Name = 'Export-AnnotatedVideo'; Params = 'Codec', 'CrossingFrames' }
                @{ Type = [VideoDetect.Commands.ExportEventSnapshotCommand]; Name = 'Export-EventSnapshot'; Params = 'Margin', 'Quality' }
                @{ Type = [VideoDetect.Commands.AddDetectionTrackCommand]; Name = 'Add-DetectionTrack'; Params = 'TrackThreshold', 'MatchThreshold', 'LostTrackBuffer', 'MinHits' }
                @{ Type = [VideoDetect.Commands.ConvertToDetectionEventCommand]; Name = 'ConvertTo-DetectionEvent'; Params = 'MaxGap', 'MinDuration', 'MinConfidence', 'CrossingFrames' }
                @{ Type = [VideoDetect.Commands.ExportDetectionEventCommand]; Name = 'Export-DetectionEvent'; Params = 'BusyTimeout' }
                @{ Type = [VideoDetect.Commands.MeasureDetectionCountCommand]; Name = 'Measure-DetectionCount'; Params = 'Interval', 'MinConfidence' }
                @{ Type = [VideoDetect.Commands.SendDetectionEventCommand]; Name = 'Send-DetectionEvent'; Params = 'QueueLimit', 'FlushTimeout', 'MaxRetryDelay' }
            )) {
            $instance = [Activator]::CreateInstance($c.Type)
            foreach ($p in $c.Params) {
                (Get-Help $c.Name -Parameter $p).defaultValue | Should -Be ([string]$instance.$p) -Because "$($c.Name) -$p"
            }
            if ($instance -is [IDisposable]) { $instance.Dispose() }
        }
    }

    It 'Split-VideoClip''s notes explain the unquoted 10s [short] caveat' {
        $notes = (Get-Help Split-VideoClip -Full).alertSet.alert.Text -join ' '
        $notes | Should -Match '\[short\]'
        $notes | Should -Match '2\.5s'
    }

    It 'ConvertTo-FrameBatch''s notes explain disposal, memory, decoding and its error ids' {
        $notes = (Get-Help ConvertTo-FrameBatch -Full).alertSet.alert.Text -join ' '
        $notes | Should -Match 'Dispose'
        $notes | Should -Match 'garbage collector'
        $notes | Should -Match '\(QueueDepth \+ 2\) x BatchSize'
        $notes | Should -Match 'luma'
        foreach ($id in 'VideoNotFound', 'ClipOutOfRange', 'FrameDecodeFailed', 'InvalidPreprocessing', 'BatchWorkerFailed') { $notes | Should -Match "\b$id\b" }
        $notes | Should -Match '-Model'
    }

    It 'ConvertTo-FrameBatch''s -Model says the model''s preprocessing replaces -Size, -Resize, -Mean...' {
        $text = (Get-Help ConvertTo-FrameBatch -Parameter Model).description.Text -join ' '
        foreach ($p in 'Size', 'Resize', 'Mean', 'Std', 'Scale', 'ChannelOrder', 'Layout') { $text | Should -Match "-$p\b" }
        $text | Should -Match 'Invoke-FrameDetection'
    }

    It 'Import-DetectionModel''s help explains the cache, the CPU fallback and its error ids' {
        $help = Get-Help Import-DetectionModel -Full
        $text = (($help.description.Text + $help.alertSet.alert.Text) -join ' ')
        $text | Should -Match 'process'
        $text | Should -Match 'runspace'
        $text | Should -Match 'CUDA 13'
        $text | Should -Match 'cuDNN 9'
        $text | Should -Match 'YOLOX'
        foreach ($id in 'ModelNotFound', 'ModelUnreadable', 'ModelNotRecognised', 'ProviderUnavailable') { $text | Should -Match "\b$id\b" }
        @((Get-Help Import-DetectionModel).syntax.syntaxItem.parameter | Where-Object name -EQ Provider).parameterValueGroup.parameterValue |
            Should -Be ([Enum]::GetNames([VideoDetect.Inference.ExecutionProvider]))
    }

    It 'Invoke-FrameDetection''s notes give its error ids, disposal and source-pixel coordinates' {
        $notes = (Get-Help Invoke-FrameDetection -Full).alertSet.alert.Text -join ' '
        foreach ($id in 'ModelRequired', 'BatchDoesNotFitModel', 'UnknownClass', 'InferenceFailed') { $notes | Should -Match "\b$id\b" }
        $notes | Should -Match 'dispose'
        $notes | Should -Match 'KeepBatch'
        $notes | Should -Match 'source pixels'
        $outputs = (Get-Help Invoke-FrameDetection -Full).returnValues.returnValue.description.Text -join ' '
        foreach ($p in 'Path', 'ClipIndex', 'FrameIndex', 'Timestamp', 'SourceWidth', 'SourceHeight', 'Detections', 'Count', 'Label', 'ClassId', 'Confidence', 'Width', 'Height') {
            $outputs | Should -Match "\b$p\b"
        }
    }

    It 'examples use relative sample paths only (no machine-specific paths)' {
        foreach ($c in 'Get-VideoInfo', 'Split-VideoClip', 'ConvertTo-FrameBatch') {
            foreach ($code in (Get-Help $c -Examples).examples.example.code) {
                $code | Should -Match '\./footage'
                $code | Should -Not -Match '(?i)shared|/work/|C:\\|/home/|/tmp/'
            }
        }
        # The model cmdlets' examples load ./models/yolox_nano.onnx or read ./footage (a Remove-DetectionModel
        # example may only remove what is cached), and none needs a GPU.
        foreach ($c in 'Import-DetectionModel', 'Get-DetectionModel', 'Remove-DetectionModel', 'Invoke-FrameDetection', 'Export-AnnotatedVideo') {
            foreach ($code in (Get-Help $c -Examples).examples.example.code) {
                $code | Should -Match '\./(models|footage)/|^Get-DetectionModel'
                $code | Should -Not -Match '(?i)shared|/work/|C:\\|/home/|/tmp/|\.onnx[''"]?\s*-Provider\s+Cuda'
            }
        }
        foreach ($c in 'Invoke-FrameDetection', 'Export-AnnotatedVideo') {
            foreach ($code in (Get-Help $c -Examples).examples.example.code) { $code | Should -Match '\./footage' }
        }
    }

    It 'Export-AnnotatedVideo''s help gives its error ids, the codec fallback, atomic writing and what happens to audio' {
        $help = Get-Help Export-AnnotatedVideo -Full
        $text = (($help.description.Text + $help.alertSet.alert.Text) -join ' ')
        foreach ($id in 'OutputExists', 'OutputPathConflict', 'FrameOutOfOrder', 'SourceUnavailable', 'EncoderFailed', 'EncoderUnavailable', 'InvalidOutputPath') { $text | Should -Match "\b$id\b" }
        $text | Should -Match 'audio is dropped'
        $text | Should -Match 'temporary file'
        $text | Should -Match 'libx264'
        $text | Should -Match 'VIDEODETECT_FFMPEG'
        $text | Should -Match '2997/125'
        (Get-Help Export-AnnotatedVideo -Parameter Path).position | Should -Be '0'
        (Get-Help Export-AnnotatedVideo -Parameter Codec).defaultValue | Should -Be 'H264'
        (Get-Command Export-AnnotatedVideo).Parameters.ContainsKey('WhatIf') | Should -BeTrue
    }

    It 'about_VideoDetect describes the pipeline, exact frame counts and the VIDEODETECT_CACHE index cache' {
        $about = Get-Help about_VideoDetect | Out-String
        $about | Should -Match 'VIDEODETECT_CACHE'
        $about | Should -Match 'Split-VideoClip'
        $about | Should -Match 'FrameCountMethod'
    }
}

Describe 'The about_ topics, the README and ARCHITECTURE.md' {
    BeforeDiscovery {
        # The topics the module ships; about_VideoDetect_Errors is generated from Errors/ErrorIds.cs.
        $topics = @(
            @{ Topic = 'about_VideoDetect'; Says = 'Split-VideoClip', 'ConvertTo-FrameBatch', 'Invoke-FrameDetection', 'Export-AnnotatedVideo', 'FrameCountMethod', 'VIDEODETECT_CACHE', '-SkipStatic', '-Family' }
            @{ Topic = 'about_VideoDetect_ResultStore'; Says = 'Export-FrameDetection', 'Import-FrameDetection', 'Get-DetectionStore', '-ResumeFrom', '-Shard', '-Root', 'VIDEODETECT_ROOT', '\.partial', 'ResumeMismatch', 'OutputInUse' }
            @{ Topic = 'about_VideoDetect_Tracking'; Says = 'Add-DetectionTrack', 'ConvertTo-DetectionEvent', 'TrackId', '-Region', '-Line', '-CrossingFrames', 'VideoDetect\.Pester', 'HaveDetectionEvent' }
            @{ Topic = 'about_VideoDetect_Review'; Says = 'Export-DetectionReport', 'StartedAt', 'SnapshotPath', 'ClipPath', '-Store', 'data-video', 'data-role="timeline"', 'img\.snapshot', 'SourceUnavailable', '-RecordingStart', 'Measure-DetectionCount', 'Export-EventSnapshot', 'Export-EventClip', 'Export-DetectionEvent', 'user_version', 'Send-DetectionEvent', '-EmitOpen', 'NotificationFailed', 'startedAt' }
            @{ Topic = 'about_VideoDetect_Errors'; Says = @() }
        )
    }
    BeforeAll {
        $repo = Join-Path $PSScriptRoot '../..'
        $readme = Join-Path $repo 'README.md'
    }

    It '<Topic> is shipped in the module''s en-US folder' -ForEach $topics {
        Join-Path $ModulePath "en-US/$Topic.help.txt" | Should -Exist
    }

    It 'Get-Help <Topic> returns the topic from the imported module' -ForEach $topics {
        $help = @(Get-Help $Topic)
        $help.Count | Should -Be 1 -Because 'one topic of that exact name, not a list of search results'
        $help[0] | Should -BeOfType [string] -Because 'a topic comes back as its text'
        $text = $help[0] | Out-String
        $text | Should -Match "\b$Topic\b"
        foreach ($claim in $Says) { $text | Should -Match $claim }
    }

    It 'every about_ topic that a topic''s SEE ALSO names is shipped' {
        foreach ($f in Get-ChildItem -LiteralPath (Join-Path $ModulePath 'en-US') -Filter 'about_*.help.txt') {
            foreach ($name in [regex]::Matches((Get-Content -LiteralPath $f.FullName -Raw), '(?m)^\s+(about_\w+)\s*$').Groups | Where-Object Name -EQ 1) {
                Join-Path $ModulePath "en-US/$($name.Value).help.txt" | Should -Exist -Because "$($f.Name) refers to it"
            }
        }
    }

    It 'the README is at most 200 lines, keeps the two commands, and points to every topic' {
        $lines = Get-Content -LiteralPath $readme
        $lines.Count | Should -BeLessOrEqual 200
        $text = $lines -join "`n"
        $text | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 test'))
        $text | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 demo'))
        foreach ($t in 'about_VideoDetect', 'about_VideoDetect_ResultStore', 'about_VideoDetect_Tracking', 'about_VideoDetect_Review', 'about_VideoDetect_Errors') {
            $text | Should -Match "Get-Help $t\b"
        }
    }

    It 'the files the README links to exist' {
        $text = Get-Content -LiteralPath $readme -Raw
        $links = @([regex]::Matches($text, '\]\(([^)#]+)\)') | ForEach-Object { $_.Groups[1].Value } | Where-Object { $_ -notmatch '^\w+://' })
        $links.Count | Should -BeGreaterThan 0
        foreach ($l in $links) { Join-Path $repo $l | Should -Exist -Because "README.md links to $l" }
    }

    It 'ARCHITECTURE.md has a row for every Core folder, and benchmark figures stay in bench/README.md' {
        $arch = Get-Content -LiteralPath (Join-Path $repo 'ARCHITECTURE.md') -Raw
        $folders = @(Get-ChildItem -LiteralPath (Join-Path $repo 'src/VideoDetect.Core') -Directory | Where-Object Name -NotIn 'bin', 'obj')
        $folders.Count | Should -BeGreaterThan 5
        foreach ($d in $folders) { $arch | Should -Match "(?m)^\| ``$($d.Name)/`` \|" -Because "src/VideoDetect.Core/$($d.Name) needs its row" }
        Get-Content -LiteralPath $readme -Raw | Should -Not -Match '\d+(\.\d+)? frames/s' -Because 'measured speeds live in bench/README.md'
    }
}

Describe "Help examples run$NoShared" -Skip:(-not $HaveShared) {
    BeforeAll {
        # The examples use ./footage: a folder with the sample videos (copies) and one non-video; and
        # ./models: a copy of the YOLOX-Nano fixture model, which lives beside the videos (../models).
        $work = Join-Path $TestDrive 'examples'
        $footage = New-Item -ItemType Directory -Path (Join-Path $work 'footage')
        foreach ($f in Get-ChildItem -Path (Join-Path $SharedVideos '*.avi')) { Copy-Item -LiteralPath $f.FullName -Destination $footage.FullName }
        Set-Content -LiteralPath (Join-Path $footage.FullName 'notes.txt') -Value 'not a video'
        $sharedModel = Join-Path $SharedModels 'yolox_nano.onnx'
        $haveModel = Test-Path -LiteralPath $sharedModel
        $models = New-Item -ItemType Directory -Path (Join-Path $work 'models')
        if ($haveModel) { Copy-Item -LiteralPath $sharedModel -Destination $models.FullName }
        Push-Location -LiteralPath $work
    }
    AfterAll { Pop-Location }

    It '<Command> example <Number> (<Title>) produces output and no error' -ForEach $examples {
        if ($NeedsModel -and -not $haveModel) { Set-ItResult -Skipped -Because "the fixture model is not at $sharedModel"; return }
        $code = @((Get-Help $Command -Full).examples.example)[$Number - 1].code
        $code | Should -Not -BeNullOrEmpty
        $out = @(& ([scriptblock]::Create($code)) 2>&1 3>&1)
        # -Provider Auto falls back to the CPU with one warning per loaded model where CUDA 13 / cuDNN 9 are
        # missing, and Export-AnnotatedVideo writes mp4v with one warning where ffmpeg with libx264 is missing
        # (properties of the machine, not of the example); any other warning is a problem.
        $problems = @($out | Where-Object {
                $_ -is [System.Management.Automation.ErrorRecord] -or
                ($_ -is [System.Management.Automation.WarningRecord] -and $_.Message -notmatch '^\S+\.onnx runs on the CPU: the CUDA provider could not load' -and
                $_.Message -notmatch '^Writing MPEG-4 Part 2 \(mp4v\) instead of H\.264')
            })
        # Batches that an example returns rather than disposes go back to the pool now.
        $out | Where-Object { $_ -is [VideoDetect.Batching.FrameBatch] } | ForEach-Object { $_.Dispose() }
        $problems | Should -BeNullOrEmpty
        $out.Count | Should -BeGreaterThan 0
    }
}
