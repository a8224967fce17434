using OpenCvSharp;
using VideoDetect.Errors;
using VideoDetect.Events;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>
/// Writes one JPEG per <see cref="DetectionEvent"/>: its peak frame (<see cref="DetectionEvent.PeakFrame"/>),
/// read from the source by exact index (never re-detected), with the event's box and label drawn as
/// Export-AnnotatedVideo draws them (<see cref="AnnotationRenderer"/>, "person #3 0.91"), its region or
/// line when the options carry the shapes (<see cref="RegionOverlay"/>), the whole frame or the box
/// region with a margin (<see cref="SnapshotOptions.Crop"/>). Named by <see cref="SnapshotNames"/> in one
/// folder; each file is written to a hidden temporary file (<see cref="PendingFile.Hidden"/>, the name
/// <see cref="OrphanSweep"/> knows, swept once before the first write) and renamed onto its name.
/// <para>Reading: the events of one source are decoded in one pass in peak-frame order, so events
/// close together cost a forward decode, not a seek each (<see cref="VideoReader.Seek"/> decodes
/// forward up to 48 frames; events on one frame share the decode). A source that is gone, no longer
/// decodes, is shorter than an event's frame, or whose exact index gives an event's start frame another
/// time than the event says (the file was replaced since it was detected) fails its events with
/// <see cref="SourceUnavailableException"/>; the other events go on.</para>
/// A plain class for any caller (Export-EventSnapshot, the report): not thread-safe, one per thread.
/// </summary>
public sealed class EventSnapshotWriter
{
    private readonly SnapshotOptions _options;
    private readonly CancellationToken _ct;
    private bool _swept;

    /// <param name="directory">The folder the snapshots go into (a full path; created when missing).</param>
    public EventSnapshotWriter(string directory, SnapshotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        _options = options ?? new SnapshotOptions();
        _options.Validate();
        _ct = cancellationToken;
    }

    public string Directory { get; }

    /// <summary>Frames decoded so far (also those decoded only to reach an event's frame), and the real seeks made: what the snapshots cost.</summary>
    public long FramesDecoded { get; private set; }
    public int Seeks { get; private set; }

    /// <summary>Temporary files of killed writers removed from the folder before the first write.</summary>
    public IReadOnlyList<string> RemovedOrphans { get; private set; } = Array.Empty<string>();

    /// <summary>Where <paramref name="e"/>'s snapshot goes.</summary>
    public string TargetFor(DetectionEvent e) => Path.Combine(Directory, SnapshotNames.For(e, _options.Crop));

    /// <summary>
    /// Writes the snapshots of <paramref name="events"/> (any sources, any order) and returns one result
    /// per event, in their order. <paramref name="confirm"/> (event, target) is asked first for each
    /// event that would be written (ShouldProcess); nothing is decoded for a source none of whose
    /// events is confirmed. Throws only <see cref="OperationCanceledException"/> (stopped) and
    /// <see cref="InvalidOutputPathException"/> (the folder cannot be created).
    /// </summary>
    public IReadOnlyList<SnapshotResult> Write(IReadOnlyList<DetectionEvent> events, Func<DetectionEvent, string, bool>? confirm = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var results = new SnapshotResult[events.Count];
        foreach (var source in Enumerable.Range(0, events.Count).GroupBy(i => events[i].Path, StringComparer.Ordinal))
        {
            var todo = new List<int>();
            foreach (int i in source)
            {
                var e = events[i];
                string target = TargetFor(e);
                results[i] = new SnapshotResult(e, target);
                if (File.Exists(target) && !_options.Overwrite)
                    results[i] = results[i] with { Error = new OutputExistsException(target, $"'{target}' exists; use -Force to replace it.") };
                else if (confirm is null || confirm(e, target)) todo.Add(i);
            }
            if (todo.Count == 0) continue;
            Prepare();
            WriteSource(source.Key, todo.OrderBy(i => events[i].PeakFrame).ToList(), results);
        }
        return results;
    }

    /// <summary>Creates the folder and sweeps killed writers' temporary files from it, once.</summary>
    private void Prepare()
    {
        if (_swept) return;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOutputPathException(Directory, $"Cannot create the folder '{Directory}': {e.Message}", e);
        }
        RemovedOrphans = OrphanSweep.Sweep(Directory);
        _swept = true;
    }

    /// <summary>One source's events (indices into <paramref name="results"/>, in peak-frame order), one decode pass.</summary>
    private void WriteSource(string path, List<int> todo, SnapshotResult[] results)
    {
        ProbedVideo probed;
        try
        {
            probed = VideoProbe.Probe(path, _options.Probe, _ct);
        }
        catch (VideoException e)
        {
            foreach (int i in todo)
                results[i] = results[i] with { Error = new SourceUnavailableException(path, $"No snapshot of {results[i].Event.Describe()}: its source '{path}' cannot be read: {e.Message}", e) };
            return;
        }
        // The index read is the file's as it is now (the index cache is keyed by SourceIdentity: a
        // replaced file is indexed again); the pass is checked against that identity when it ends.
        var identity = SourceIdentity.Of(probed.Info);
        IFrameSource? reader = null;
        using var frame = new Mat();
        long decoded = -1;
        var info = probed.Info;
        var renderer = new AnnotationRenderer(info.Width, info.Height);
        var overlay = _options.Shapes is { } shapes ? new RegionOverlay(shapes, info.Width, info.Height, count: false) : null;
        try
        {
            foreach (int i in todo)
            {
                _ct.ThrowIfCancellationRequested();
                var e = results[i].Event;
                try
                {
                    EventSource.Fit(probed.Index, path, e);
                    if (decoded != e.PeakFrame)
                    {
                        reader ??= FrameSources.OpenFile(path, probed.Index);
                        decoded = -1;
                        Read(reader, e.PeakFrame, frame, path);
                        decoded = e.PeakFrame;
                    }
                    results[i] = results[i] with { Written = Save(Render(frame, e, renderer, overlay), results[i].Target) };
                }
                catch (VideoDetectException error)
                {
                    results[i] = results[i] with { Error = error };
                }
                catch (Exception error) when (error is InvalidDataException or VideoException)
                {
                    // The reader lost its place (the file changed under it): the next event reopens it.
                    reader?.Dispose();
                    reader = null;
                    results[i] = results[i] with { Error = new SourceUnavailableException(path, $"Frame {e.PeakFrame} of '{path}' cannot be read for the snapshot of {e.Describe()}: {error.Message}", error) };
                }
            }
        }
        finally
        {
            Recheck(path, identity, todo, results);
            if (reader is not null)
            {
                FramesDecoded += reader.FramesGrabbed;
                Seeks += reader.SeekCount;
                reader.Dispose();
            }
        }
    }

    /// <summary>A source that changed while it was read: its snapshots may show another file's frames, so they are removed and failed.</summary>
    private static void Recheck(string path, SourceIdentity before, List<int> todo, SnapshotResult[] results)
    {
        SourceIdentity? now = null;
        try { now = SourceIdentity.Of(path); } catch (FileNotFoundException) { }
        if (now is not null && now.IsSameVersionAs(before)) return;
        foreach (int i in todo)
        {
            if (results[i].Written is not { } written) continue;
            try { File.Delete(written); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            results[i] = results[i] with
            {
                Written = null,
                Error = new SourceUnavailableException(path, $"'{path}' changed or went away while the snapshot of {results[i].Event.Describe()} was taken from it; none was kept."),
            };
        }
    }

    /// <summary>Decodes exactly frame <paramref name="target"/> into <paramref name="frame"/>.</summary>
    private static void Read(IFrameSource reader, long target, Mat frame, string path)
    {
        if (reader.Position != target) reader.Seek(target);
        if (!reader.Grab() || !reader.Retrieve(frame) || frame.Empty() || reader.Current != target)
            throw new SourceUnavailableException(path, $"Frame {target} of '{path}' did not decode; the source has changed since it was indexed, or that frame is damaged.");
    }

    /// <summary>The picture: the frame with the event's region or line and its box drawn, cut to the box with its margin when cropping.</summary>
    private Mat Render(Mat frame, DetectionEvent e, AnnotationRenderer renderer, RegionOverlay? overlay)
    {
        var picture = frame.Clone();
        overlay?.DrawOnly(picture, e.Region, e.Line);
        var box = new Detection
        {
            Path = e.Path, FrameIndex = e.PeakFrame, Label = e.Label, ClassId = e.ClassId, Confidence = e.MaxConfidence, TrackId = e.TrackId,
            X = e.X, Y = e.Y, Width = e.Width, Height = e.Height,
        };
        if (!_options.Crop)
        {
            renderer.Draw(picture, new[] { box });
            return picture;
        }
        // A crop is drawn on at its own size, so that the label is placed inside it (LabelLayout keeps labels in the picture).
        var cut = CropOf(e, picture.Cols, picture.Rows, _options.Margin);
        Mat crop;
        using (picture) crop = picture[cut].Clone();
        new AnnotationRenderer(crop.Cols, crop.Rows).Draw(crop, new[] { box with { X = box.X - cut.X, Y = box.Y - cut.Y } });
        return crop;
    }

    /// <summary>The box with <paramref name="margin"/> of its size on each side, in whole pixels, cut to the frame (at least one pixel).</summary>
    public static Rect CropOf(DetectionEvent e, int width, int height, double margin)
    {
        double mx = e.Width * margin, my = e.Height * margin;
        int x1 = Math.Clamp((int)Math.Floor(e.X - mx), 0, width - 1), y1 = Math.Clamp((int)Math.Floor(e.Y - my), 0, height - 1);
        int x2 = Math.Clamp((int)Math.Ceiling(e.X + e.Width + mx), x1 + 1, width), y2 = Math.Clamp((int)Math.Ceiling(e.Y + e.Height + my), y1 + 1, height);
        return new Rect(x1, y1, x2 - x1, y2 - y1);
    }

    /// <summary>Encodes the JPEG into a hidden temporary file and renames it onto <paramref name="target"/>.</summary>
    private string Save(Mat picture, string target)
    {
        using (picture)
        {
            Cv2.ImEncode(SnapshotNames.Extension, picture, out byte[] jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, _options.Quality));
            if (jpeg.Length == 0)
                throw new ResultWriteFailedException(target, $"The snapshot '{target}' could not be encoded as JPEG.");
            using var file = PendingFile.Hidden(target);
            try
            {
                File.WriteAllBytes(file.TempPath, jpeg);
                return file.Commit(_options.Overwrite).FullName;
            }
            catch (IOException e) when (File.Exists(target) && !_options.Overwrite)
            {
                throw new OutputExistsException(target, $"'{target}' appeared while it was being written; use -Force to replace it.", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ResultWriteFailedException(target, $"Cannot write the snapshot '{target}': {e.Message}; nothing was left behind.", e);
            }
        }
    }
}
