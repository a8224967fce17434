using System.Management.Automation;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// <para>Split-VideoClip: cuts each video into fixed-length, pixel-free clip descriptors
/// (<see cref="VideoClip"/>) that later stages decode.</para>
/// The frame count and timestamps are exact (see Get-VideoInfo for how they are established). The
/// last, shorter clip is kept and flagged IsPartial unless -DropPartial.
/// </summary>
[Cmdlet(VerbsCommon.Split, "VideoClip", DefaultParameterSetName = PathLengthSet)]
[OutputType(typeof(VideoClip))]
public sealed class SplitVideoClipCommand : VideoCommandBase
{
    private const string PathLengthSet = "PathLength";
    private const string PathDurationSet = "PathDuration";
    private const string LiteralLengthSet = "LiteralPathLength";
    private const string LiteralDurationSet = "LiteralPathDuration";
    private const string InfoLengthSet = "InputObjectLength";
    private const string InfoDurationSet = "InputObjectDuration";

    private ClipOptions _options = new();

    /// <summary>Video files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathLengthSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathDurationSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Video files, taken literally (no wildcards). Bound from Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralLengthSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = LiteralDurationSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Videos described by Get-VideoInfo.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InfoLengthSet, ValueFromPipeline = true)]
    [Parameter(Mandatory = true, ParameterSetName = InfoDurationSet, ValueFromPipeline = true)]
    public VideoInfo[] InputObject { get; set; } = Array.Empty<VideoInfo>();

    /// <summary>Clip length in frames.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathLengthSet)]
    [Parameter(Mandatory = true, ParameterSetName = LiteralLengthSet)]
    [Parameter(Mandatory = true, ParameterSetName = InfoLengthSet)]
    [ValidateRange(1, long.MaxValue)]
    public long Length { get; set; }

    /// <summary>Clip length in time: seconds (2.5), a TimeSpan, or "2.5s" / "500ms" / "00:00:10". Clips are cut by the decoder's timestamps.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathDurationSet)]
    [Parameter(Mandatory = true, ParameterSetName = LiteralDurationSet)]
    [Parameter(Mandatory = true, ParameterSetName = InfoDurationSet)]
    [SecondsTransformation]
    [ValidatePositive]
    public TimeSpan Duration { get; set; }

    /// <summary>Distance between clip starts: frames (10) or time ("2s"). Default: the clip length. Smaller overlaps; larger skips.</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive]
    public VideoPosition? Stride { get; set; }

    /// <summary>Where the first clip starts: a frame (100) or a time from the first frame ("10s", "00:00:10").</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive(AllowZero = true)]
    public VideoPosition? Start { get; set; }

    /// <summary>Where cutting stops, exclusive: a frame (700) or a time from the first frame ("60s").</summary>
    [Parameter]
    [VideoPositionTransformation]
    [ValidatePositive]
    public VideoPosition? End { get; set; }

    /// <summary>Leave out the last clip when it is shorter than the others.</summary>
    [Parameter]
    public SwitchParameter DropPartial { get; set; }

    /// <summary>Count every frame even when the container's count checks out (see Get-VideoInfo -Accurate).</summary>
    [Parameter]
    public SwitchParameter Accurate { get; set; }

    protected override void BeginProcessing()
    {
        // Not ParameterSetName: with pipeline input the set is only settled when the first record binds.
        bool byTime = MyInvocation.BoundParameters.ContainsKey(nameof(Duration));
        _options = new ClipOptions
        {
            Length = byTime ? VideoPosition.FromTime(Duration) : VideoPosition.FromFrames(Length),
            Stride = Stride,
            Start = Start,
            End = End,
            DropPartial = DropPartial,
        };
        try
        {
            _options.Validate();
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidClipRange, ErrorCategory.InvalidArgument, null));
        }
    }

    protected override void ProcessRecord()
    {
        IEnumerable<string> files = ParameterSetName switch
        {
            InfoLengthSet or InfoDurationSet => InputObject.Where(i => i is not null).Select(i => i.Path),
            LiteralLengthSet or LiteralDurationSet => ResolveFilePaths(LiteralPath, literal: true),
            _ => ResolveFilePaths(Path, literal: false),
        };
        foreach (string file in files)
        {
            var probed = ProbeOrWriteError(file, Accurate);
            if (probed is null) continue;
            bool any = false;
            foreach (var clip in ClipPlanner.Plan(probed, _options))
            {
                any = true;
                WriteObject(clip);
            }
            if (!any && probed.Index.FrameCount > 0 && !DropPartial)
            {
                WriteWarning($"{System.IO.Path.GetFileName(file)}: the range asked for ({_options.Start?.ToString() ?? "0"}..{_options.End?.ToString() ?? "end"}) holds none of its {probed.Index.FrameCount} frames; no clips.");
            }
        }
    }
}
