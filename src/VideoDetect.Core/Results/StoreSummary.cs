using VideoDetect.Video;

namespace VideoDetect.Results;

/// <summary>Where one video stands in a result store.</summary>
public enum StoreState
{
    /// <summary>A finished result file (of this very version of the source, when sources are given).</summary>
    Done,
    /// <summary>A partial file a live writer holds now (here or on another machine).</summary>
    Running,
    /// <summary>A partial file no writer holds: a run stopped or crashed; Split-VideoClip -ResumeFrom does the rest.</summary>
    Partial,
    /// <summary>A partial file whose header or checkpoint cannot be read: the video is redone.</summary>
    Failed,
    /// <summary>A source with nothing usable in the store (never run, or its file changed since).</summary>
    Pending,
    /// <summary>A finished result file of a truncated source (<see cref="Video.Truncation"/>): complete for what decodes, short of what the container claims; <see cref="StoreEntry.Reason"/> gives the figures.</summary>
    Truncated,
    /// <summary>A finished result file, but another output the store expects (an annotated video, …) is not Done: see <see cref="StoreEntry.Outputs"/>.</summary>
    Incomplete,
}

/// <summary>One line of <see cref="StoreSummary"/>: a video, its state, the file and how far it got; <see cref="Outputs"/>: the state of each of its outputs.</summary>
public sealed record StoreEntry(string Source, StoreState State, string? File, int LastClip, long LastFrame, long FrameCount, string? Reason)
{
    /// <summary>Each output the store expects of this video, Detections first (<see cref="StoreOutputs"/>).</summary>
    public IReadOnlyList<OutputStatus> Outputs { get; init; } = Array.Empty<OutputStatus>();

    /// <summary>
    /// For a segment file (Export-FrameDetection -Segment): the segment's start as its name carries it
    /// (<c>yyyyMMddTHHmmss</c> time of day, or <c>tHHHmmss</c> offset); null for a source's one whole file.
    /// A segmented source has one entry per segment, in time order.
    /// </summary>
    public string? Segment { get; init; }

    public override string ToString() => $"{Source}: {State}";
}

/// <summary>
/// The state of every video in a shared result store (Get-DetectionStore): from the store alone
/// (each result or partial file is a video), or for a listing of sources (a source with nothing
/// there is Pending). Reads headers and checkpoints only; never takes a writer's claim.
/// A source cut into segments (Export-FrameDetection -Segment) has one entry per segment file, each
/// with its <see cref="StoreEntry.Segment"/> and its own state: the finished ones Done, the open one
/// Running, one cut short by a stopped or killed live run Partial (its frames cannot be read again,
/// so nothing resumes it; the records it holds stand).
/// </summary>
public static class StoreSummary
{
    /// <summary>Every video the store holds a file for, by name; <paramref name="expected"/>: output kinds expected of each video besides those the store records.</summary>
    public static IEnumerable<StoreEntry> Of(string directory, IReadOnlyCollection<string>? expected = null)
    {
        var loaded = StoreOutputs.Kinds(directory, expected);
        return Entries(directory).Select(e => StoreOutputs.Apply(e.Entry, e.Header, loaded));
    }

    private static IEnumerable<(StoreEntry Entry, ResultHeader? Header)> Entries(string directory)
    {
        if (!Directory.Exists(directory)) yield break;
        var names = new SortedDictionary<string, (string? Done, string? Partial, ResultFormat Format)>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            foreach (var format in new[] { ResultFormat.JsonLines, ResultFormat.Csv })
            {
                string suffix = ResultFiles.Suffix(format);
                string name = Path.GetFileName(file);
                if (name.EndsWith(suffix, StringComparison.Ordinal))
                {
                    names[name] = (file, names.GetValueOrDefault(name).Partial, format);
                }
                else if (name.EndsWith(suffix + PendingFile.PartialSuffix, StringComparison.Ordinal))
                {
                    var key = name[..^PendingFile.PartialSuffix.Length];
                    names[key] = (names.GetValueOrDefault(key).Done, file, format);
                }
            }
        }
        foreach (var (key, (done, partial, format)) in names)
        {
            if (partial is not null) yield return (OfPartial(null, partial, format, null), null);
            else yield return OfDone(null, done!, format);
        }
    }

    /// <summary>Each of <paramref name="sources"/> (full paths) against the store, recorded relative to <paramref name="root"/> when given.</summary>
    public static IEnumerable<StoreEntry> Of(string directory, IEnumerable<string> sources, string? root, IReadOnlyCollection<string>? expected = null)
    {
        var loaded = StoreOutputs.Kinds(directory, expected);
        return Entries(directory, sources, root).Select(e => StoreOutputs.Apply(e.Entry, e.Header, loaded));
    }

    private static IEnumerable<(StoreEntry Entry, ResultHeader? Header)> Entries(string directory, IEnumerable<string> sources, string? root)
    {
        foreach (string source in sources)
        {
            SourceIdentity? identity = null;
            string? problem = null;
            try
            {
                identity = SourceIdentity.Of(source, root);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = e.Message;
            }
            if (identity is null)
            {
                yield return (new StoreEntry(source, StoreState.Pending, null, -1, -1, 0, problem), null);
                continue;
            }
            var stored = ResultStore.Inspect(directory, identity);
            yield return stored.State switch
            {
                StoredState.Complete => OfDone(source, stored.File!, ResultFiles.FormatOf(stored.File!)),
                StoredState.InUse or StoredState.Partial => (OfPartial(source, stored.File!, ResultFiles.FormatOf(stored.File!), stored.State == StoredState.InUse), null),
                StoredState.Corrupt => (new StoreEntry(source, StoreState.Failed, stored.File, -1, -1, 0, stored.Reason), null),
                StoredState.Changed => (new StoreEntry(source, StoreState.Pending, stored.File, -1, -1, 0, stored.Reason), null),
                _ => (new StoreEntry(source, StoreState.Pending, null, -1, -1, 0, null), null),
            };
        }
    }

    // source: the listing's path, or null to name the video by its header (the file name when that is unreadable).
    // The header comes back with the entry (StoreOutputs.Apply reads the source version from it).
    private static (StoreEntry, ResultHeader?) OfDone(string? source, string file, ResultFormat format)
    {
        var header = ResultStore.TryReadHeader(file, format, out string? problem);
        return header is null
            ? (new StoreEntry(source ?? Path.GetFileName(file), StoreState.Failed, file, -1, -1, 0, problem), null)
            : (new StoreEntry(source ?? header.Source.Path, header.Source.Truncated ? StoreState.Truncated : StoreState.Done, file, -1,
                header.Source.FrameCount - 1, header.Source.FrameCount, header.Source.TruncationText) { Segment = SegmentOf(file, header, format) }, header);
    }

    private static StoreEntry OfPartial(string? source, string partial, ResultFormat format, bool? claimed)
    {
        if (claimed ?? ResultStore.IsClaimed(partial)) return new StoreEntry(source ?? Path.GetFileName(partial), StoreState.Running, partial, -1, -1, 0, "a running writer holds it");
        var header = ResultStore.TryReadHeader(partial, format, out string? problem);
        var checkpoint = ResultCheckpoint.Load(ResultFiles.CheckpointOf(partial));
        if (header is null || checkpoint is null)
            return new StoreEntry(source ?? Path.GetFileName(partial), StoreState.Failed, partial, -1, -1, 0, problem ?? "its checkpoint is missing or unreadable");
        string? segment = SegmentOf(partial, header, format);
        // A live segment cut short: the stream's frames are gone, so the records up to the checkpoint are all there will be.
        string? reason = segment is not null && LiveUrl.IsLive(header.Source.Path)
            ? $"a live segment cut short when its run stopped; it holds frames up to {checkpoint.LastFrame} (a live stream cannot be read again: nothing resumes it)"
            : null;
        return new StoreEntry(source ?? header.Source.Path, StoreState.Partial, partial, checkpoint.ClipIndex, checkpoint.LastFrame, header.Source.FrameCount, reason) { Segment = segment };
    }

    private static string? SegmentOf(string file, ResultHeader header, ResultFormat format) =>
        SegmentedExport.StampOf(Path.GetFileName(file), header.Source.Path, ResultFiles.Suffix(format));
}
