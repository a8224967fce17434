namespace VideoDetect.Results;

/// <summary>
/// The conflict policy of one writer command: each target is written at most once per command (a
/// second source with -Path, two sources named alike, a source whose frames come back after
/// another's are <see cref="OutputPathConflictException"/>), and an existing target is replaced
/// only with <c>-Force</c> (else <see cref="OutputExistsException"/>). Names compare as the file
/// system does (case-insensitively on Windows). Used on the pipeline thread only.
/// </summary>
public sealed class OutputClaims(OutputLocation location, bool force)
{
    private readonly HashSet<string> _claimed = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    public OutputLocation Location { get; } = location;
    public bool Force { get; } = force;

    /// <summary>
    /// Claims the target for <paramref name="sourcePath"/>'s output ending in <paramref name="suffix"/>
    /// and returns it. The claim holds even when the existing-file check then fails, so a source that
    /// comes back later is a conflict, not a second attempt. <paramref name="mayExist"/> lets a caller
    /// that resumes an existing file skip the existence check.
    /// </summary>
    public string Claim(string sourcePath, string suffix, bool mayExist = false)
    {
        string target = Location.TargetFor(sourcePath, suffix);
        if (!_claimed.Add(target))
        {
            string why = Location.IsDirectory
                ? $"'{target}' was already written by this command (two sources named alike, or frames of '{sourcePath}' that came back after another video's)."
                : $"-Path names one output, already taken by the frames of another video; frames of '{sourcePath}' are skipped. Use -OutputDirectory for one file per source.";
            throw new OutputPathConflictException(sourcePath, target, why);
        }
        if (!mayExist && File.Exists(target) && !Force) throw new OutputExistsException(target, $"'{target}' exists; use -Force to replace it.");
        return target;
    }
}
