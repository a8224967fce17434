using System.Management.Automation;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Get-DetectionStore: where each video stands in a result store (Export-FrameDetection
/// -OutputDirectory, e.g. shared by shards on NFS/SMB): Done, Running, Partial, Failed, Pending. With
/// -Source, one line per source given (Pending when nothing usable is there); without, one per video
/// the store holds. The policy is Core's <see cref="StoreSummary"/>.
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

    protected override void BeginProcessing()
    {
        _store = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
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
        var entries = _sources.Count > 0 || MyInvocation.BoundParameters.ContainsKey(nameof(Source))
            ? StoreSummary.Of(_store, _sources, _root)
            : StoreSummary.Of(_store);
        foreach (var entry in entries) WriteObject(entry);
    }
}
