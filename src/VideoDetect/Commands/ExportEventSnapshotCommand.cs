using System.Collections;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using VideoDetect.Events;
using VideoDetect.Results;
using VideoDetect.Review;

namespace VideoDetect.Commands;

/// <summary>
/// Export-EventSnapshot: one JPEG per event piped in, its peak frame read from the source by exact
/// index with the event's box and label drawn (and its region or line, given the same -Region/-Line
/// as ConvertTo-DetectionEvent), or with -Crop the box region with -Margin around it. Names are
/// <c>&lt;video&gt;.&lt;label&gt;-&lt;track or n&gt;.&lt;start frame&gt;[.&lt;region or line-direction&gt;][.crop].jpg</c>
/// in -OutputDirectory (<see cref="SnapshotNames"/>). Events are gathered per source (a new Path
/// writes the previous source's) so one decode pass in frame order serves them; the work is Core's
/// <see cref="EventSnapshotWriter"/>. An event that cannot get its snapshot (source gone or changed,
/// file existing without -Force) is a non-terminating error; the rest go on.
/// </summary>
[Cmdlet(VerbsData.Export, "EventSnapshot", SupportsShouldProcess = true)]
[OutputType(typeof(DetectionEvent))]
public sealed class ExportEventSnapshotCommand : StoppableCommand
{
    private readonly List<DetectionEvent> _pending = new();
    private EventSnapshotWriter? _writer;
    private bool _orphansReported;

    /// <summary>Events from ConvertTo-DetectionEvent (or read back), grouped by source as it writes them.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(DetectionEvent))]
    public DetectionEvent[] InputObject { get; set; } = Array.Empty<DetectionEvent>();

    /// <summary>The folder the snapshots go into; created when missing.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    /// <summary>Write the box region (with -Margin around it) instead of the whole frame; named *.crop.jpg.</summary>
    [Parameter]
    public SwitchParameter Crop { get; set; }

    /// <summary>With -Crop: the margin around the box on each side, as a fraction of the box's size (default 0.25).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double Margin { get; set; } = new SnapshotOptions().Margin;

    /// <summary>JPEG quality, 1..100 (default 90).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int Quality { get; set; } = new SnapshotOptions().Quality;

    /// <summary>The regions the events were made with (ConvertTo-DetectionEvent -Region): an event's region is drawn on its snapshot.</summary>
    [Parameter]
    public IDictionary? Region { get; set; }

    /// <summary>The lines the events were made with (ConvertTo-DetectionEvent -Line): a crossing's line is drawn on its snapshot.</summary>
    [Parameter]
    public IDictionary? Line { get; set; }

    /// <summary>Replace existing snapshots.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit every event, with SnapshotPath set where its snapshot was written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputDirectory, out var provider, out _);
        try
        {
            if (provider.ImplementingType != typeof(FileSystemProvider))
                throw new InvalidOutputPathException(OutputDirectory, $"'{OutputDirectory}' is not a file-system path.");
            var shapes = Region is null && Line is null ? null : new EventOptions
            {
                Regions = ObjectFilterArguments.Regions(Region),
                Lines = ObjectFilterArguments.Named(Line).Select(p => new CrossingLine(p.Name, p.Points)).ToList(),
            };
            var options = new SnapshotOptions { Crop = Crop, Margin = Margin, Quality = Quality, Overwrite = Force, Shapes = shapes };
            _writer = new EventSnapshotWriter(full, options, StopToken);
        }
        catch (VideoDetect.Errors.VideoDetectException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, OutputDirectory));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var e in InputObject)
        {
            if (e is null) continue;
            // A new source: the previous one's events are written (one decode pass each).
            if (_pending.Count > 0 && !string.Equals(_pending[^1].Path, e.Path, StringComparison.Ordinal)) Flush();
            _pending.Add(e);
        }
    }

    protected override void EndProcessing() => Flush();

    private void Flush()
    {
        if (_pending.Count == 0) return;
        var events = _pending.ToArray();
        _pending.Clear();
        IReadOnlyList<SnapshotResult> results;
        try
        {
            results = UntilStopped(() => _writer!.Write(events, (e, target) => ShouldProcess(target, $"Write the snapshot of {e}")));
        }
        catch (InvalidOutputPathException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, OutputDirectory));
            return;
        }
        if (!_orphansReported && _writer!.RemovedOrphans.Count > 0)
        {
            _orphansReported = true;
            foreach (string orphan in _writer.RemovedOrphans) WriteVerbose($"Removed '{orphan}', a temporary file its writer left when it was killed.");
        }
        foreach (var r in results)
        {
            if (r.Error is { } error) WriteError(ErrorMapping.WriterRecord(error, r.Event));
            else if (r.Written is { } file) WriteVerbose($"Wrote {file}: frame {r.Event.PeakFrame} of {System.IO.Path.GetFileName(r.Event.Path)}.");
            if (PassThru) WriteObject(r.Output);
        }
    }
}
