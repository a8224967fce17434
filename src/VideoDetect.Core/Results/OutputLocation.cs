namespace VideoDetect.Results;

/// <summary>
/// Where a writer cmdlet puts its files: one file (<c>-Path</c>) or a folder with one file per
/// source (<c>-OutputDirectory</c>), named <c>&lt;source name without extension&gt;&lt;suffix&gt;</c>
/// (e.g. <c>cam1.annotated.mp4</c>, <c>cam1.detections.jsonl</c>). Shared by every writer, so the
/// naming rule and the path checks are written once.
/// </summary>
public sealed class OutputLocation
{
    private OutputLocation(string fullPath, bool isDirectory) => (FullPath, IsDirectory) = (fullPath, isDirectory);

    /// <summary>The resolved file (-Path) or folder (-OutputDirectory).</summary>
    public string FullPath { get; }

    /// <summary>True for -OutputDirectory: one file per source.</summary>
    public bool IsDirectory { get; }

    /// <summary>
    /// One output file. Throws <see cref="InvalidOutputPathException"/> when it is a folder, when its
    /// folder is missing, or when <paramref name="extensionProblem"/> (given the path) names a problem
    /// with its extension.
    /// </summary>
    public static OutputLocation ForFile(string fullPath, Func<string, string?>? extensionProblem = null)
    {
        string? problem = Directory.Exists(fullPath) ? $"-Path '{fullPath}' is a directory; give a file name, or use -OutputDirectory."
            : extensionProblem?.Invoke(fullPath) is { } bad ? $"-Path {bad}"
            : !Directory.Exists(Path.GetDirectoryName(fullPath)) ? $"The folder of -Path '{fullPath}' does not exist."
            : null;
        if (problem is not null) throw new InvalidOutputPathException(fullPath, problem);
        return new OutputLocation(fullPath, false);
    }

    /// <summary>A folder for one file per source (created on first use by <see cref="EnsureDirectory"/>); throws <see cref="InvalidOutputPathException"/> when it is a file.</summary>
    public static OutputLocation ForDirectory(string fullPath)
    {
        if (File.Exists(fullPath)) throw new InvalidOutputPathException(fullPath, $"-OutputDirectory '{fullPath}' is a file.");
        return new OutputLocation(fullPath, true);
    }

    /// <summary>
    /// The naming rule: the file for <paramref name="sourcePath"/>'s output ending in <paramref name="suffix"/>:
    /// a file's name without its extension; a live stream's host, port and path joined by '_' (rtsp://user:pw@cam3:554/stream
    /// → cam3_554_stream; the credentials never), every character but letters, digits, '.' and '-' made '_'.
    /// </summary>
    public static string NameFor(string sourcePath, string suffix) =>
        (VideoDetect.Video.LiveUrl.IsLive(sourcePath) ? LiveName(sourcePath) : Path.GetFileNameWithoutExtension(sourcePath)) + suffix;

    private static string LiveName(string url)
    {
        string name = Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? string.Join('_', new[] { uri.Host, uri.IsDefaultPort || uri.Port < 0 ? "" : uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), uri.AbsolutePath.Trim('/') }.Where(p => p.Length > 0))
            : url;
        return new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
    }

    /// <summary>The target for one source: the -Path file, or &lt;folder&gt;/<see cref="NameFor"/>.</summary>
    public string TargetFor(string sourcePath, string suffix) => IsDirectory ? Path.Combine(FullPath, NameFor(sourcePath, suffix)) : FullPath;

    // The folders a probe file was made in by this writer (one command, one run): each is probed once.
    private readonly HashSet<string> _probed = new(StringComparer.Ordinal);

    /// <summary>How many folders <see cref="CheckWritable"/> has probed (once each per run).</summary>
    internal int ProbedFolders => _probed.Count;

    /// <summary>
    /// Checks, before anything of a source is read, decoded or encoded, that its output
    /// <paramref name="target"/> can be created: the -OutputDirectory is created when missing
    /// (<see cref="EnsureDirectory"/>), no folder stands in the target's place, and a new file can be
    /// made in its folder (/proc, a read-only mount, a full disk fail here, even for root). The folder
    /// is probed once per run (per OutputLocation): a later failure there is the writer's own
    /// OutputWriteFailed. Throws <see cref="InvalidOutputPathException"/> or <see cref="ResultWriteFailedException"/>.
    /// </summary>
    public void CheckWritable(string target)
    {
        EnsureDirectory();
        if (Directory.Exists(target)) throw new ResultWriteFailedException(target, $"Cannot write '{target}': a folder of that name is in its place.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (_probed.Contains(folder)) return;
        string probe = ProbePathIn(folder);
        try
        {
            // Claimed as a pending file is (the sweep never takes a live one) and deleted on close.
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, PendingFile.ClaimShare, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultWriteFailedException(target, $"Cannot write '{target}': no file can be created in '{folder}' ({e.Message}).", e);
        }
        _probed.Add(folder);
    }

    /// <summary>
    /// A probe file's path in <paramref name="folder"/>: <c>.videodetect-probe.xxxxxxxx.tmp</c>, a hidden
    /// name of the module's temporary files (<see cref="PendingFile.IsHiddenName"/>) with no output's
    /// suffix: never taken for an output, and one a killed run left is removed by <see cref="OrphanSweep"/>.
    /// </summary>
    internal static string ProbePathIn(string folder) => Path.Combine(folder, $".videodetect-probe.{Guid.NewGuid().ToString("N")[..8]}.tmp");

    /// <summary>Creates the -OutputDirectory folder when missing; <see cref="InvalidOutputPathException"/> when that fails.</summary>
    public void EnsureDirectory()
    {
        if (!IsDirectory) return;
        try
        {
            Directory.CreateDirectory(FullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOutputPathException(FullPath, e.Message, e);
        }
    }
}
