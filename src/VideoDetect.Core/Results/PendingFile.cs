namespace VideoDetect.Results;

/// <summary>
/// A file written beside its target and renamed onto it only when complete (an atomic rename on
/// the same volume), so nothing that looks finished is ever half written. Two kinds:
/// <see cref="Hidden"/> (a hidden name with a random part, deleted when abandoned: nothing to
/// resume) and <see cref="Partial"/> (<c>&lt;target&gt;.partial</c>, a fixed name a later run finds
/// and resumes). Ownership: whoever creates it disposes it; Dispose without <see cref="Commit"/>
/// deletes a hidden file and keeps a partial one.
/// </summary>
public sealed class PendingFile : IDisposable
{
    /// <summary>The suffix of a partial file: <c>cam1.detections.jsonl.partial</c>.</summary>
    public const string PartialSuffix = ".partial";

    private readonly bool _deleteWhenAbandoned;

    private PendingFile(string target, string temp, bool deleteWhenAbandoned)
    {
        TargetPath = target;
        TempPath = temp;
        _deleteWhenAbandoned = deleteWhenAbandoned;
    }

    /// <summary>A hidden temporary file beside <paramref name="target"/>: <c>.name.xxxxxxxx.tmp.ext</c> (the extension kept, for muxers that read it).</summary>
    public static PendingFile Hidden(string target)
    {
        string full = Path.GetFullPath(target);
        string dir = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid().ToString("N")[..8]}.tmp{Path.GetExtension(full)}");
        return new PendingFile(full, temp, deleteWhenAbandoned: true);
    }

    /// <summary>The resumable partial file of <paramref name="target"/>: <c>&lt;target&gt;.partial</c>.</summary>
    public static PendingFile Partial(string target)
    {
        string full = Path.GetFullPath(target);
        return new PendingFile(full, PartialPathOf(full), deleteWhenAbandoned: false);
    }

    /// <summary>Where the partial file of <paramref name="target"/> lives.</summary>
    public static string PartialPathOf(string target) => target + PartialSuffix;

    public string TargetPath { get; }

    /// <summary>The file written until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    public bool Committed { get; private set; }

    /// <summary>
    /// Renames the pending file onto the target, replacing it only with <paramref name="overwrite"/>
    /// (else <see cref="IOException"/> when the target exists).
    /// </summary>
    public FileInfo Commit(bool overwrite)
    {
        File.Move(TempPath, TargetPath, overwrite);
        Committed = true;
        return new FileInfo(TargetPath);
    }

    /// <summary>Deletes the pending file (whatever its kind); errors deleting it are ignored.</summary>
    public void Delete()
    {
        try { File.Delete(TempPath); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        if (!Committed && _deleteWhenAbandoned) Delete();
    }
}
