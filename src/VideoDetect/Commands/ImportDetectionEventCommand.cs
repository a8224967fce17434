using System.Globalization;
using System.Management.Automation;
using VideoDetect.Events;
using VideoDetect.Review;

namespace VideoDetect.Commands;

/// <summary>
/// Import-DetectionEvent -Database: reads an events database (Export-DetectionEvent -Database) back
/// as DetectionEvent objects, in the order written, filtered by video, label, track and time
/// (Core's <see cref="EventDatabaseReader"/>). -Video and -Label take wildcards; -After and -Before
/// a time of day (a date and time, or a DateTime/DateTimeOffset) or an offset into the video (a
/// TimeSpan, '00:01:30', or seconds as '90s').
/// </summary>
[Cmdlet(VerbsData.Import, "DetectionEvent")]
[OutputType(typeof(DetectionEvent))]
public sealed class ImportDetectionEventCommand : PSCmdlet
{
    /// <summary>The SQLite file written by Export-DetectionEvent -Database.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Database { get; set; } = "";

    /// <summary>Only these videos: their path or file name, wildcards allowed (bound from Get-ChildItem output).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Video { get; set; }

    /// <summary>Only these labels, wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Label { get; set; }

    /// <summary>Only these tracks.</summary>
    [Parameter]
    public int[]? TrackId { get; set; }

    /// <summary>Only events that start at or after this: a time of day (a date and time) or an offset into the video (a TimeSpan, '00:01:30', '90s').</summary>
    [Parameter]
    [EventTimeBoundTransformation]
    public EventTimeBound? After { get; set; }

    /// <summary>Only events that start before this: a time of day or an offset, as for -After.</summary>
    [Parameter]
    [EventTimeBoundTransformation]
    public EventTimeBound? Before { get; set; }

    protected override void ProcessRecord()
    {
        string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Database);
        var query = new EventQuery
        {
            Video = Matcher(Video, fileNameToo: true), Label = Matcher(Label, fileNameToo: false),
            TrackIds = TrackId, After = After, Before = Before,
        };
        try
        {
            foreach (var e in EventDatabaseReader.Read(full, query, EventDatabase.DefaultBusyTimeout)) WriteObject(e);
        }
        catch (FileNotFoundException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, ErrorIds.ResultNotFound, Database));
        }
        catch (VideoDetectException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, Database));
        }
    }

    // A wildcard match of the whole value (or, for videos, of its file name); null: no filter.
    private static Func<string, bool>? Matcher(string[]? patterns, bool fileNameToo)
    {
        if (patterns is null) return null;
        var wildcards = patterns.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToArray();
        return value => wildcards.Any(w => w.IsMatch(value) || (fileNameToo && w.IsMatch(System.IO.Path.GetFileName(value))));
    }
}

/// <summary>Reads -After/-Before: a DateTime/DateTimeOffset or a string with a date is a time of day; a TimeSpan, 'hh:mm:ss' or '90s' an offset into the video.</summary>
internal sealed class EventTimeBoundTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject pso ? pso.BaseObject : inputData;
        var inv = CultureInfo.InvariantCulture;
        switch (value)
        {
            case EventTimeBound bound: return bound;
            case DateTimeOffset at: return EventTimeBound.OfTime(at);
            case DateTime at: return EventTimeBound.OfTime(new DateTimeOffset(at));
            case TimeSpan offset: return EventTimeBound.OfOffset(offset);
            case string text:
                text = text.Trim();
                if (text.EndsWith('s') && double.TryParse(text[..^1], NumberStyles.Float, inv, out double seconds)) return EventTimeBound.OfOffset(TimeSpan.FromSeconds(seconds));
                if (TimeSpan.TryParse(text, inv, out var span)) return EventTimeBound.OfOffset(span);
                if (DateTimeOffset.TryParse(text, inv, DateTimeStyles.AssumeLocal, out var time)) return EventTimeBound.OfTime(time);
                break;
        }
        throw new ArgumentTransformationMetadataException($"'{inputData}' is neither a time of day (a date and time, e.g. '2026-12-05 02:00') nor an offset into the video ('00:01:30', '90s').");
    }
}
