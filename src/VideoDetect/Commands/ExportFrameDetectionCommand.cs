using System.Management.Automation;
using VideoDetect.Inference;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// Export-FrameDetection: writes the FrameDetections stream to one result file per source (JSON
/// Lines with a header record, or CSV with a header sidecar), crash-safe at clip granularity: whole
/// clips are appended and flushed to a partial file beside the target, which is renamed onto it when
/// the source's frames end. A partial file left by a killed run is resumed when the same source,
/// model and parameters come again (Split-VideoClip -ResumeFrom). The sink lives in Core
/// (<see cref="FrameDetectionExport"/>), the lifecycle in <see cref="SourceWriterCommand"/>; this
/// command binds its parameters and says when a file resumes or starts over. With -Segment the sink is
/// <see cref="SegmentedExport"/> (one complete file per segment, emitted as each is committed).
/// </summary>
[Cmdlet(VerbsData.Export, "FrameDetection", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo), typeof(FrameDetections))]
public sealed class ExportFrameDetectionCommand : SourceWriterCommand
{
    /// <summary>JsonLines (default; with -Path, a .csv name means Csv), Csv, or Mot (MOTChallenge text, an export that is not resumed or read back).</summary>
    [Parameter]
    public ResultFormat Format { get; set; }

    /// <summary>
    /// The footage root: headers record each source's path relative to it, so hosts that mount the
    /// footage at different paths share one result store. Default: the VIDEODETECT_ROOT environment variable.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>
    /// Roll the result files: one complete file per segment of this length (seconds, a TimeSpan, or
    /// "3s" / "1h") of each source's frames by their offset, committed as its segment ends and named
    /// &lt;name&gt;.&lt;yyyyMMddTHHmmss&gt;.detections.jsonl after the segment's start time of day (without one,
    /// &lt;name&gt;.t&lt;HHHmmss&gt;… after its start offset). For live streams; a file source is cut the same way.
    /// </summary>
    [Parameter]
    [SecondsTransformation]
    [ValidatePositive]
    public TimeSpan? Segment { get; set; }

    /// <summary>The finished files come out unless -PassThru (the frames) is given alone.</summary>
    protected override bool EmitsFilesByDefault => true;

    protected override void BeginProcessing()
    {
        Func<string, OutputLocation> locate = full => ToDirectory ? OutputLocation.ForDirectory(full) : OutputLocation.ForFile(full);
        if (Format == ResultFormat.Mot)
        {
            if (Segment is not null) WriteWarning("-Segment rolls result files; a -Format Mot export is written whole, one file per source.");
            OpenWriter(locate, _ => new MotExport(Force)); // -Store records the MOT file as an output of the store
            return;
        }
        CheckStoreIsOutput();
        // -Force also starts over a partial file made with other settings.
        OpenWriter(locate, full => ResultSink(new FrameDetectionExportOptions
        {
            Format = MyInvocation.BoundParameters.ContainsKey(nameof(Format)) || ToDirectory ? Format : ResultFiles.FormatOf(full),
            Force = Force,
            ModuleVersion = MyInvocation.MyCommand.Module?.Version?.ToString(),
            StartTime = DateTimeOffset.Now,
            Root = (Root ?? Environment.GetEnvironmentVariable(VideoDetect.Video.ClipRoot.Variable)) is { Length: > 0 } root
                ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(root) : null,
        }), recordOutputs: false);
    }

    /// <summary>The result-file sink: one file per source, or with -Segment one per segment.</summary>
    private ISourceSink ResultSink(FrameDetectionExportOptions options)
    {
        var export = new FrameDetectionExport(options, StopToken);
        return Segment is { } length ? new SegmentedExport(export, options, length) : export;
    }

    /// <summary>With -Segment, each segment file is emitted as soon as it is committed.</summary>
    protected override void OnAdded(FrameDetections frame, ISourceOutput output)
    {
        if (output is not SegmentedOutput segmented) return;
        foreach (var file in segmented.TakeCommitted())
        {
            WriteVerbose($"Wrote segment {file.FullName}.");
            EmitFile(file.FullName);
        }
    }

    /// <summary>
    /// A result file is its store's own record (Get-DetectionStore reads it), so with a result format
    /// -Store means nothing beyond -OutputDirectory: accepted when it names that folder (a recipe may
    /// give both), else InvalidOutputPath, which ends the command before anything is written.
    /// </summary>
    private void CheckStoreIsOutput()
    {
        if (StorePath() is not { } store) return;
        static string Folder(string path) => System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        string? output;
        try
        {
            output = ToDirectory ? FileSystemParameter.Output(this, OutputDirectory, "-OutputDirectory") : null;
        }
        catch (InvalidOutputPathException)
        {
            return; // OpenWriter reports the -OutputDirectory itself
        }
        if (output is not null && string.Equals(Folder(store), Folder(output), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)) return;
        ThrowTerminatingError(ErrorMapping.Record(new InvalidOutputPathException(Store!,
            $"-Store '{Store}' is not this command's -OutputDirectory: a result file is its store's own record, so write it into the store with -OutputDirectory '{Store}'. (-Store records the other outputs of a store's videos: Export-AnnotatedVideo, Export-FrameDetection -Format Mot.)"), Store));
    }

    protected override string ActionFor(string sourcePath) => $"Write the detections of {System.IO.Path.GetFileName(sourcePath)}";

    protected override void OnOpened(ISourceOutput output)
    {
        if (output is not FrameDetectionOutput result) return; // MOT: nothing is resumed
        var writer = result.Writer;
        if (writer.Resumed) WriteVerbose($"Resuming {writer.PartialPath} after clip {writer.StoredLastClip} (frame {writer.StoredLastFrame}).");
        else if (writer.StartedOverBecause is { } why) WriteWarning($"{System.IO.Path.GetFileName(writer.PartialPath)} was started over: {why}.");
    }
}
