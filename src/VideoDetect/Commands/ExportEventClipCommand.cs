using System.Management.Automation;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Results;
using VideoDetect.Review;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Export-EventClip: one MP4 per DetectionEvent (or per run of overlapping ones, -Merge), from its
/// start less -PreRoll to its end plus -PostRoll, named <c>&lt;video&gt;.&lt;label&gt;-&lt;track or n&gt;.&lt;start frame&gt;.mp4</c>.
/// Events are taken one video at a time (a new Path ends a video, as the result store's order gives
/// them); each video is checked (gone or changed: a non-terminating SourceUnavailable naming it, the
/// other videos go on), planned and cut by Core (<see cref="EventClipExport"/>): copied when the cuts
/// fall on key frames, else re-encoded; -Annotate draws the events' tracks, read from -Detections
/// (result files or store folders). This command binds parameters, asks before each file, sweeps each
/// output folder of killed writers' temporary files once, and reports.
/// </summary>
[Cmdlet(VerbsData.Export, "EventClip", SupportsShouldProcess = true, DefaultParameterSetName = PlainSet)]
[OutputType(typeof(DetectionEvent))]
public sealed class ExportEventClipCommand : StoppableCommand
{
    private const string PlainSet = "Plain", AnnotateSet = "Annotate";
    private readonly List<DetectionEvent> _pending = new();
    private readonly HashSet<string> _swept = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Source, long First, long Last)> _written = new(StringComparer.Ordinal);
    private EventClipExport? _export;
    private string? _directory;
    private ProgressRecord? _progress;
    private int _clips;

    /// <summary>The events (from ConvertTo-DetectionEvent, live or after Import-FrameDetection).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(DetectionEvent))]
    public DetectionEvent InputObject { get; set; } = null!;

    /// <summary>The folder the clips are written to (created when missing); default: the current location.</summary>
    [Parameter]
    public string? OutputDirectory { get; set; }

    /// <summary>How long before an event's first frame its clip starts: a time ('2s', default) or frames; clamped to the video.</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive(AllowZero = true)]
    public VideoPosition PreRoll { get; set; } = new EventClipOptions().PreRoll;

    /// <summary>How long after an event's last frame its clip ends: a time ('2s', default) or frames; clamped to the video.</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive(AllowZero = true)]
    public VideoPosition PostRoll { get; set; } = new EventClipOptions().PostRoll;

    /// <summary>Clips of one video that overlap or touch become one file (named after its earliest event; every event in it gets that ClipPath).</summary>
    [Parameter]
    public SwitchParameter Merge { get; set; }

    /// <summary>Draw each event's boxes (its track's frame by frame, or a per-label event's label's, from -Detections) on its clip; an annotated clip is always re-encoded.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AnnotateSet)]
    public SwitchParameter Annotate { get; set; }

    /// <summary>The result files (or store folders) the tracks' boxes are read from for -Annotate: what Export-FrameDetection wrote for the events' videos.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AnnotateSet)]
    public string[] Detections { get; set; } = Array.Empty<string>();

    /// <summary>Write no audio (by default the source's audio is kept, cut to the clip).</summary>
    [Parameter]
    public SwitchParameter NoAudio { get; set; }

    /// <summary>Replace clips that exist.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit each event, with ClipPath set to its clip, once the clip is written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        var encoder = Encoders.Choose(null);
        if (encoder.Warning is { } warning) WriteWarning(warning);
        if (encoder.AudioWarning(!NoAudio) is { } audioWarning) WriteWarning(audioWarning);
        _directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputDirectory ?? ".");
        IReadOnlyList<string>? results = null;
        if (Annotate)
        {
            var paths = Detections.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)).ToList();
            foreach (string missing in paths.Where(p => !File.Exists(p) && !Directory.Exists(p)))
                ThrowTerminatingError(ErrorMapping.Record(new FileNotFoundException($"Cannot find the result file or folder '{missing}' given to -Detections.", missing), ErrorIds.ResultNotFound, missing));
            results = TrackBoxes.ResultFilesIn(paths);
        }
        var options = new EventClipOptions { PreRoll = PreRoll, PostRoll = PostRoll, Merge = Merge, Audio = !NoAudio, Overwrite = Force };
        _export = new EventClipExport(encoder, options, results);
    }

    protected override void ProcessRecord()
    {
        if (_pending.Count > 0 && !string.Equals(_pending[0].Path, InputObject.Path, StringComparison.Ordinal)) Flush();
        _pending.Add(InputObject);
    }

    protected override void EndProcessing()
    {
        Flush();
        if (_progress is null) return;
        _progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(_progress);
    }

    /// <summary>Writes the clips of the pending events (all of one video).</summary>
    private void Flush()
    {
        if (_pending.Count == 0) return;
        var events = _pending.ToList();
        _pending.Clear();
        string source = events[0].Path;
        PlannedClips plan;
        try
        {
            // A relative Path is relative to the current location, as PowerShell users mean it.
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(source);
            plan = UntilStopped(() => _export!.Plan(full, events, _directory, StopToken));
        }
        catch (VideoDetectException e)
        {
            WriteError(ErrorMapping.WriterRecord(e, source));
            return;
        }
        if (_export!.Annotates && plan.Detections is null)
            WriteWarning($"No result file given to -Detections holds '{source}': its clips are written without boxes.");
        foreach (var clip in plan.Clips) WriteClip(plan, clip);
    }

    private void WriteClip(PlannedClips plan, EventClip clip)
    {
        string target = plan.TargetOf(clip);
        string what = $"{clip.Events.Count} event{(clip.Events.Count == 1 ? "" : "s")} of {System.IO.Path.GetFileName(clip.SourcePath)}, frames {clip.First}..{clip.Last}";
        if (_written.TryGetValue(target, out var earlier))
        {
            // Two events named alike (e.g. one track crossing two lines on one frame): one file when they cut the same frames.
            if (earlier == (clip.SourcePath, clip.First, clip.Last)) Emit(new WrittenClip(clip, target, ClipMethod.Copied), again: true);
            else WriteError(ErrorMapping.WriterRecord(new OutputPathConflictException(clip.SourcePath, target, $"'{target}' was already written by this command for other frames of '{earlier.Source}' ({earlier.First}..{earlier.Last}); the clip of {what} is skipped (pass -Merge to join them)."), clip.SourcePath));
            return;
        }
        if (!ShouldProcess(target, $"Write the clip of {what}")) return;
        ReportProgress(target, what);
        try
        {
            Prepare(plan.OutputDirectory);
            var written = UntilStopped(() => _export!.Write(plan, clip, StopToken));
            _written[target] = (clip.SourcePath, clip.First, clip.Last);
            Emit(written);
        }
        catch (VideoDetectException e)
        {
            WriteError(ErrorMapping.WriterRecord(e, clip.SourcePath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorMapping.WriterRecord(new ResultWriteFailedException(target, $"Cannot write '{target}': {e.Message}", e), clip.SourcePath));
        }
    }

    /// <summary>Creates the folder and, once per command, sweeps it of temporary files killed writers left.</summary>
    private void Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        if (_swept.Add(directory)) OrphanSweep.Sweep(directory);
    }

    private void Emit(WrittenClip written, bool again = false)
    {
        string how = again ? "written before by this command" : written.Method == ClipMethod.Copied ? "copied" : "re-encoded";
        WriteVerbose($"{written.Path}: frames {written.Clip.First}..{written.Clip.Last} of '{written.Clip.SourcePath}', {how}.");
        if (PassThru) foreach (var e in EventClipWriter.Stamped(written)) WriteObject(e);
    }

    private void ReportProgress(string target, string what)
    {
        _clips++;
        if (!ProgressDue()) return;
        _progress ??= new ProgressRecord(4, "Writing event clips", what);
        _progress.StatusDescription = $"clip {_clips}: {System.IO.Path.GetFileName(target)} ({what})";
        WriteProgress(_progress);
    }
}
