namespace VideoDetect.Results;

/// <summary>
/// Removes the module's own temporary files that a killed writer left in an output folder: hidden
/// pending files (<see cref="PendingFile.Hidden"/>: <c>.name.xxxxxxxx.tmp.ext</c>, e.g. an annotated
/// video cut off mid-encode) whose writer is gone. The rule is the result store's claim rule: a
/// writer holds its file open with <see cref="PendingFile.ClaimShare"/> until it commits, and the
/// operating system drops that claim when the writer's process ends however it ends. A file is
/// removed only by taking an exclusive open of it (refused while any writer holds its claim, on
/// Windows while anything has it open) and deleting it under that open, so a live writer's file is
/// never touched, nor anything not named as the module names its temporary files. Partial result
/// files (<c>.partial</c>) are not temporary: they are resumed, never swept.
/// <para>
/// <see cref="SourceSinkDriver"/> sweeps each folder it writes into, once per command, before the
/// first output there opens. A writer of an older version held no claim: its live file would be
/// taken for an orphan, so old and new versions must not write into one folder at once.
/// </para>
/// </summary>
public static class OrphanSweep
{
    /// <summary>Removes the orphaned temporary files in <paramref name="directory"/> and returns their paths (none when it cannot be read).</summary>
    public static IReadOnlyList<string> Sweep(string directory)
    {
        List<string> candidates;
        try
        {
            // Hidden files included (on Unix a leading dot marks a file hidden, which the default options skip).
            candidates = Directory.EnumerateFiles(directory, "*", new EnumerationOptions { AttributesToSkip = 0, MatchType = MatchType.Simple })
                .Where(f => PendingFile.IsHiddenName(Path.GetFileName(f)))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>(); // a folder that is missing or unreadable holds nothing to sweep; its writer reports it
        }
        return candidates.Where(RemoveIfAbandoned).ToList();
    }

    /// <summary>
    /// Deletes <paramref name="path"/> when no writer holds it: an exclusive open (flock(LOCK_EX) on
    /// Unix, a share-none open on Windows) that deletes the file on close, so the delete happens under
    /// the lock. Opened for writing too, as an exclusive lock on NFS needs. False when a writer holds
    /// it, it is gone, or it cannot be opened.
    /// </summary>
    public static bool RemoveIfAbandoned(string path)
    {
        try
        {
            using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // held by a live writer (a sharing violation), already gone, or not ours to open
        }
    }
}
