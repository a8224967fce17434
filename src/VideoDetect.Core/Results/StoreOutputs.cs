namespace VideoDetect.Results;

/// <summary>The state of one output of a video in the store (Get-DetectionStore's Outputs).</summary>
public enum OutputState
{
    /// <summary>Committed, of this version of the source, and its file is there.</summary>
    Done,
    /// <summary>Begun and not finished: a run was interrupted while writing it (or is writing it now).</summary>
    Partial,
    /// <summary>Never made, made from another version of the source, or its file is gone.</summary>
    Missing,
    /// <summary>The last try failed (nothing was left that looks finished).</summary>
    Failed,
}

/// <summary>One output of a video and its state; <see cref="Reason"/> says why when it is not Done.</summary>
public sealed record OutputStatus(string Kind, OutputState State, string? File, string? Reason)
{
    public override string ToString() => $"{Kind}: {State}";
}

/// <summary>
/// Joins the store's outputs records (<see cref="SourceOutputs"/>) to its entries: which outputs each
/// video is expected to have (every kind any record of the store names, and those the caller
/// expects, e.g. Get-DetectionStore -MissingOutput AnnotatedVideo), the state of each, and the
/// video's state: a finished result file whose other outputs are not all Done is Incomplete, not Done.
/// </summary>
public static class StoreOutputs
{
    /// <summary>The kind of the result file itself, always first in <see cref="StoreEntry.Outputs"/>.</summary>
    public const string Detections = "Detections";

    /// <summary>
    /// The output kinds expected of every video of <paramref name="directory"/> besides Detections, in
    /// name order, and the outputs records read for them (by file name in <see cref="SourceOutputs.Folder"/>),
    /// each read once for <see cref="Apply"/>.
    /// </summary>
    public static (IReadOnlyList<string> Kinds, IReadOnlyDictionary<string, SourceOutputsRecord> Records) Kinds(string directory, IReadOnlyCollection<string>? expected)
    {
        // Kinds compare without case (-MissingOutput annotatedvideo); the spelling a record uses wins.
        var kinds = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var records = new Dictionary<string, SourceOutputsRecord>(StringComparer.Ordinal);
        string folder = SourceOutputs.FolderOf(directory);
        if (Directory.Exists(folder))
            foreach (string file in Directory.EnumerateFiles(folder, "*" + SourceOutputs.Suffix))
                if (!PendingFile.IsHiddenName(Path.GetFileName(file)) && SourceOutputs.Read(file) is { } record) // not a record being replaced
                {
                    records[Path.GetFileName(file)] = record;
                    kinds.UnionWith(record.Outputs.Keys);
                }
        kinds.UnionWith(expected ?? Array.Empty<string>());
        kinds.Remove(Detections);
        return (kinds.ToList(), records);
    }

    /// <summary>
    /// <paramref name="entry"/> with its outputs' states, and Incomplete for a Done one whose outputs are not all Done;
    /// <paramref name="header"/>: its result file's header as the entry was read (null when none was).
    /// </summary>
    public static StoreEntry Apply(StoreEntry entry, ResultHeader? header, (IReadOnlyList<string> Kinds, IReadOnlyDictionary<string, SourceOutputsRecord> Records) loaded)
    {
        var kinds = loaded.Kinds;
        var detections = new OutputStatus(Detections, entry.State switch
        {
            StoreState.Done or StoreState.Truncated => OutputState.Done,
            StoreState.Running or StoreState.Partial => OutputState.Partial,
            StoreState.Failed => OutputState.Failed,
            _ => OutputState.Missing,
        }, entry.File, entry.State is StoreState.Done or StoreState.Truncated ? null : entry.Reason);
        var outputs = new List<OutputStatus> { detections };
        if (detections.State != OutputState.Done || entry.File is null)
            return entry with { Outputs = outputs.Concat(kinds.Select(k => new OutputStatus(k, OutputState.Missing, null, "the detections are not finished"))).ToList() };

        var record = loaded.Records.GetValueOrDefault(RecordNameOf(entry.File));
        foreach (string kind in kinds)
            outputs.Add(StateOf(kind, record?.Outputs.FirstOrDefault(o => string.Equals(o.Key, kind, StringComparison.OrdinalIgnoreCase)).Value, header?.Source));
        var notDone = outputs.Where(o => o.State != OutputState.Done).ToList();
        if (notDone.Count == 0) return entry with { Outputs = outputs };
        string missing = string.Join("; ", notDone.Select(o => $"{o.Kind}: {o.State}{(o.Reason is { } r ? $" ({r})" : "")}"));
        return entry with
        {
            Outputs = outputs,
            State = entry.State == StoreState.Done ? StoreState.Incomplete : entry.State,
            Reason = entry.Reason is null ? missing : $"{entry.Reason}; {missing}",
        };
    }

    /// <summary>The state of one recorded output against the source version the detections were made from.</summary>
    public static OutputStatus StateOf(string kind, OutputRecord? recorded, SourceHeader? source)
    {
        if (recorded is null) return new OutputStatus(kind, OutputState.Missing, null, "no run has made it");
        string when = recorded.Time.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
        if (source is not null && (recorded.SourceSize != source.Size || recorded.SourceLastWriteTimeUtc.ToUniversalTime() != source.Identity.LastWriteTimeUtc))
            return new OutputStatus(kind, OutputState.Missing, recorded.File, $"made {when} from another version of the source");
        return recorded.State switch
        {
            RecordedOutput.Started => new OutputStatus(kind, OutputState.Partial, recorded.File, $"begun {when}, not finished: interrupted, or being written now"),
            RecordedOutput.Failed => new OutputStatus(kind, OutputState.Failed, recorded.File, recorded.Reason),
            _ when recorded.File is null || !File.Exists(recorded.File) => new OutputStatus(kind, OutputState.Missing, recorded.File, $"made {when}; its file is gone"),
            _ => new OutputStatus(kind, OutputState.Done, recorded.File, null),
        };
    }

    /// <summary>The outputs record's name of a result file: <c>cam1.detections.jsonl</c> → <c>cam1.json</c> (in <see cref="SourceOutputs.Folder"/>).</summary>
    private static string RecordNameOf(string resultFile)
    {
        string name = Path.GetFileName(resultFile);
        foreach (var format in new[] { ResultFormat.JsonLines, ResultFormat.Csv })
            if (name.EndsWith(ResultFiles.Suffix(format), StringComparison.Ordinal)) return name[..^ResultFiles.Suffix(format).Length] + SourceOutputs.Suffix;
        return name + SourceOutputs.Suffix;
    }
}
