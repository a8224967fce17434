using System.Management.Automation;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// Export-FrameDetection: writes the FrameDetections stream to one result file per source (JSON
/// Lines with a header record, or CSV with a header sidecar), crash-safe at clip granularity: whole
/// clips are appended and flushed to a partial file beside the target, which is renamed onto it when
/// the source's frames end. A partial file left by a killed run is resumed when the same source,
/// model and parameters come again (Split-VideoClip -ResumeFrom). The lifecycle lives in Core
/// (<see cref="FrameDetectionExport"/>); this command binds, confirms, reports. Only this thread writes to PowerShell's streams.
/// </summary>
[Cmdlet(VerbsData.Export, "FrameDetection", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo), typeof(FrameDetections))]
public sealed class ExportFrameDetectionCommand : SourceWriterCommand
{
    private FrameDetectionExport? _export;

    /// <summary>JsonLines (default; with -Path, a .csv name means Csv) or Csv.</summary>
    [Parameter]
    public ResultFormat Format { get; set; }

    /// <summary>
    /// The footage root: headers record each source's path relative to it, so hosts that mount the
    /// footage at different paths share one result store. Default: the VIDEODETECT_ROOT environment variable.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    protected override void BeginProcessing()
    {
        // -Force also starts over a partial file made with other settings; -PassThru passes the frames on
        // (e.g. to Export-AnnotatedVideo) and emits no file objects.
        _export = OpenOutput(full => new FrameDetectionExport(ToDirectory ? OutputLocation.ForDirectory(full) : OutputLocation.ForFile(full), new FrameDetectionExportOptions
        {
            Format = MyInvocation.BoundParameters.ContainsKey(nameof(Format)) || ToDirectory ? Format : ResultFiles.FormatOf(full),
            Force = Force,
            ModuleVersion = MyInvocation.MyCommand.Module?.Version?.ToString(),
            StartTime = DateTimeOffset.Now,
            Root = (Root ?? Environment.GetEnvironmentVariable(VideoDetect.Video.ClipRoot.Variable)) is { Length: > 0 } root
                ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(root) : null,
        }, StopToken));
    }

    protected override void ProcessRecord()
    {
        var export = _export!;
        foreach (var frame in InputObject)
        {
            if (frame is null) continue;
            if (export.IsNewSource(frame))
            {
                Finish();
                Start(frame);
            }
            try
            {
                export.Add(frame);
            }
            catch (FrameOutOfOrderException e)
            {
                WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, frame));
            }
            catch (VideoDetectException e)
            {
                WriteError(Record(e, frame.Path));
            }
            if (PassThru) WriteObject(frame);
        }
    }

    protected override void EndProcessing() => Finish();

    private void Start(FrameDetections first)
    {
        var export = _export!;
        try
        {
            string target = export.Claim(first.Path);
            if (!ShouldProcess(target, $"Write the detections of {System.IO.Path.GetFileName(first.Path)}")) return;
            var writer = export.Open(first);
            if (writer.Resumed) WriteVerbose($"Resuming {writer.PartialPath} after clip {writer.StoredLastClip} (frame {writer.StoredLastFrame}).");
            else if (writer.StartedOverBecause is { } why) WriteWarning($"{System.IO.Path.GetFileName(writer.PartialPath)} was started over: {why}.");
        }
        catch (VideoDetectException e)
        {
            WriteError(Record(e, first.Path));
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private void Finish()
    {
        try
        {
            if (_export!.Finish() is not { } written) return;
            if (written.File is null)
            {
                WriteWarning(written.ToString());
                return;
            }
            WriteVerbose(written.ToString());
            if (!PassThru) WriteFile(written.File.FullName);
        }
        catch (VideoDetectException e)
        {
            WriteError(Record(e, null));
        }
    }

    private static ErrorRecord Record(VideoDetectException e, string? source) => e switch
    {
        OutputPathConflictException c => new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidOperation, c.SourcePath),
        OutputExistsException x => new ErrorRecord(e, e.ErrorId, ErrorCategory.ResourceExists, x.Target),
        OutputInUseException u => new ErrorRecord(e, e.ErrorId, ErrorCategory.ResourceBusy, u.Target),
        ResumeMismatchException m => new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, m.Target),
        InvalidOutputPathException p => new ErrorRecord(e, e.ErrorId, ErrorCategory.WriteError, p.Target),
        ResultWriteFailedException w => new ErrorRecord(e, e.ErrorId, ErrorCategory.WriteError, w.Target),
        ResultSourceUnavailableException s => new ErrorRecord(e, e.ErrorId, ErrorCategory.ReadError, s.Path),
        _ => new ErrorRecord(e, e.ErrorId, ErrorCategory.NotSpecified, source),
    };

    protected override void DisposeCore()
    {
        _export?.Dispose();
        _export = null;
    }
}
