using System.Collections;
using System.Management.Automation;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Results;
using VideoDetect.Review;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Export-DetectionReport: the morning review as one self-contained folder (index.html and its
/// images; no script, no network): the run's summary from the result store (-Store), and per video a
/// timeline of its events, a count-per-interval chart, regions and lines on a representative frame,
/// and the event table with snapshot thumbnails linking to clips. Collects the events, then calls
/// Core's <see cref="DetectionReport"/> (atomic: written beside, renamed into place).
/// </summary>
[Cmdlet(VerbsData.Export, "DetectionReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDetectionReportCommand : PSCmdlet
{
    private readonly List<DetectionEvent> _events = new();

    /// <summary>Events from ConvertTo-DetectionEvent (or Export-EventSnapshot / Export-EventClip -PassThru, which set SnapshotPath and ClipPath).</summary>
    [Parameter(Position = 1, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    [PortableObjectTransformation(typeof(DetectionEvent))]
    public DetectionEvent[] InputObject { get; set; } = Array.Empty<DetectionEvent>();

    /// <summary>The report folder: made (or, with -Force, an earlier report there replaced) when the report is complete.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The result store (Export-FrameDetection -OutputDirectory): its videos' states (done, failed, truncated, …, with reasons) make the summary, and its videos without events get a section too.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>Named polygons in source pixels, drawn on each video's frame: @{ Dock = '100,200 300,200 300,400 100,400' } (as ConvertTo-DetectionEvent -Region).</summary>
    [Parameter]
    public IDictionary? Region { get; set; }

    /// <summary>Named lines in source pixels, drawn on each video's frame: @{ Gate = '0,300 768,300' } (as ConvertTo-DetectionEvent -Line).</summary>
    [Parameter]
    public IDictionary? Line { get; set; }

    /// <summary>The interval of the count chart: a time ('1m', '30s', '00:05:00'). Default 1 minute.</summary>
    [Parameter]
    [IntervalTransformation]
    public TimeSpan Interval { get; set; } = new ReviewOptions().Interval;

    /// <summary>The page's title.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = new ReviewOptions().Title;

    /// <summary>Replace an earlier report in the folder.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var e in InputObject) if (e is not null) _events.Add(e);
    }

    protected override void EndProcessing()
    {
        string folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        ReviewOptions options;
        try
        {
            options = new ReviewOptions
            {
                Title = Title, Interval = Interval, Store = Store is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Store),
                Regions = ObjectFilterArguments.Named(Region).Select(p => new Region(p.Name, p.Points)).ToList(),
                Lines = ObjectFilterArguments.Named(Line).Select(p => new CrossingLine(p.Name, p.Points)).ToList(),
            };
        }
        catch (InvalidRegionException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, null));
            return;
        }
        if (!ShouldProcess(folder, $"Write a review page of {_events.Count} events")) return;
        var store = options.Store is null ? Array.Empty<StoreEntry>() : StoreSummary.Of(options.Store).ToArray();
        try
        {
            var result = DetectionReport.Write(folder, _events, store, options, Force);
            foreach (var problem in result.Problems) WriteError(ErrorMapping.WriterRecord(problem, problem.Path));
            // Through the provider, as the other writers emit files: the object Get-Item gives (PSPath, the file view).
            WriteObject(InvokeProvider.Item.Get(new[] { result.Page }, false, true), enumerateCollection: true);
        }
        catch (VideoDetectException e)
        {
            ThrowTerminatingError(ErrorMapping.WriterRecord(e, folder));
        }
    }
}

/// <summary>A positive time for an interval, read as <see cref="VideoPositionTransformationAttribute"/> reads one ('1m', '30s', '00:05:00', a TimeSpan); frames are refused (an interval spans videos of any rate).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class IntervalTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var position = (VideoPosition)new VideoPositionTransformationAttribute().Transform(engineIntrinsics, inputData);
        if (position.Time is { } time && time > TimeSpan.Zero) return time;
        throw new ArgumentTransformationMetadataException($"An interval is a positive time such as '1m', '30s' or '00:05:00', not '{position}'.");
    }
}
