using System.Management.Automation;
using VideoDetect.Events;
using VideoDetect.Review;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Export-DetectionEvent -Database: writes events into a SQLite events database (Core's
/// <see cref="EventDatabaseWriter"/>; schema in about_VideoDetect). Events of one source
/// arrive together: they are gathered until the source ends (a new Path, or the end of the input)
/// and written in one transaction that replaces that source's earlier rows. A source that cannot be
/// written (locked past -BusyTimeout, read-only, disk full) is a non-terminating OutputWriteFailed,
/// its earlier rows kept; a file that is not a VideoDetect database ends the command
/// (InvalidEventDatabase). A stopped pipeline writes nothing of the source it was in.
/// </summary>
[Cmdlet(VerbsData.Export, "DetectionEvent", SupportsShouldProcess = true)]
[OutputType(typeof(DetectionEvent))]
public sealed class ExportDetectionEventCommand : PSCmdlet, IDisposable
{
    private EventDatabaseWriter? _writer;
    private string? _source;
    private bool _confirmed;
    private readonly List<DetectionEvent> _events = new();

    /// <summary>Events from ConvertTo-DetectionEvent (or Export-EventSnapshot/Export-EventClip -PassThru), each source's together.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [PortableObjectTransformation(typeof(DetectionEvent))]
    public DetectionEvent[] InputObject { get; set; } = Array.Empty<DetectionEvent>();

    /// <summary>The SQLite file; created when missing (its folder must exist). Several processes may write one file at once.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Database { get; set; } = "";

    /// <summary>The result store (Export-FrameDetection -OutputDirectory) each video's state and frame count are read from, as Get-DetectionStore shows them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>The root source identities are recorded relative to (as given to Split-VideoClip -Root). Default: the VIDEODETECT_ROOT environment variable.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>Seconds to wait for another process's write lock before that source fails (OutputWriteFailed).</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double BusyTimeout { get; set; } = EventDatabase.DefaultBusyTimeout.TotalSeconds;

    /// <summary>Emit each event once its source is written (committed).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Database, out var provider, out _);
        if (provider.Name != "FileSystem" || Directory.Exists(full) || !Directory.Exists(System.IO.Path.GetDirectoryName(full)))
        {
            string why = provider.Name != "FileSystem" ? "is not a file-system path" : Directory.Exists(full) ? "is a folder" : "is in a folder that does not exist";
            ThrowTerminatingError(ErrorMapping.WriterRecord(new Results.InvalidOutputPathException(Database, $"The events database '{Database}' {why}."), Database));
        }
        string? root = Root ?? Environment.GetEnvironmentVariable(ClipRoot.Variable);
        var options = new EventDatabaseOptions
        {
            Store = Store is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Store),
            Root = string.IsNullOrEmpty(root) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(root),
            BusyTimeout = TimeSpan.FromSeconds(BusyTimeout),
        };
        try
        {
            _writer = new EventDatabaseWriter(full, options);
        }
        catch (VideoDetectException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, Database));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var e in InputObject)
        {
            if (e is null) continue;
            if (e.Path != _source)
            {
                Flush();
                _source = e.Path;
                _confirmed = ShouldProcess($"{_writer!.Path} ({e.Path})", "Replace the events of the source");
            }
            if (_confirmed) _events.Add(e);
        }
    }

    protected override void EndProcessing() => Flush();

    // The current source ended: write its events in one transaction.
    private void Flush()
    {
        if (_source is null || _events.Count == 0) return;
        var events = _events.ToArray();
        _events.Clear();
        try
        {
            var written = _writer!.Write(_source, events);
            if (PassThru) foreach (var e in written) WriteObject(e);
        }
        catch (InvalidEventDatabaseException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, Database));
        }
        catch (VideoDetectException e)
        {
            WriteError(ErrorMapping.Record(e, _source));
        }
    }

    public void Dispose() => _writer?.Dispose();
}
