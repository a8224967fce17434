using System.Collections;
using System.Management.Automation;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Tracking;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Add-DetectionTrack: gives each Detection a TrackId (the tracker named by -Tracker, ByteTrack by
/// default; per source) and passes the FrameDetections on, in order. Builds <see cref="TrackerOptions"/>
/// and calls Core's <see cref="TrackAssigner"/>, which returns tracked copies: the frames written are
/// new objects, the input frames are left as they were. Then Core's <see cref="TrackLinker"/> (-LinkWindow)
/// holds the tracked frames a few seconds to link a new track to one lost shortly before. The trackers come from Core's
/// <see cref="Trackers"/> registry; a new one needs no change here.
/// </summary>
[Cmdlet(VerbsCommon.Add, "DetectionTrack")]
[OutputType(typeof(FrameDetections))]
public sealed class AddDetectionTrackCommand : PSCmdlet
{
    private TrackAssigner? _assigner;
    private ObjectFilter? _filter;
    private TrackLinker? _linker;

    /// <summary>Frames from Invoke-FrameDetection (or Import-FrameDetection), in frame order per source; also as they come back from a job, remoting, Import-Clixml or ConvertFrom-Json.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(FrameDetections))]
    public FrameDetections[] InputObject { get; set; } = Array.Empty<FrameDetections>();

    /// <summary>The tracker, by name (Core's <see cref="Trackers"/> registry; ByteTrack by default).</summary>
    [Parameter]
    [ValidateTracker]
    [ArgumentCompleter(typeof(TrackerCompleter))]
    public string Tracker { get; set; } = Trackers.Default;

    /// <summary>Detections at or above this score are matched first and may start tracks.</summary>
    [Parameter]
    [ValidateRange(0f, 1f)]
    public float TrackThreshold { get; set; } = new TrackerOptions().TrackThreshold;

    /// <summary>The highest first-association cost (1 − IoU × score) that still matches.</summary>
    [Parameter]
    [ValidateRange(0.01f, 1f)]
    public float MatchThreshold { get; set; } = new TrackerOptions().MatchThreshold;

    /// <summary>How long a lost track is kept: frames (an integer) or a time ('2s', 1500ms, a TimeSpan).</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive(AllowZero = true)]
    public VideoPosition LostTrackBuffer { get; set; } = new TrackerOptions().LostTrackBuffer;

    /// <summary>Matches a new track needs before it gets an id.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MinHits { get; set; } = new TrackerOptions().MinHits;

    /// <summary>Smallest box area, per class: pixels², or a fraction of the frame below 1; one value or @{ person = 400; car = 2000 }.</summary>
    [Parameter]
    [ClassValuesTransformation(nameof(MinArea))]
    public ClassValues MinArea { get; set; } = new ObjectFilterOptions().MinArea;

    /// <summary>Largest box area, per class, as -MinArea.</summary>
    [Parameter]
    [ClassValuesTransformation(nameof(MaxArea))]
    public ClassValues MaxArea { get; set; } = new ObjectFilterOptions().MaxArea;

    /// <summary>Smallest box aspect (width / height), per class.</summary>
    [Parameter]
    [ClassValuesTransformation(nameof(MinRatio))]
    public ClassValues MinRatio { get; set; } = new ObjectFilterOptions().MinRatio;

    /// <summary>Largest box aspect (width / height), per class.</summary>
    [Parameter]
    [ClassValuesTransformation(nameof(MaxRatio))]
    public ClassValues MaxRatio { get; set; } = new ObjectFilterOptions().MaxRatio;

    /// <summary>The median score a track's latest detections must reach before it is an object, per class (Frigate's threshold).</summary>
    [Parameter]
    [ClassValuesTransformation(nameof(ObjectThreshold))]
    public ClassValues ObjectThreshold { get; set; } = new ObjectFilterOptions().ObjectThreshold;

    /// <summary>Named polygons in source pixels; a box whose bottom-centre is inside one is dropped: @{ Sign = '20,100 60,100 60,150 20,150' }.</summary>
    [Parameter]
    public IDictionary? IgnoreRegion { get; set; }

    /// <summary>Labels that are one object when they claim the same box ('car,truck,bus'); @() for none.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? ClassGroup { get; set; }

    /// <summary>A track whose box stays put this long is Stationary: frames or a time ('10s').</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive]
    public VideoPosition StationaryAfter { get; set; } = new ObjectFilterOptions().StationaryAfter;
    /// <summary>How far to look ahead to link a new track to one lost shortly before (Core's <see cref="TrackLinker"/>): frames or a time; 0 turns linking off.</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive(AllowZero = true)]
    public VideoPosition LinkWindow { get; set; } = new TrackLinkOptions().Window;

    protected override void BeginProcessing()
    {
        _assigner = new TrackAssigner(new TrackerOptions
        {
            TrackThreshold = TrackThreshold, MatchThreshold = MatchThreshold, LostTrackBuffer = LostTrackBuffer, MinHits = MinHits,
        }, Tracker);
        try
        {
            _filter = new ObjectFilter(new ObjectFilterOptions
            {
                MinArea = MinArea, MaxArea = MaxArea, MinRatio = MinRatio, MaxRatio = MaxRatio, ObjectThreshold = ObjectThreshold,
                IgnoreRegions = ObjectFilterArguments.Regions(IgnoreRegion), ClassGroups = ObjectFilterArguments.Groups(ClassGroup),
                StationaryAfter = StationaryAfter,
            });
        }
        catch (VideoDetectException e) when (e is InvalidRegionException or InvalidObjectFilterException)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, null));
        }
        _linker = new TrackLinker(new TrackLinkOptions { Window = LinkWindow });
    }

    protected override void ProcessRecord()
    {
        foreach (var frame in InputObject)
        {
            if (frame is null) continue;
            FrameDetections tracked;
            try
            {
                tracked = _filter!.Process(frame, _assigner!.Process);
            }
            catch (FrameOutOfOrderException e)
            {
                WriteError(ErrorMapping.Record(e, frame));
                tracked = _filter!.Untracked(frame);   // the object filters still apply; no track state changes
            }
            foreach (var linked in _linker!.Push(tracked)) WriteObject(linked);
        }
    }

    protected override void EndProcessing()
    {
        foreach (var linked in _linker!.Complete()) WriteObject(linked);
    }
}
