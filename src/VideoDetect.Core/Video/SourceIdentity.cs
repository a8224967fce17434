namespace VideoDetect.Video;

/// <summary>
/// Which file a result belongs to, as one stat sees it: the path (relative to the root when there is
/// one, else full), the size and the last-write time (UTC). The one definition of source identity:
/// the result store, resume, shards, -Root plans, the index cache and the batcher's "does the clip's
/// description still hold" check all go through it. A source whose size or last-write time changed is
/// another version of the file (<see cref="IsSameVersionAs"/>), and what was learnt about it is made again.
/// </summary>
public sealed record SourceIdentity(string Path, long Size, DateTime LastWriteTimeUtc)
{
    /// <summary>The identity of the file at <paramref name="path"/> now (one stat); <see cref="FileNotFoundException"/> when it is gone.</summary>
    public static SourceIdentity Of(string path)
    {
        var info = new FileInfo(System.IO.Path.GetFullPath(path));
        if (!info.Exists) throw new FileNotFoundException($"'{info.FullName}' does not exist.", info.FullName);
        return Of(info);
    }

    /// <summary>The identity of a file already stat'ed (full path); the caller knows it exists.</summary>
    public static SourceIdentity Of(FileInfo file) =>
        new(file.FullName, file.Length, DateTime.SpecifyKind(file.LastWriteTimeUtc, DateTimeKind.Utc));

    /// <summary>The identity a probe recorded in <paramref name="info"/> (full path, size, last-write time).</summary>
    public static SourceIdentity Of(VideoInfo info) => new(info.Path, info.Length, info.LastWriteTimeUtc);

    /// <summary>
    /// The identity of the file at <paramref name="path"/> as result files record it: with a root
    /// (-Root or VIDEODETECT_ROOT), the path relative to it (<see cref="RelativePath"/>), so hosts that
    /// mount the footage at different paths agree on a shared result store; without one, or for a file
    /// outside it, the full path.
    /// </summary>
    public static SourceIdentity Of(string path, string? root)
    {
        var identity = Of(path);
        return string.IsNullOrEmpty(root) || RelativePath(identity.Path, root) is not { } relative
            ? identity
            : identity with { Path = relative };
    }

    /// <summary>
    /// The one relativisation: <paramref name="fullPath"/> relative to <paramref name="root"/> (both
    /// full paths), with '/' separators so Windows and Linux hosts spell it alike; null when the file
    /// is not under the root (it would need "..", or it is on another drive). What a caller does with
    /// null is its policy: identity keeps the full path, a -Root plan reports OutsideRoot, a shard key
    /// takes the file name (<see cref="ShardPlanner.KeyOf"/>).
    /// </summary>
    public static string? RelativePath(string fullPath, string root)
    {
        string relative = System.IO.Path.GetRelativePath(root, fullPath);
        bool outside = relative == ".." || relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || System.IO.Path.IsPathRooted(relative);
        return outside ? null : relative.Replace('\\', '/');
    }

    /// <summary>Whether <paramref name="other"/> is the same version of a file: same size and last-write time (the path is the caller's key).</summary>
    public bool IsSameVersionAs(SourceIdentity other) => Size == other.Size && LastWriteTimeUtc == other.LastWriteTimeUtc;

    /// <summary>What differs from <paramref name="other"/>, in words (empty when nothing does).</summary>
    public IEnumerable<string> DifferencesFrom(SourceIdentity other)
    {
        if (!string.Equals(Path, other.Path, StringComparison.Ordinal)) yield return $"path '{other.Path}' ≠ '{Path}'";
        if (Size != other.Size) yield return $"size {other.Size} ≠ {Size} bytes";
        if (LastWriteTimeUtc != other.LastWriteTimeUtc) yield return $"last written {other.LastWriteTimeUtc:O} ≠ {LastWriteTimeUtc:O}";
    }

    public override string ToString() => $"{Path} ({Size} bytes, {LastWriteTimeUtc:O})";
}
