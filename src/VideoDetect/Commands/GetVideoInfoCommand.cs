using System.Management.Automation;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// <para>Get-VideoInfo: what a video file holds — codec, size, exact frame rate, the frame count the
/// container claims and the count that actually decodes, and the duration.</para>
/// The container's count is checked cheaply (its last frame must decode where a constant rate puts
/// it); only when that fails, or with -Accurate, are all frames decoded and counted. Results are
/// cached per file version, so Split-VideoClip and later runs do not pay again.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VideoInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(VideoInfo))]
public sealed class GetVideoInfoCommand : VideoCommandBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Video files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Video files, taken literally (no wildcards). Bound from Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Decode and count every frame even when the container's count checks out.</summary>
    [Parameter]
    public SwitchParameter Accurate { get; set; }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string file in ResolveFilePaths(literal ? LiteralPath : Path, literal))
        {
            var probed = ProbeOrWriteError(file, Accurate);
            if (probed is not null) WriteObject(probed.Info);
        }
    }
}
