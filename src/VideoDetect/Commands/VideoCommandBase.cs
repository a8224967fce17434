using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// What the cmdlets that take video files share: resolving -Path (wildcards) and -LiteralPath the way
/// PowerShell's own file cmdlets do, probing each file with one error per bad file (the rest go on),
/// throttled progress, and cancellation on Ctrl+C. Everything here runs on the pipeline thread.
/// </summary>
public abstract class VideoCommandBase : StoppableCommand
{
    /// <summary>
    /// Turns -Path / -LiteralPath values into file-system paths, one error per value that gives none
    /// (the other values go on): a path that does not exist, or a -Path wildcard that matches nothing,
    /// gets VideoNotFound (or <paramref name="notFoundId"/>) naming it; a path on another provider gets
    /// NotFileSystemPath; a live URL (rtsp://, http://, ...) gets LiveSourceNotSupported. A -Path that
    /// matches nothing as a wildcard but names an existing file or folder as written ("lobby [cam 2].avi":
    /// brackets are wildcards) is taken as written; one that matches something is taken as a wildcard.
    /// <paramref name="videos"/>: the paths name videos (a URL is then a live source, else a path).
    /// </summary>
    protected IEnumerable<string> ResolveFilePaths(string[] paths, bool literal, string notFoundId = ErrorIds.VideoNotFound, string what = "video file", bool videos = true)
    {
        foreach (string path in paths)
        {
            if (videos && LiveUrl.IsLive(path))
            {
                WriteError(ErrorMapping.Record(new LiveSourceNotSupportedException(path), path));
                continue;
            }
            List<string> resolved = new();
            ProviderInfo? provider = null;
            try
            {
                if (literal)
                {
                    resolved.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _));
                }
                else
                {
                    resolved.AddRange(GetResolvedProviderPathFromPSPath(path, out provider));
                }
            }
            catch (ItemNotFoundException e)
            {
                WriteError(ErrorMapping.Record(new FileNotFoundException($"Cannot find the {what} '{path}'.", e), notFoundId, path));
                continue;
            }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException or NotSupportedException)
            {
                WriteError(ErrorMapping.Record(e, notFoundId, path));
                continue;
            }
            if (provider is null || provider.ImplementingType != typeof(FileSystemProvider))
            {
                WriteError(ErrorMapping.Record(new ArgumentException($"'{path}' is not a file-system path; VideoDetect reads video files only."), ErrorIds.NotFileSystemPath, path));
                continue;
            }
            if (resolved.Count == 0)
            {
                // A wildcard that matched nothing: the name as written, when it exists, else an error naming it.
                if (ExistsAsWritten(path) is { } file)
                {
                    WriteVerbose($"'{path}' matches nothing as a wildcard; the {what} of that exact name is used (-LiteralPath takes names as written).");
                    resolved.Add(file);
                }
                else
                {
                    WriteError(ErrorMapping.Record(new FileNotFoundException($"No {what} matches '{path}' (as a wildcard or as written).", path), notFoundId, path));
                    continue;
                }
            }
            foreach (string p in resolved) yield return p;
        }
    }

    /// <summary>The full path of <paramref name="path"/> taken literally, when a file or folder of that name exists.</summary>
    private string? ExistsAsWritten(string path)
    {
        try
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            return provider.ImplementingType == typeof(FileSystemProvider) && (File.Exists(full) || Directory.Exists(full)) ? full : null;
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Probes one video (cached). On a bad file writes its error and returns null. A truncated
    /// recording (<see cref="VideoDetect.Video.Truncation"/>) is probed as what decodes, with a
    /// VideoTruncated warning that gives the figures: the cmdlets that probe (Get-VideoInfo,
    /// Split-VideoClip) are where a user first learns it.
    /// </summary>
    protected ProbedVideo? ProbeOrWriteError(string path, bool accurate)
    {
        var probed = Probe(path, accurate);
        if (probed?.Info.TruncationText is { } figures)
            WriteWarning($"{VideoDetect.Video.Truncation.WarningId}: '{path}' is truncated: {figures}. Its detections cover what decodes; the result store marks it Truncated, and a longer copy of the file is done again.");
        return probed;
    }

    private ProbedVideo? Probe(string path, bool accurate)
    {
        string name = System.IO.Path.GetFileName(path);
        var progress = new ProgressRecord(1, "Counting frames", name);
        bool progressShown = false;
        try
        {
            return UntilStopped(() => VideoProbe.Probe(path, new ProbeOptions
            {
                Accurate = accurate,
                Progress = (done, claimed) =>
                {
                    if (!ProgressDue()) return;
                    progressShown = true;
                    progress.StatusDescription = claimed > 0 ? $"{name}: {done} of ~{claimed} frames" : $"{name}: {done} frames";
                    progress.PercentComplete = claimed > 0 ? (int)Math.Min(99, done * 100 / claimed) : -1;
                    WriteProgress(progress);
                },
            }, StopToken));
        }
        catch (VideoException e)
        {
            WriteError(ErrorMapping.Record(e));
            return null;
        }
        catch (Exception e) when (e is not PipelineStoppedException and not OutOfMemoryException)
        {
            // Anything unforeseen about one file is still that file's problem: report it, go on.
            WriteError(ErrorMapping.Record(e, ErrorIds.VideoReadFailed, path));
            return null;
        }
        finally
        {
            if (progressShown)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }
    }
}
