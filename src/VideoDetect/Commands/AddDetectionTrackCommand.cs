using System.Management.Automation;
using VideoDetect.Errors;
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
                tracked = _assigner!.Process(frame);
            }
            catch (FrameOutOfOrderException e)
            {
                WriteError(ErrorMapping.Record(e, frame));
                tracked = TrackAssigner.Untracked(frame);
            }
            foreach (var linked in _linker!.Push(tracked)) WriteObject(linked);
        }
    }

    protected override void EndProcessing()
    {
        foreach (var linked in _linker!.Complete()) WriteObject(linked);
    }
}
