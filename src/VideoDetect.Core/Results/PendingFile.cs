namespace VideoDetect.Results;

/// <summary>
/// A file written beside its target and renamed onto it only when complete (an atomic rename on
/// the same volume), so nothing that looks finished is ever half written. Two kinds:
/// <see cref="Hidden"/> (a hidden name with a random part, deleted when abandoned: nothing to
/// resume) and <see cref="Partial"/> (<c>&lt;target&gt;.partial</c>, a fixed name a later run finds
/// and resumes). Ownership: whoever creates it disposes it; Dispose without <see cref="Commit"/>
/// deletes a hidden file and keeps a partial one.
/// <para>
/// A hidden file is created at once and held open until it is committed or deleted: that handle is
/// the writer's claim (<see cref="ClaimShare"/>), the same OS-lock rule as the result store's
/// partial files. The operating system drops it when the process ends however it ends, so a hidden
/// file nobody holds is an orphan of a killed writer, which <see cref="OrphanSweep"/> removes. The
/// bytes are written through the path, by this process or another (ffmpeg): the claim keeps out
/// only the sweep.
/// </para>
/// </summary>
public sealed class PendingFile : IDisposable
{
    /// <summary>The suffix of a partial file: <c>cam1.detections.jsonl.partial</c>.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>
    /// How a writer holds its hidden file: open read-only, sharing read, write and delete. On Unix that
    /// open takes flock(LOCK_SH): a shared lock, which writers through the path do not conflict with
    /// (an encoder takes none; .NET's own opens a shared one) and the sweep's exclusive lock does;
    /// read-only, so it is taken on NFS too, where a shared lock needs a file open for reading. On
    /// Windows the open handle itself refuses the sweep's share-none open; sharing delete lets the
    /// commit rename the file while it is held.
    /// </summary>
    public const FileShare ClaimShare = FileShare.ReadWrite | FileShare.Delete;

    // The hidden name: ".<target name>.<8 hex digits>.tmp<target extension>".
    private static readonly System.Text.RegularExpressions.Regex HiddenName =
        new(@"^\..+\.[0-9a-f]{8}\.tmp(\.[^.]+)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private readonly bool _deleteWhenAbandoned;
    private FileStream? _claim; // the writer's claim on a hidden file, held until commit or delete

    private PendingFile(string target, string temp, bool deleteWhenAbandoned)
    {
        TargetPath = target;
        TempPath = temp;
        _deleteWhenAbandoned = deleteWhenAbandoned;
    }

    /// <summary>
    /// A hidden temporary file beside <paramref name="target"/>: <c>.name.xxxxxxxx.tmp.ext</c> (the
    /// extension kept, for muxers that read it), created empty and claimed. When the folder refuses
    /// the file, nothing is created and the writer that opens the path reports the problem.
    /// </summary>
    public static PendingFile Hidden(string target)
    {
        string full = Path.GetFullPath(target);
        string dir = Path.GetDirectoryName(full)!;
        for (int attempt = 0; ; attempt++)
        {
            string temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid().ToString("N")[..8]}.tmp{Path.GetExtension(full)}");
            try
            {
                // Created (a new name only), then claimed before the creating handle closes.
                using var created = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, ClaimShare, 1, FileOptions.None);
                var claim = new FileStream(temp, FileMode.Open, FileAccess.Read, ClaimShare, 1, FileOptions.None);
                return new PendingFile(full, temp, deleteWhenAbandoned: true) { _claim = claim };
            }
            catch (IOException) when (attempt < 3)
            {
                // The name was taken, or a sweep locked the new file before this claim did (the sweep removes it): another name.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new PendingFile(full, temp, deleteWhenAbandoned: true);
            }
        }
    }

    /// <summary>Whether <paramref name="fileName"/> is a name <see cref="Hidden"/> gives.</summary>
    public static bool IsHiddenName(string fileName) => HiddenName.IsMatch(fileName);

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
        File.Move(TempPath, TargetPath, overwrite); // renamed while claimed: no sweep sees it unclaimed
        Committed = true;
        Release();
        return new FileInfo(TargetPath);
    }

    /// <summary>Deletes the pending file (whatever its kind); errors deleting it are ignored.</summary>
    public void Delete()
    {
        try { File.Delete(TempPath); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        Release();
    }

    private void Release()
    {
        _claim?.Dispose();
        _claim = null;
    }

    public void Dispose()
    {
        if (!Committed && _deleteWhenAbandoned) Delete();
        Release();
    }
}
