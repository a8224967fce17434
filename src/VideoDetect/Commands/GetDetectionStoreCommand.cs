using System.Management.Automation;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Get-DetectionStore: where each video stands in a result store (Export-FrameDetection
/// -OutputDirectory, e.g. shared by shards on NFS/SMB): Done, Truncated, Incomplete (an output other
/// than the detections is not Done: see each entry's Outputs), Running, Partial, Failed, Pending. With
/// -Source, one line per source given (Pending when nothing usable is there); without, one per video
/// the store holds (a store folder that is not there is ResultNotFound). The policy is Core's <see cref="StoreSummary"/>.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DetectionStore")]
[OutputType(typeof(StoreEntry))]
public sealed class GetDetectionStoreCommand : PSCmdlet
{
    private string _store = "";
    private string? _root;
    private readonly List<string> _sources = new();

    /// <summary>The result store: the -OutputDirectory of Export-FrameDetection.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Source videos to report on (bound from Get-ChildItem output); without it, every video the store holds.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Source { get; set; }

    /// <summary>The root the store's headers are relative to (as given to Export-FrameDetection -Root). Default: the VIDEODETECT_ROOT environment variable.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>
    /// Only the videos whose detections are finished (Done, Truncated or Incomplete) and that lack
    /// one of these outputs (AnnotatedVideo, …: not Done in the outputs record), each expected of
    /// every video. Pipe them to Import-FrameDetection to make the missing outputs without inference.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? MissingOutput { get; set; }

    protected override void BeginProcessing()
    {
        _store = FileSystemParameter.Input(this, Path, "-Path");
        if ((Root ?? Environment.GetEnvironmentVariable(ClipRoot.Variable)) is { Length: > 0 } root)
            _root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(root);
    }

    protected override void ProcessRecord()
    {
        if (Source is null) return;
        foreach (string s in Source) _sources.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(s));
    }

    protected override void EndProcessing()
    {
        // Every video of a store that is not there (an unmounted share, a typo) is an error, not an empty answer.
        // With -Source the answer is per source: Pending each, as before any run.
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Source)) && !Directory.Exists(_store))
        {
            string why = File.Exists(_store) ? "is a file, not a result store folder" : "does not exist";
            WriteError(ErrorMapping.Record(new DirectoryNotFoundException($"Cannot list the result store '{_store}': it {why} (the -OutputDirectory of Export-FrameDetection)."), VideoDetect.Errors.ErrorIds.ResultNotFound, _store));
            return;
        }
        var entries = _sources.Count > 0 || MyInvocation.BoundParameters.ContainsKey(nameof(Source))
            ? StoreSummary.Of(_store, _sources, _root, MissingOutput)
            : StoreSummary.Of(_store, MissingOutput);
        if (MissingOutput is { } kinds)
            entries = entries.Where(e => e.Outputs.Count > 0 && e.Outputs[0].State == OutputState.Done
                && e.Outputs.Any(o => kinds.Contains(o.Kind, StringComparer.OrdinalIgnoreCase) && o.State != OutputState.Done));
        foreach (var entry in entries) WriteObject(entry);
    }
}
