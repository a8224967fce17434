namespace VideoDetect.Video;

/// <summary>
/// Paths across machines: the same footage mounted at different paths on different hosts. A plan
/// made with a root records each clip's path relative to it; the machine that runs the clip joins
/// that relative path to its own root. Plain functions, no I/O.
/// </summary>
public static class ClipRoot
{
    /// <summary>Environment variable naming the local root when a cmdlet is given none.</summary>
    public const string Variable = "VIDEODETECT_ROOT";

    /// <summary>A copy of <paramref name="clip"/> marked relative to <paramref name="root"/> (a full path); <see cref="Errors.OutsideRootException"/> when the clip lies outside it. The input is not changed.</summary>
    public static VideoClip Relativize(VideoClip clip, string root)
    {
        string relative = SourceIdentity.RelativePath(clip.Path, root) ?? throw new Errors.OutsideRootException(clip.Path, root);
        return clip with { RelativePath = relative, Root = root };
    }

    /// <summary>
    /// The clip as this machine runs it: with a relative path and a local root, a copy whose Path is
    /// localRoot/RelativePath (and Root the local root); otherwise the clip itself. A copy keeps every
    /// other property (PlanStartFrame included: the stride phase must not depend on the root).
    /// </summary>
    public static VideoClip Resolve(VideoClip clip, string? localRoot)
    {
        if (string.IsNullOrEmpty(clip.RelativePath) || string.IsNullOrEmpty(localRoot)) return clip;
        string local = Path.GetFullPath(Path.Combine(localRoot, clip.RelativePath.Replace('/', Path.DirectorySeparatorChar)));
        if (string.Equals(local, clip.Path, StringComparison.Ordinal) && clip.Root == localRoot) return clip;
        // Video = null: described on the planning machine; this one probes its own copy.
        return clip with { Path = local, Root = localRoot, Video = null };
    }
}
