using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using VideoDetect.Errors;
using VideoDetect.Results;

namespace VideoDetect.Commands;

/// <summary>
/// A folder or file parameter (-Store, -OutputDirectory, -ResumeFrom, Get-DetectionStore -Path) as
/// the full file-system path Core takes. A path of another provider (<c>Variable:</c>, <c>Env:</c>,
/// a registry drive) ends the command with a typed error naming the parameter, instead of a path
/// that means nothing on disk (the Variable: drive resolves to an empty path: the current folder).
/// </summary>
internal static class FileSystemParameter
{
    /// <summary>
    /// The full path of an output location given as <paramref name="given"/> to <paramref name="parameter"/>;
    /// <see cref="InvalidOutputPathException"/> (InvalidOutputPath) when it is not a file-system path.
    /// </summary>
    public static string Output(PSCmdlet cmdlet, string given, string parameter) =>
        Resolve(cmdlet, given) ?? throw new InvalidOutputPathException(given, $"{parameter} '{given}' is not a file-system path; give a folder on disk.");

    /// <summary>
    /// The full path of a location read from (a result store), given as <paramref name="given"/> to
    /// <paramref name="parameter"/>; a terminating NotFileSystemPath error when it is not a file-system path.
    /// </summary>
    public static string Input(PSCmdlet cmdlet, string given, string parameter)
    {
        if (Resolve(cmdlet, given) is { } full) return full;
        cmdlet.ThrowTerminatingError(ErrorMapping.Record(
            new ArgumentException($"{parameter} '{given}' is not a file-system path; give the result store's folder on disk."), ErrorIds.NotFileSystemPath, given));
        throw new InvalidOperationException("unreachable: ThrowTerminatingError throws");
    }

    /// <summary>The full file-system path of <paramref name="given"/>, or null when its provider is not the file system.</summary>
    private static string? Resolve(PSCmdlet cmdlet, string given)
    {
        string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out var provider, out _);
        return provider.ImplementingType == typeof(FileSystemProvider) ? full : null;
    }
}
