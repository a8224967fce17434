using System.Management.Automation;
using VideoDetect.Inference;
using VideoDetect.Review;

namespace VideoDetect.Commands;

/// <summary>
/// Measure-DetectionCount: per source, label and interval, the distinct tracks, the peak in one frame
/// and the object-seconds, from FrameDetections (live, or read back by Import-FrameDetection), by time
/// of day when the frames know it. Builds <see cref="CountOptions"/> and calls Core's <see cref="DetectionCounter"/>;
/// the rows come at the end (a source's last interval is only whole then).
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "DetectionCount")]
[OutputType(typeof(DetectionCount))]
public sealed class MeasureDetectionCountCommand : PSCmdlet
{
    private DetectionCounter? _counter;

    /// <summary>Frames from Add-DetectionTrack (or Invoke-FrameDetection: then no track counts), in frame order per source; also as they come back from a job, remoting, Import-Clixml or ConvertFrom-Json.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(FrameDetections))]
    public FrameDetections[] InputObject { get; set; } = Array.Empty<FrameDetections>();

    /// <summary>The interval: '1m', '15m', '1h', '30s', seconds (60) or a TimeSpan. Aligned to whole intervals since midnight when the time of day is known.</summary>
    [Parameter]
    [SecondsTransformation]
    [ValidatePositive]
    public TimeSpan Interval { get; set; } = new CountOptions().Interval;

    /// <summary>Only these labels; each gets a row per interval, zeros included.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClassCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Label { get; set; }

    /// <summary>Ignore detections below this confidence.</summary>
    [Parameter]
    [ValidateRange(0f, 1f)]
    public float MinConfidence { get; set; }

    /// <summary>Also count stationary tracks, which are left out by default (as ConvertTo-DetectionEvent leaves them out).</summary>
    [Parameter]
    public SwitchParameter IncludeStationary { get; set; }

    protected override void BeginProcessing() =>
        _counter = new DetectionCounter(new CountOptions { Interval = Interval, Labels = Label, MinConfidence = MinConfidence, IncludeStationary = IncludeStationary });

    protected override void ProcessRecord()
    {
        foreach (var frame in InputObject)
            if (frame is not null) _counter!.Add(frame);
    }

    protected override void EndProcessing()
    {
        foreach (var row in _counter!.Complete()) WriteObject(row);
    }
}
