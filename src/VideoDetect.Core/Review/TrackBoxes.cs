using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>
/// The boxes of some tracks of one video, frame by frame, read from result files (what
/// Export-FrameDetection wrote, or a store folder): the detections Export-EventClip -Annotate draws.
/// Read from files rather than piped in beside the events, so one pipeline of events (live or
/// imported) serves both, the boxes are streamed (one frame in memory at a time, only the wanted
/// tracks' frames in the clips' ranges kept), and the file's header says which version of the
/// source the boxes belong to (<see cref="Recorded"/>).
/// </summary>
public sealed class TrackBoxes
{
    private readonly Dictionary<long, Detection[]> _frames;

    private TrackBoxes(Dictionary<long, Detection[]> frames, SourceIdentity? recorded, string? file)
    {
        _frames = frames;
        Recorded = recorded;
        File = file;
    }

    /// <summary>The source's identity in the result file's header (null when no file held the source).</summary>
    public SourceIdentity? Recorded { get; }

    /// <summary>The result file the boxes came from (null: none held the source).</summary>
    public string? File { get; }

    /// <summary>Whether a result file held the source.</summary>
    public bool Found => File is not null;

    /// <summary>
    /// The frame's detections of the wanted tracks (empty when the frame was detected on and none was
    /// there), or null when the file has no record of the frame (a -FrameStride gap: the writer holds
    /// the last boxes over it).
    /// </summary>
    public Detection[]? At(long frame) => _frames.TryGetValue(frame, out var d) ? d : null;

    /// <summary>The result files among <paramref name="paths"/> (files, or folders whose result files are taken).</summary>
    public static IReadOnlyList<string> ResultFilesIn(IEnumerable<string> paths) =>
        paths.SelectMany(p => Directory.Exists(p) ? ResultFileReader.FilesIn(p) : new[] { Path.GetFullPath(p) }).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The first of <paramref name="resultFiles"/> whose header names <paramref name="sourcePath"/>, with the source's identity there; null when none does.</summary>
    public static (string File, SourceIdentity Recorded)? Find(IReadOnlyList<string> resultFiles, string sourcePath)
    {
        foreach (string file in resultFiles)
        {
            var header = ResultStore.TryReadHeader(file, ResultFiles.FormatOf(file), out _);
            if (header is not null && SameSource(header.Source.Path, sourcePath)) return (file, header.Source.Identity);
        }
        return null;
    }

    /// <summary>
    /// Reads the boxes <paramref name="events"/> draw (<see cref="Drawn"/>) in frames <paramref name="first"/>..<paramref name="last"/>
    /// from <paramref name="found"/> (what <see cref="Find"/> gave; null: no file holds the source, so no boxes).
    /// </summary>
    public static TrackBoxes Read((string File, SourceIdentity Recorded)? found, IEnumerable<VideoDetect.Events.DetectionEvent> events, long first, long last, CancellationToken ct = default)
    {
        var wanted = Drawn(events);
        var frames = new Dictionary<long, Detection[]>();
        if (found is not { } f) return new TrackBoxes(frames, null, null);
        foreach (var frame in ResultFileReader.Read(f.File, ct))
        {
            if (frame.FrameIndex < first) continue;
            if (frame.FrameIndex > last) break; // a result file is in frame order
            frames[frame.FrameIndex] = frame.Detections.Where(wanted).ToArray();
        }
        return new TrackBoxes(frames, f.Recorded, f.File);
    }

    /// <summary>These boxes, only those <paramref name="events"/> draw, in their frames <paramref name="first"/>..<paramref name="last"/>.</summary>
    public TrackBoxes Only(IEnumerable<VideoDetect.Events.DetectionEvent> events, long first, long last)
    {
        var wanted = Drawn(events);
        var frames = _frames.Where(kv => kv.Key >= first && kv.Key <= last).ToDictionary(kv => kv.Key, kv => kv.Value.Where(wanted).ToArray());
        return new TrackBoxes(frames, Recorded, File);
    }

    /// <summary>
    /// The detections events draw: a tracked event its track's boxes; a per-label event (no track)
    /// the boxes of its label, as it is the presence of any such object.
    /// </summary>
    public static Func<Detection, bool> Drawn(IEnumerable<VideoDetect.Events.DetectionEvent> events)
    {
        var tracks = new HashSet<int>();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.TrackId is { } id) tracks.Add(id);
            else labels.Add(e.Label);
        }
        return d => d.TrackId is { } id ? tracks.Contains(id) : labels.Contains(d.Label);
    }

    /// <summary>A header's source path names <paramref name="sourcePath"/>: the same text, the same full path, or (a path relative to a -Root) its tail.</summary>
    internal static bool SameSource(string recorded, string sourcePath)
    {
        if (string.Equals(recorded, sourcePath, StringComparison.Ordinal)) return true;
        string full = Path.GetFullPath(sourcePath);
        if (Path.IsPathRooted(recorded)) return string.Equals(Path.GetFullPath(recorded), full, StringComparison.Ordinal);
        return full.Replace('\\', '/').EndsWith("/" + recorded.Replace('\\', '/'), StringComparison.Ordinal);
    }
}
