using System.Collections;
using System.Management.Automation;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// ConvertTo-DetectionEvent: folds the frame stream into DetectionEvent objects (per track or per
/// label, per region; line crossings), written as each event closes and the open ones at the end.
/// Builds <see cref="EventOptions"/> and calls Core's <see cref="EventFolder"/>.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "DetectionEvent")]
[OutputType(typeof(DetectionEvent))]
public sealed class ConvertToDetectionEventCommand : PSCmdlet
{
    private EventFolder? _folder;
    private bool _warnedLines;

    /// <summary>Frames from Invoke-FrameDetection or Add-DetectionTrack, in frame order per source; also as they come back from a job, remoting, Import-Clixml or ConvertFrom-Json.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(FrameDetections))]
    public FrameDetections[] InputObject { get; set; } = Array.Empty<FrameDetections>();

    /// <summary>Misses up to this long are bridged: frames (an integer) or a time ('0.5s', 500ms).</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive(AllowZero = true)]
    public VideoPosition MaxGap { get; set; } = new EventOptions().MaxGap;

    /// <summary>Presence events shorter than this are dropped: frames or a time.</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive(AllowZero = true)]
    public VideoPosition MinDuration { get; set; } = new EventOptions().MinDuration;

    /// <summary>Only these labels.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClassCompleter))]
    public string[]? Class { get; set; }

    /// <summary>Ignore detections below this confidence.</summary>
    [Parameter]
    [ValidateRange(0f, 1f)]
    public float MinConfidence { get; set; } = new EventOptions().MinConfidence;

    /// <summary>Named polygons in source pixels: @{ Dock = '100,200 300,200 300,400 100,400' }.</summary>
    [Parameter]
    public IDictionary? Region { get; set; }

    /// <summary>Named lines in source pixels: @{ Gate = '0,300 768,300' }.</summary>
    [Parameter]
    public IDictionary? Line { get; set; }

    /// <summary>Frames a track must stay on the other side of a line before the crossing counts.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int CrossingFrames { get; set; } = new EventOptions().CrossingFrames;

    /// <summary>Also make events (marked Stationary) and count crossings for stationary tracks, which are left out by default.</summary>
    [Parameter]
    public SwitchParameter IncludeStationary { get; set; }

    /// <summary>Also write a copy of each presence event (IsOpen = $true) when it opens, once it has lasted -MinDuration: for Send-DetectionEvent -OnOpen.</summary>
    [Parameter]
    public SwitchParameter EmitOpen { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _folder = new EventFolder(new EventOptions
            {
                MaxGap = MaxGap, MinDuration = MinDuration, Classes = Class, MinConfidence = MinConfidence, CrossingFrames = CrossingFrames, IncludeStationary = IncludeStationary, EmitOpen = EmitOpen,
                Regions = ObjectFilterArguments.Named(Region).Select(p => new Region(p.Name, p.Points)).ToList(),
                Lines = ObjectFilterArguments.Named(Line).Select(p => new CrossingLine(p.Name, p.Points)).ToList(),
            });
        }
        catch (InvalidRegionException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, null));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var frame in InputObject)
        {
            if (frame is null) continue;
            foreach (var e in _folder!.Add(frame)) WriteObject(e);
            if (_folder.SawUntrackedWithLines && !_warnedLines)
            {
                _warnedLines = true;
                WriteWarning("-Line counts tracked objects only, and these frames are not tracked: pipe them through Add-DetectionTrack first.");
            }
        }
    }

    protected override void EndProcessing()
    {
        foreach (var e in _folder!.Complete()) WriteObject(e);
    }
}
