using System.Management.Automation;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// <para>Split-VideoClip: cuts each video into fixed-length, pixel-free clip descriptors
/// (<see cref="VideoClip"/>) that later stages decode.</para>
/// The frame count and timestamps are exact (see Get-VideoInfo for how they are established). The
/// last, shorter clip is kept and flagged IsPartial unless -DropPartial. A live stream's URL is
/// received instead, its clips cut as the frames arrive (SplitVideoClipCommand.Live.cs).
/// </summary>
[Cmdlet(VerbsCommon.Split, "VideoClip", DefaultParameterSetName = PathLengthSet)]
[OutputType(typeof(VideoClip))]
public sealed partial class SplitVideoClipCommand : VideoCommandBase
{
    private const string PathLengthSet = "PathLength";
    private const string PathDurationSet = "PathDuration";
    private const string LiteralLengthSet = "LiteralPathLength";
    private const string LiteralDurationSet = "LiteralPathDuration";
    private const string InfoLengthSet = "InputObjectLength";
    private const string InfoDurationSet = "InputObjectDuration";
    private const string DeviceLengthSet = "DeviceLength";
    private const string DeviceDurationSet = "DeviceDuration";

    private ClipOptions _options = new();
    private string? _resumeFrom;   // the result folder, resolved
    private readonly ResumeSummary _summary = new();
    private ShardSpec? _shard;
    private string? _root;         // -Root, resolved
    private readonly List<string> _listing = new();   // with -Shard: every file, planned at the end
    private RecordingStartPattern? _pattern;           // -RecordingStartPattern, compiled
    private TimeZoneInfo _zone = TimeZoneInfo.Local;   // -TimeZone, or this machine's

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
    [Parameter(Mandatory = true, ParameterSetName = DeviceLengthSet)]
    [ValidateRange(1, long.MaxValue)]
    public long Length { get; set; }

    /// <summary>Clip length in time: seconds (2.5), a TimeSpan, or "2.5s" / "500ms" / "00:00:10". Clips are cut by the decoder's timestamps.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathDurationSet)]
    [Parameter(Mandatory = true, ParameterSetName = LiteralDurationSet)]
    [Parameter(Mandatory = true, ParameterSetName = InfoDurationSet)]
    [Parameter(Mandatory = true, ParameterSetName = DeviceDurationSet)]
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

    /// <summary>
    /// A folder of Export-FrameDetection results: emit only what is not done there. A video whose
    /// finished file matches its identity (path, size, last-write time) gets no clips (and is not
    /// probed); a partial file, only the clips after its last whole one; a changed or unreadable one, all.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// Only shard k of n ("k/n", 0 ≤ k &lt; n) of the plan: every machine given the same listing
    /// computes its own part alone; the n parts are disjoint, together the full plan, balanced by
    /// frames (see about_VideoDetect). The files are planned once all have arrived.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Shard { get; set; }

    /// <summary>What a shard is made of: Videos (default; each video whole on one machine) or Clips (runs of consecutive clips; a long video may span shards).</summary>
    [Parameter]
    public ShardUnit ShardUnit { get; set; } = ShardUnit.Videos;

    /// <summary>
    /// The folder the footage is relative to: clips carry RelativePath (and shards are keyed by it),
    /// so a plan made here runs on a machine that mounts the footage elsewhere (ConvertTo-FrameBatch -Root);
    /// -ResumeFrom reads result headers written with the same root. Default: the VIDEODETECT_ROOT environment variable.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>
    /// The time of day of each video's time 0, its offset explicit ("2026-12-05T22:00:00+01:00"; a
    /// DateTime without one is read in this machine's zone). It comes before the file name and the
    /// container's creation time; every clip of every video planned here gets it, so give it for one video at a time.
    /// </summary>
    [Parameter]
    public DateTimeOffset? RecordingStart { get; set; }

    /// <summary>
    /// Reads each video's recording start from its file name when -RecordingStart is not given, e.g.
    /// 'cam3_yyyyMMdd_HHmmss' (tokens yyyy MM dd HH mm ss f… zzz; * for any text; '…' quotes literal
    /// text). A name that does not match falls back to the container's creation time. The name's time
    /// is a wall clock in -TimeZone (default: this machine's zone) unless the pattern holds zzz.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RecordingStartPattern { get; set; }

    /// <summary>
    /// The zone (an IANA or Windows id: 'Europe/Berlin', 'UTC') the file names' wall-clock times are
    /// in, and the container creation times (UTC) are shown in. Default: this machine's zone.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    protected override void BeginProcessing()
    {
        string? parsing = TimeZone;
        try
        {
            if (TimeZone is not null) _zone = FindZone(TimeZone);
            parsing = RecordingStartPattern;
            if (RecordingStartPattern is not null) _pattern = VideoDetect.Video.RecordingStartPattern.Parse(RecordingStartPattern);
        }
        catch (InvalidRecordingStartPatternException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, parsing));
        }
        if ((Root ?? Environment.GetEnvironmentVariable(ClipRoot.Variable)) is { Length: > 0 } root)
            _root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(root);
        if (Shard is not null)
        {
            try
            {
                _shard = ShardSpec.Parse(Shard);
            }
            catch (InvalidShardException e)
            {
                ThrowTerminatingError(ErrorMapping.Record(e, Shard));
            }
        }
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
        catch (InvalidClipRangeException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, null));
        }
        if (ResumeFrom is not null) _resumeFrom = FileSystemParameter.Input(this, ResumeFrom, "-ResumeFrom");
    }

    protected override void EndProcessing()
    {
        if (_shard is { } shard) EmitShard(shard);
        if (_resumeFrom is not null) WriteInformation(new InformationRecord(_summary.ToString(), "Split-VideoClip -ResumeFrom"));
    }

    /// <summary>With -ResumeFrom: what the folder holds for <paramref name="file"/> (a stat and a header read), or null to plan it in full.</summary>
    private StoredResult? Stored(string file)
    {
        if (_resumeFrom is null) return null;
        SourceIdentity identity;
        try
        {
            identity = SourceIdentity.Of(file, _root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the probe reports it
        }
        var stored = ResultStore.Inspect(_resumeFrom, identity);
        if (stored.State == StoredState.Corrupt)
            WriteWarning($"{System.IO.Path.GetFileName(file)}: {stored.File} {stored.Reason}; the video is done again.");
        else if (stored.State == StoredState.Changed)
            WriteVerbose($"{System.IO.Path.GetFileName(file)}: {stored.File} was {stored.Reason}; the video is done again.");
        return stored;
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName is DeviceLengthSet or DeviceDurationSet)
        {
            // A local camera: received like a live URL (see SplitVideoClipCommand.Live.cs).
            ReceiveLive(LiveDevice.UrlOf(Device));
            return;
        }
        bool literal = ParameterSetName is LiteralLengthSet or LiteralDurationSet;
        string[] given = literal ? LiteralPath : Path;
        if (ParameterSetName is not (InfoLengthSet or InfoDurationSet))
        {
            // Live URLs are received here, each until -For / -Until / Ctrl+C (see SplitVideoClipCommand.Live.cs).
            foreach (string url in given.Where(LiveUrl.IsLive)) ReceiveLive(url);
            given = given.Where(p => !LiveUrl.IsLive(p)).ToArray();
        }
        IEnumerable<string> files = ParameterSetName switch
        {
            InfoLengthSet or InfoDurationSet => InputObject.Where(i => i is not null).Select(i => i.Path),
            _ => ResolveFilePaths(given, literal),
        };
        foreach (string file in files)
        {
            if (_shard is not null) { _listing.Add(file); continue; }
            var stored = Stored(file);
            if (stored is not null && ResumeSummary.LeavesAlone(stored)) { SkipFinished(file, stored); continue; }
            var probed = ProbeOrWriteError(file, Accurate);
            if (probed is null) continue;
            Emit(file, probed, ClipPlanner.Plan(probed, _options), stored);
        }
    }

    /// <summary>
    /// -Shard: every file of the listing is probed (cached: a later run reads the index cache) so the
    /// frames that balance the shards are the same on every machine; then this shard's part is emitted.
    /// The assignment ignores -ResumeFrom, so a finished video does not move the others.
    /// </summary>
    private void EmitShard(ShardSpec shard)
    {
        var probed = new List<PlannedVideo>();
        foreach (string file in _listing.Distinct(StringComparer.Ordinal))
        {
            if (StopToken.IsCancellationRequested) return;
            if (ProbeOrWriteError(file, Accurate) is { } p) probed.Add(new PlannedVideo(file, p, ClipPlanner.Plan(p, _options).ToList()));
        }
        var units = ShardUnits.Build(probed, ShardUnit, shard.Count, _root);
        foreach (var twin in ShardUnits.SharedKeys(units))
            WriteWarning($"{twin.Files.Count} files share the shard key '{twin.Key}' ({string.Join(", ", twin.Files)}): machines that list them in another order may disagree on their shards. Give -Root so that keys are paths relative to it.");
        var mine = ShardUnits.Of(units, shard);
        WriteVerbose($"Shard {shard}: {mine.Count} of {units.Count} {(ShardUnit == ShardUnit.Videos ? "videos" : "runs")}, {mine.Sum(u => u.Item.Frames)} of {units.Sum(u => u.Item.Frames)} frames.");
        foreach (var unit in mine)
        {
            var stored = Stored(unit.Source.File);
            if (stored is not null && ResumeSummary.LeavesAlone(stored)) { SkipFinished(unit.Source.File, stored); continue; }
            Emit(unit.Source.File, unit.Source.Video, unit.Clips, stored);
        }
    }

    private void SkipFinished(string file, StoredResult stored)
    {
        _summary.Count(System.IO.Path.GetFileName(file), stored);
        if (stored.State == StoredState.InUse)
        {
            WriteWarning($"{System.IO.Path.GetFileName(file)}: {stored.File} is being written by another run; no clips (run again with -ResumeFrom once it ends).");
            return;
        }
        WriteVerbose($"{System.IO.Path.GetFileName(file)}: finished ({stored.File}); no clips.");
    }

    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidRecordingStartPatternException($"-TimeZone '{id}' is not a time zone this machine knows (an IANA id such as 'Europe/Berlin', or 'UTC').");
        }
    }

    /// <summary>The video's recording start (<see cref="RecordingStarts"/>), saying where it came from and why a pattern did not apply.</summary>
    private DateTimeOffset? StartOf(string file)
    {
        var (start, source, note) = RecordingStarts.Resolve(file, RecordingStart, _pattern, _zone);
        string name = System.IO.Path.GetFileName(file);
        // A pattern that did not match warns; one passed over for the container's own time is only said with -Verbose.
        if (note is not null && source == RecordingStartSource.Container) WriteVerbose($"{name}: {note}.");
        else if (note is not null) WriteWarning($"{name}: -RecordingStartPattern: {note}{(start is null ? "; no time of day (file offsets only)" : "")}.");
        WriteVerbose(start is { } s ? $"{name}: recording start {s:yyyy-MM-dd HH:mm:ss.fff zzz} ({source})." : $"{name}: no recording start; file offsets only.");
        return start;
    }

    /// <summary>Writes a video's clips: after the last whole clip of a partial result, with -Root relative to it.</summary>
    private void Emit(string file, ProbedVideo probed, IEnumerable<VideoClip> plan, StoredResult? stored)
    {
        bool any = false;
        DateTimeOffset? recordingStart = StartOf(file);
        if (stored is not null) _summary.Count(System.IO.Path.GetFileName(file), stored);
        if (stored?.State == StoredState.Partial)
            plan = ShardUnits.ResumeAfter(plan, stored.LastClip, holdsVideoEnd: _shard is null || ShardUnit == ShardUnit.Videos);
        foreach (var planned in plan)
        {
            var clip = planned with { RecordingStart = recordingStart };
            any = true;
            if (_root is not null)
            {
                try
                {
                    clip = ClipRoot.Relativize(clip, _root);
                }
                catch (OutsideRootException e)
                {
                    WriteError(ErrorMapping.Record(e, file));
                    return;
                }
            }
            WriteObject(clip);
        }
        if (!any && probed.Index.FrameCount > 0 && !DropPartial && _shard is null)
        {
            WriteWarning($"{System.IO.Path.GetFileName(file)}: the range asked for ({_options.Start?.ToString() ?? "0"}..{_options.End?.ToString() ?? "end"}) holds none of its {probed.Index.FrameCount} frames; no clips.");
        }
    }
}
