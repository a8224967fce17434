using VideoDetect.Events;
using VideoDetect.Results;

namespace VideoDetect.Review;

/// <summary>What <see cref="DetectionReport.Write"/> made: the page, and the images that could not be read (each left out, the rest written).</summary>
public sealed record ReportResult(string Folder, string Page, IReadOnlyList<SourceUnavailableException> Problems);

/// <summary>
/// Export-DetectionReport's engine: builds the <see cref="ReviewModel"/>, writes the page and its
/// images into a hidden temporary folder beside the target (<c>.name.xxxxxxxx.tmp</c>), and renames
/// it into place only when complete, so a failure leaves no half report that looks finished. An
/// existing report (a folder with an index.html) is replaced only when asked (<c>force</c>); an
/// empty folder is filled; any other folder is never replaced.
/// </summary>
public static class DetectionReport
{
    public const string PageName = "index.html";

    /// <summary>Writes the report of <paramref name="events"/> and <paramref name="store"/> to <paramref name="folder"/>.</summary>
    /// <exception cref="OutputExistsException">The folder holds a report and <paramref name="force"/> is false, or holds something else.</exception>
    /// <exception cref="ResultWriteFailedException">The folder or its files cannot be written; nothing is left.</exception>
    public static ReportResult Write(string folder, IEnumerable<DetectionEvent> events, IEnumerable<StoreEntry> store, ReviewOptions options, bool force)
    {
        ArgumentNullException.ThrowIfNull(options);
        string target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        CheckTarget(target, force);
        var model = ReviewModel.Of(events, store, options.Interval);
        string parent = Path.GetDirectoryName(target)!;
        string name = Path.GetFileName(target);
        string temp = Path.Combine(parent, $".{name}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        try
        {
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(temp);
            // Images first: the page shows only those that were written. Clip links are relative to the final folder (a sibling of temp).
            var images = ReviewImages.Write(model, temp, options);
            var html = ReviewPage.Html(model, images, options, target);
            using (var stream = new FileStream(Path.Combine(temp, PageName), FileMode.CreateNew, FileAccess.Write))
            {
                ReviewPage.Write(html, stream);
                stream.Flush(flushToDisk: true);
            }
            Replace(temp, target);
            return new ReportResult(target, Path.Combine(target, PageName), images.Problems);
        }
        catch (Exception e) when (IsWriteFailure(e) is { } io)
        {
            TryDelete(temp);
            throw new ResultWriteFailedException(target, $"The report '{target}' cannot be written: {io.Message}", io);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    // An I/O failure, also as the images' parallel loop wraps it; null for anything else (a bug, passed on).
    private static Exception? IsWriteFailure(Exception e) => e switch
    {
        IOException or UnauthorizedAccessException => e,
        AggregateException a => a.Flatten().InnerExceptions.FirstOrDefault(i => i is IOException or UnauthorizedAccessException),
        _ => null,
    };

    private static void CheckTarget(string target, bool force)
    {
        if (File.Exists(target)) throw new OutputExistsException(target, $"'{target}' is a file; the report needs a folder there.");
        if (!Directory.Exists(target) || !Directory.EnumerateFileSystemEntries(target).Any()) return;
        if (!File.Exists(Path.Combine(target, PageName)))
            throw new OutputExistsException(target, $"'{target}' holds files and no report ({PageName}); choose an empty or new folder (-Force replaces only an earlier report).");
        if (!force) throw new OutputExistsException(target, $"The report '{target}' exists; use -Force to replace it.");
    }

    // Renames the finished folder into place; an earlier report is moved aside first and deleted after (restored when the rename fails).
    private static void Replace(string temp, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temp, target);
            return;
        }
        string old = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid().ToString("N")[..8]}.old");
        Directory.Move(target, old);
        try
        {
            Directory.Move(temp, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }
        TryDelete(old);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: a hidden folder, never taken for a report.
        }
    }
}
