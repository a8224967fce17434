using System.Text;
using VideoDetect.Video;

namespace VideoDetect.Results;

/// <summary>What a result folder holds for one source.</summary>
public enum StoredState
{
    /// <summary>No result file (or only one for another source identity: the video changed, or never ran).</summary>
    None,
    /// <summary>A complete result file of this very source (same path, size, last-write time).</summary>
    Complete,
    /// <summary>A partial file of this source with whole clips up to <see cref="StoredResult.LastClip"/>.</summary>
    Partial,
    /// <summary>A result or partial file of this path made from another version of the file.</summary>
    Changed,
    /// <summary>A partial file that cannot be read (header or checkpoint): the video is redone.</summary>
    Corrupt,
    /// <summary>A partial file a live writer holds (its claim: the writer's lock), here or on another machine: the video is left to it.</summary>
    InUse,
}

/// <summary>
/// The state of one source in a result folder; <see cref="Reason"/> says why when Changed or Corrupt;
/// <see cref="Truncation"/> gives the figures when a Complete file's source is truncated
/// (<see cref="Truncation"/>: its detections are complete for what decodes; the same bytes are not redone).
/// </summary>
public sealed record StoredResult(StoredState State, string? File = null, int LastClip = -1, string? Reason = null, string? Truncation = null);

/// <summary>
/// Reads a result folder for resume (Split-VideoClip -ResumeFrom): per source, whether its data is
/// complete, partial (and up to which clip), from another version of the file, or unreadable. Costs
/// a stat of the source and the small reads of a header (a finished video is never probed).
/// </summary>
public static class ResultStore
{
    /// <summary>The state of <paramref name="source"/> (whose identity is <paramref name="identity"/>) in <paramref name="directory"/>.</summary>
    public static StoredResult Inspect(string directory, SourceIdentity identity)
    {
        StoredResult? found = null;
        foreach (var format in new[] { ResultFormat.JsonLines, ResultFormat.Csv })
        {
            string target = Path.Combine(directory, OutputLocation.NameFor(identity.Path, ResultFiles.Suffix(format)));
            if (File.Exists(target))
            {
                var header = TryReadHeader(target, format, out string? problem);
                if (header is not null && !header.Source.Identity.DifferencesFrom(identity).Any()) return new StoredResult(StoredState.Complete, target, Truncation: header.Source.TruncationText);
                found ??= new StoredResult(StoredState.Changed, target, Reason: problem ?? $"made from another version of the file ({string.Join(", ", header!.Source.Identity.DifferencesFrom(identity))})");
            }
            string partial = PendingFile.PartialPathOf(target);
            if (!File.Exists(partial)) continue;
            if (IsClaimed(partial)) return new StoredResult(StoredState.InUse, partial, Reason: "a running writer holds it");
            var partialHeader = TryReadHeader(partial, format, out string? why);
            var checkpoint = ResultCheckpoint.Load(ResultFiles.CheckpointOf(partial));
            if (partialHeader is null || checkpoint is null)
            {
                found = new StoredResult(StoredState.Corrupt, partial, Reason: why ?? "its checkpoint is missing or unreadable");
                continue;
            }
            var differences = partialHeader.Source.Identity.DifferencesFrom(identity).ToList();
            found = differences.Count == 0
                ? new StoredResult(StoredState.Partial, partial, checkpoint.ClipIndex)
                : new StoredResult(StoredState.Changed, partial, Reason: $"made from another version of the file ({string.Join(", ", differences)})");
            if (found.State == StoredState.Partial) return found;
        }
        return found ?? new StoredResult(StoredState.None);
    }

    /// <summary>
    /// Whether a live writer holds <paramref name="partialPath"/>. The claim on a video is the
    /// writer's lock on its partial file (<see cref="ResultFileWriter"/>: flock(LOCK_EX) on Unix, a
    /// share-none open on Windows), not a separate claim file: the operating system drops it when
    /// the writer's process ends however it ends (crash, SIGKILL, power loss of a client: an NFSv4
    /// server drops it when the client's lease expires), so a stale claim recovers by itself and the
    /// partial file is resumed. Read-only probe: a shared open, which the writer's lock refuses.
    /// </summary>
    public static bool IsClaimed(string partialPath)
    {
        try
        {
            using var probe = new FileStream(partialPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return false;
        }
        catch (FileNotFoundException) { return false; }
        catch (DirectoryNotFoundException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>The header of a data or partial file (a JSONL's first line, a CSV's sidecar), or null with the problem.</summary>
    public static ResultHeader? TryReadHeader(string dataPath, ResultFormat format, out string? problem)
    {
        problem = null;
        try
        {
            return format == ResultFormat.Csv ? ResultHeader.Parse(File.ReadAllText(ResultFiles.SidecarOf(dataPath))) : ResultHeader.Parse(FirstLine(dataPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            problem = $"its header cannot be read: {e.Message}";
            return null;
        }
    }

    private static string FirstLine(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
        var bytes = new List<byte>(2048);
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n') bytes.Add((byte)b);
        if (b != '\n') throw new InvalidDataException("The header line is incomplete.");
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
