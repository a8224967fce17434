using System.Collections;
using System.Management.Automation;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Export-AnnotatedVideo: the last stage of the pipeline. Takes FrameDetections (in frame order, one
/// source after another), re-decodes each source in lockstep, draws the boxes (or blurs them) and
/// writes one playable video per source, atomically: a temporary file beside the target, renamed on
/// success, deleted on an error or Ctrl+C. Up to -ThrottleLimit sources encode at once (a finished
/// source's encoder works on while the next one's frames arrive); results come in input order. The
/// sink lives in Core (<see cref="AnnotatedVideoExport"/>), the per-source lifecycle, naming and
/// conflict rules in <see cref="SourceWriterCommand"/> and Core's driver; this command binds its
/// parameters and reports progress. With -Segment the sink is <see cref="SegmentedAnnotatedVideoExport"/>
/// (one complete video per segment, emitted as each is committed). A live source is drawn on the frames
/// kept from the first decode: this command holds a <see cref="LiveFrameTaps.Keep"/> lease from
/// BeginProcessing (before any clip is decoded) until it is disposed. The same lease keeps the frames
/// the batcher decodes from files (<see cref="LiveFrameKeep.Files"/>), so a file is decoded a second
/// time only for the frames not kept (VIDEODETECT_KEEP_FILE_FRAMES=0: every frame, as before).
/// </summary>
[Cmdlet(VerbsData.Export, "AnnotatedVideo", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo), typeof(FrameDetections))]
public sealed class ExportAnnotatedVideoCommand : SourceWriterCommand
{
    private EncoderChoice? _encoder;
    private ProgressRecord? _progress;
    private LiveFrameKeep? _keepLiveFrames;

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

    /// <summary>Named polygons in source pixels to draw, as ConvertTo-DetectionEvent's -Region: @{ Dock = '100,200 300,200 300,400 100,400' }.</summary>
    [Parameter]
    public IDictionary? Region { get; set; }

    /// <summary>Named lines in source pixels to draw, as ConvertTo-DetectionEvent's -Line, each with its live in/out counts (tracked frames): @{ Gate = '0,300 768,300' }.</summary>
    [Parameter]
    public IDictionary? Line { get; set; }

    /// <summary>Frames a track must stay on the other side of a line before the crossing counts (as ConvertTo-DetectionEvent's -CrossingFrames, so the counts match its crossing events).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int CrossingFrames { get; set; } = new EventOptions().CrossingFrames;

    /// <summary>Sources encoded at once, 1..64, or Auto (default: half the cores, 2 to 8).</summary>
    [Parameter]
    [ValidatePattern(ThrottleLimitArgument.Pattern)]
    public string ThrottleLimit { get; set; } = "Auto";

    /// <summary>
    /// Roll the videos: one complete, playable video per segment of this length (seconds, a TimeSpan, or
    /// "10m" / "1h") of each source's frames by their offset, committed as its segment ends and named
    /// like Export-FrameDetection -Segment's files: &lt;name&gt;.&lt;yyyyMMddTHHmmss&gt;.annotated.mp4 after the
    /// segment's start time of day (without one, &lt;name&gt;.t&lt;HHHmmss&gt;… after its start offset).
    /// </summary>
    [Parameter]
    [SecondsTransformation]
    [ValidatePositive]
    public TimeSpan? Segment { get; set; }

    protected override void BeginProcessing()
    {
        // Before any clip of this pipeline is decoded: live (and file) frames are kept for drawing from the first.
        _keepLiveFrames = LiveFrameTaps.Keep();
        try
        {
            _encoder = Encoders.Choose(MyInvocation.BoundParameters.ContainsKey(nameof(Codec)) ? Codec : null) with { Preset = Preset.ToLowerInvariant() };
        }
        catch (EncoderUnavailableException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, Codec));
        }
        if (_encoder!.Warning is { } warning) WriteWarning(warning);
        if (_encoder.AudioWarning(!NoAudio) is { } audioWarning) WriteWarning(audioWarning);
        // -Path: the one file (.mp4, .m4v, .mov, .mkv or .avi); -OutputDirectory: <source name>.annotated.mp4 each.
        var options = new AnnotationOptions { Blur = Blur, HoldDetections = !NoHold, Overwrite = Force, Trail = Trail, Audio = !NoAudio, Overlay = Overlay() };
        int limit = ThrottleLimitArgument.Resolve(ThrottleLimit, () => ExportParallelism.Auto(Environment.ProcessorCount));
        OpenWriter(full => AnnotatedVideoExport.Resolve(full, ToDirectory), _ =>
        {
            var export = new AnnotatedVideoExport(_encoder, options, StopToken, liveFrames: _keepLiveFrames);
            return Segment is { } length ? new SegmentedAnnotatedVideoExport(export, length) : export;
        }, limit);
    }

    /// <summary>The regions and lines to draw (null when none), with the crossing rule ConvertTo-DetectionEvent uses by default.</summary>
    private EventOptions? Overlay()
    {
        if (Region is null && Line is null) return null;
        try
        {
            return new EventOptions
            {
                CrossingFrames = CrossingFrames,
                Regions = ObjectFilterArguments.Regions(Region),
                Lines = ObjectFilterArguments.Named(Line).Select(p => new CrossingLine(p.Name, p.Points)).ToList(),
            };
        }
        catch (InvalidRegionException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, null));
            return null; // unreachable: ThrowTerminatingError throws
        }
    }

    protected override string ActionFor(string sourcePath) => $"Write the annotated video of {System.IO.Path.GetFileName(sourcePath)} ({_encoder})";

    protected override void OnOpened(ISourceOutput output) =>
        _progress = new ProgressRecord(3, "Writing annotated video", System.IO.Path.GetFileName(WriterOf(output)?.TargetPath ?? output.SourcePath));

    protected override void OnAdded(FrameDetections frame, ISourceOutput output)
    {
        if (output is SegmentedAnnotatedVideoOutput segmented)
        {
            // With -Segment, each segment's video is emitted as soon as it is committed.
            foreach (var result in segmented.TakeCommitted())
            {
                WriteVerbose(result.ToString());
                EmitFile(result.File.FullName);
            }
        }
        if (WriterOf(output) is { } writer) ReportProgress(frame, writer);
    }

    private static AnnotatedVideoWriter? WriterOf(ISourceOutput output) => output switch
    {
        AnnotatedVideoOutput one => one.Writer,
        SegmentedAnnotatedVideoOutput segmented => segmented.Writer,
        _ => null,
    };

    protected override void OnSourceEnded() => CompleteProgress();

    private void ReportProgress(FrameDetections frame, AnnotatedVideoWriter writer)
    {
        if (_progress is null || !ProgressDue()) return;
        long total = writer.SourceFrameCount;
        _progress.StatusDescription = total > 0
            ? $"{System.IO.Path.GetFileName(frame.Path)}: frame {frame.FrameIndex} of {total}, {writer.FramesWritten} frames encoded"
            : $"{System.IO.Path.GetFileName(writer.TargetPath)}: frame {frame.FrameIndex}, {writer.FramesWritten} frames encoded";
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

    /// <summary>Abandons what is open, then lets the kept live frames go.</summary>
    protected override void DisposeCore()
    {
        base.DisposeCore();
        _keepLiveFrames?.Dispose();
        _keepLiveFrames = null;
    }
}
