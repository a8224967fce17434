using System.Management.Automation;
using VideoDetect.Errors;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// Export-AnnotatedVideo: the last stage of the pipeline. Takes FrameDetections (in frame order, one
/// source after another), re-decodes each source in lockstep, draws the boxes (or blurs them) and
/// writes one playable video per source, atomically: a temporary file beside the target, renamed on
/// success, deleted on an error or Ctrl+C. Up to -ThrottleLimit sources encode at once (a finished
/// source's encoder works on while the next one's frames arrive); results come in input order. The
/// per-source lifecycle, naming and conflict rules live in Core (<see cref="AnnotatedVideoExport"/>);
/// this command binds parameters, asks ShouldProcess, reports progress and turns Core's typed errors
/// into error records. Only this thread writes to PowerShell's streams.
/// </summary>
[Cmdlet(VerbsData.Export, "AnnotatedVideo", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAnnotatedVideoCommand : SourceWriterCommand
{
    private EncoderChoice? _encoder;
    private AnnotatedVideoExport? _export;
    private ProgressRecord? _progress;

    /// <summary>H264 (default; needs ffmpeg with libx264, else mp4v with a warning), Mp4v or Mjpg.</summary>
    [Parameter]
    public VideoCodec Codec { get; set; } = VideoCodec.H264;

    /// <summary>libx264's preset for H.264 (ignored by Mp4v and Mjpg): ultrafast (default) to veryslow.</summary>
    [Parameter]
    [ValidatePreset]
    [ArgumentCompleter(typeof(PresetCompleter))]
    public string Preset { get; set; } = EncoderChoice.DefaultPreset;

    /// <summary>Draw the last n centre points of each track (Add-DetectionTrack).</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int Trail { get; set; }

    /// <summary>Blur inside the boxes instead of drawing them.</summary>
    [Parameter]
    public SwitchParameter Blur { get; set; }

    /// <summary>Frames that were not detected on (-FrameStride gaps, -SkipStatic held frames) are written without boxes (by default they carry the most recent detections).</summary>
    [Parameter]
    public SwitchParameter NoHold { get; set; }

    /// <summary>Write no audio (by default the source's audio is kept, cut to the exported frames).</summary>
    [Parameter]
    public SwitchParameter NoAudio { get; set; }

    /// <summary>Sources encoded at once, 1..64, or Auto (default: half the cores, 2 to 8).</summary>
    [Parameter]
    [ValidatePattern(ThrottleLimitArgument.Pattern)]
    public string ThrottleLimit { get; set; } = "Auto";

    protected override void BeginProcessing()
    {
        try
        {
            _encoder = Encoders.Choose(MyInvocation.BoundParameters.ContainsKey(nameof(Codec)) ? Codec : null) with { Preset = Preset.ToLowerInvariant() };
        }
        catch (EncoderUnavailableException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.ResourceUnavailable, Codec));
        }
        if (_encoder!.Warning is { } warning) WriteWarning(warning);
        if (_encoder.AudioWarning(!NoAudio) is { } audioWarning) WriteWarning(audioWarning);
        // -Path: the one file (.mp4, .m4v, .mov, .mkv or .avi); -OutputDirectory: <source name>.annotated.mp4 each.
        var options = new AnnotationOptions { Blur = Blur, HoldDetections = !NoHold, Overwrite = Force, Trail = Trail, Audio = !NoAudio };
        int limit = ThrottleLimitArgument.Resolve(ThrottleLimit, () => ExportParallelism.Auto(Environment.ProcessorCount));
        _export = OpenOutput(full => new AnnotatedVideoExport(AnnotatedVideoExport.Resolve(full, ToDirectory), _encoder, options, StopToken, throttleLimit: limit));
    }

    protected override void ProcessRecord()
    {
        var export = _export!;
        foreach (var frame in InputObject)
        {
            if (frame is null) continue;
            if (export.IsNewSource(frame))
            {
                Seal();
                Start(frame.Path);
            }
            bool added;
            try
            {
                added = UntilStopped(() => export.Add(frame));
            }
            catch (FrameOutOfOrderException e)
            {
                WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, frame));
                continue;
            }
            catch (VideoDetectException e)
            {
                WriteError(Record(e));
                CompleteProgress();
                continue;
            }
            if (added) ReportProgress(frame);
            Commit(all: false);
        }
    }

    protected override void EndProcessing()
    {
        Seal();
        Commit(all: true);
    }

    /// <summary>Claims and opens a new source's video, or writes why its frames are skipped.</summary>
    private void Start(string source)
    {
        var export = _export!;
        try
        {
            string target = export.Claim(source);
            if (!ShouldProcess(target, $"Write the annotated video of {System.IO.Path.GetFileName(source)} ({_encoder})")) return;
            Commit(all: false); // makes room: at most -ThrottleLimit sources encode at once
            UntilStopped(() => { export.Open(); return true; });
            _progress = new ProgressRecord(3, "Writing annotated video", System.IO.Path.GetFileName(target));
        }
        catch (VideoDetectException e)
        {
            WriteError(Record(e, source));
        }
    }

    /// <summary>Ends the current source's input; its encoder finishes in the background.</summary>
    private void Seal()
    {
        _export!.Seal();
        CompleteProgress();
    }

    /// <summary>
    /// Commits the sealed sources that are due, oldest first (with <paramref name="all"/>, every one,
    /// waiting for each), and emits each file with -PassThru; an error is written and the next goes on.
    /// </summary>
    private void Commit(bool all)
    {
        var export = _export!;
        while (export.CommitDue(all))
        {
            try
            {
                var written = UntilStopped(export.CommitOldest);
                WriteVerbose(written.ToString());
                if (PassThru) WriteFile(written.File.FullName);
            }
            catch (VideoDetectException e)
            {
                WriteError(Record(e));
            }
        }
    }

    /// <summary>The error record for one of Core's typed errors: its id, a category, and what it is about.</summary>
    private static ErrorRecord Record(VideoDetectException e, string? source = null) => e switch
    {
        OutputPathConflictException c => new ErrorRecord(new InvalidOperationException(c.Message, c), c.ErrorId, ErrorCategory.InvalidOperation, c.SourcePath),
        OutputExistsException x => new ErrorRecord(new IOException(x.Message, x), x.ErrorId, ErrorCategory.ResourceExists, x.Target),
        InvalidOutputPathException p => new ErrorRecord(new IOException(p.Message, p), p.ErrorId, ErrorCategory.WriteError, p.Target),
        SourceUnavailableException s => new ErrorRecord(s, s.ErrorId, ErrorCategory.ReadError, s.Path),
        EncoderFailedException f => new ErrorRecord(new IOException(f.Message, f), f.ErrorId, ErrorCategory.WriteError, f.Target),
        _ => new ErrorRecord(e, e.ErrorId, ErrorCategory.NotSpecified, source),
    };

    private void ReportProgress(FrameDetections frame)
    {
        var writer = _export!.Writer;
        if (_progress is null || writer is null || !ProgressDue()) return;
        long total = writer.SourceFrameCount;
        _progress.StatusDescription = $"{System.IO.Path.GetFileName(frame.Path)}: frame {frame.FrameIndex} of {total}, {writer.FramesWritten} frames encoded";
        _progress.PercentComplete = total > 0 ? (int)Math.Clamp(frame.FrameIndex * 100 / total, 0, 100) : -1;
        WriteProgress(_progress);
    }

    private void CompleteProgress()
    {
        if (_progress is null) return;
        _progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(_progress);
        _progress = null;
    }

    protected override void DisposeCore()
    {
        _export?.Dispose();
        _export = null;
    }
}
