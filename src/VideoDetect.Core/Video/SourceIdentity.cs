namespace VideoDetect.Video;

/// <summary>
/// Which file a result belongs to, as one stat sees it: the full path, the size and the last-write
/// time (UTC). The one definition the result store, resume and shards share: a source whose size or
/// last-write time changed is another source, and its results are made again.
/// </summary>
public sealed record SourceIdentity(string Path, long Size, DateTime LastWriteTimeUtc)
{
    /// <summary>The identity of the file at <paramref name="path"/> now (one stat); <see cref="FileNotFoundException"/> when it is gone.</summary>
    public static SourceIdentity Of(string path)
    {
        var info = new FileInfo(System.IO.Path.GetFullPath(path));
        if (!info.Exists) throw new FileNotFoundException($"'{info.FullName}' does not exist.", info.FullName);
        return new SourceIdentity(info.FullName, info.Length, DateTime.SpecifyKind(info.LastWriteTimeUtc, DateTimeKind.Utc));
    }

    /// <summary>
    /// The identity of the file at <paramref name="path"/> as result files record it: with a root
    /// (-Root or VIDEODETECT_ROOT), the path relative to it with '/' separators, so hosts that mount
    /// the footage at different paths agree on a shared result store; without, the full path.
    /// </summary>
    public static SourceIdentity Of(string path, string? root)
    {
        var identity = Of(path);
        if (string.IsNullOrEmpty(root)) return identity;
        string relative = System.IO.Path.GetRelativePath(root, identity.Path);
        return relative.StartsWith("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative)
            ? identity
            : identity with { Path = relative.Replace('\\', '/') };
    }

    /// <summary>What differs from <paramref name="other"/>, in words (empty when nothing does).</summary>
    public IEnumerable<string> DifferencesFrom(SourceIdentity other)
    {
        if (!string.Equals(Path, other.Path, StringComparison.Ordinal)) yield return $"path '{other.Path}' ≠ '{Path}'";
        if (Size != other.Size) yield return $"size {other.Size} ≠ {Size} bytes";
        if (LastWriteTimeUtc != other.LastWriteTimeUtc) yield return $"last written {other.LastWriteTimeUtc:O} ≠ {LastWriteTimeUtc:O}";
    }

    public override string ToString() => $"{Path} ({Size} bytes, {LastWriteTimeUtc:O})";
}
