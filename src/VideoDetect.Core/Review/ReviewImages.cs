using OpenCvSharp;
using VideoDetect.Results;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>A representative frame written into the report: its file (relative to the report folder) and the source's size in pixels (the regions' coordinate space).</summary>
public sealed record ReviewFrame(string File, int SourceWidth, int SourceHeight);

/// <summary>
/// The images the page shows, copied into the report's <c>images/</c> folder so the page needs
/// nothing outside it: snapshot thumbnails (each distinct SnapshotPath once, scaled down) and one
/// representative frame per video (its first frame, read from the source with OpenCV). An image
/// that cannot be read is a problem
/// (<see cref="SourceUnavailableException"/> naming it) and left out; the rest continue.
/// Names are numbered, never taken from the source, so no path text reaches a URL.
/// </summary>
public sealed class ReviewImages
{
    public const string Folder = "images";
    private const int NThreads = 70; // OpenCV's CAP_PROP_N_THREADS, not in OpenCvSharp's enum (as VideoReader)

    private readonly Dictionary<string, string> _thumbnails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReviewFrame> _frames = new(StringComparer.Ordinal);
    private readonly List<SourceUnavailableException> _problems = new();

    /// <summary>The thumbnail of a SnapshotPath, relative to the report folder; null when there is none.</summary>
    public string? Thumbnail(string? snapshotPath) => snapshotPath is not null && _thumbnails.TryGetValue(snapshotPath, out var f) ? f : null;

    /// <summary>The representative frame of a video (by <see cref="ReviewVideo.Name"/>); null when none could be read.</summary>
    public ReviewFrame? Frame(string video) => _frames.GetValueOrDefault(video);

    /// <summary>Images that could not be read, in the order found.</summary>
    public IReadOnlyList<SourceUnavailableException> Problems => _problems;

    /// <summary>Writes every image of <paramref name="model"/> into <paramref name="reportFolder"/>/images.</summary>
    public static ReviewImages Write(ReviewModel model, string reportFolder, ReviewOptions options)
    {
        var images = new ReviewImages();
        string dir = Path.Combine(reportFolder, Folder);
        Directory.CreateDirectory(dir);
        var snapshots = model.Videos.SelectMany(v => v.Events).Select(e => e.SnapshotPath).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism };
        var thumbs = new string?[snapshots.Count];
        var thumbProblems = new SourceUnavailableException?[snapshots.Count];
        Parallel.For(0, snapshots.Count, parallel, i =>
        {
            string file = $"{Folder}/snapshot-{i + 1}.jpg";
            thumbProblems[i] = Scaled(snapshots[i], Path.Combine(reportFolder, file), options.ThumbnailWidth, out _);
            if (thumbProblems[i] is null) thumbs[i] = file;
        });
        var frames = new ReviewFrame?[model.Videos.Count];
        var frameProblems = new SourceUnavailableException?[model.Videos.Count];
        Parallel.For(0, model.Videos.Count, parallel, i =>
        {
            var video = model.Videos[i];
            if (video.Source is null) return; // a store entry without events: its path may be relative to a root unknown here
            string file = $"{Folder}/frame-{i + 1}.jpg";
            frameProblems[i] = RepresentativeFrame(video, Path.Combine(reportFolder, file), options.FrameWidth, out var size);
            if (frameProblems[i] is null) frames[i] = new ReviewFrame(file, size.Width, size.Height);
        });
        for (int i = 0; i < snapshots.Count; i++)
        {
            if (thumbs[i] is { } t) images._thumbnails[snapshots[i]] = t;
            if (thumbProblems[i] is { } p) images._problems.Add(p);
        }
        for (int i = 0; i < model.Videos.Count; i++)
        {
            if (frames[i] is { } f) images._frames[model.Videos[i].Name] = f;
            if (frameProblems[i] is { } p) images._problems.Add(p);
        }
        return images;
    }

    // Reads an image, scales it to at most maxWidth and writes it as JPEG; the problem when it cannot be read.
    private static SourceUnavailableException? Scaled(string source, string target, int maxWidth, out Size size)
    {
        size = default;
        if (!File.Exists(source)) return new SourceUnavailableException(source, $"The snapshot '{source}' is gone; its event is shown without it.");
        // A JPEG decodes at half size for a fraction of the cost (DCT scaling); a full decode only when half is narrower than the thumbnail.
        var image = Cv2.ImRead(source, ImreadModes.ReducedColor2);
        if (!image.Empty() && image.Width < maxWidth)
        {
            image.Dispose();
            image = Cv2.ImRead(source, ImreadModes.Color);
        }
        using var owned = image;
        if (image.Empty()) return new SourceUnavailableException(source, $"The snapshot '{source}' is not a readable image; its event is shown without it.");
        size = image.Size();
        WriteScaled(image, target, maxWidth);
        return null;
    }

    // The first frame that decodes, scaled and written. Not the peak frame of an event: seeking into a
    // long-GOP video decodes from the previous key frame (up to seconds of video per report section;
    // bench/review-report.ps1), and regions and lines are drawn on a fixed camera's scene, which the
    // first frame shows as well as any.
    private static SourceUnavailableException? RepresentativeFrame(ReviewVideo video, string target, int maxWidth, out Size size)
    {
        size = default;
        string source = video.Source!;
        if (!File.Exists(source)) return new SourceUnavailableException(source, $"The video '{source}' is gone; its regions and lines are not drawn.");
        // One decoding thread: a single frame is wanted, and FFmpeg's default starts a thread per core for each video.
        OpenCvRuntime.EnsureInitialized();
        using var capture = new VideoCapture(source, VideoCaptureAPIs.FFMPEG, new[] { NThreads, 1 });
        if (!capture.IsOpened()) return new SourceUnavailableException(source, $"The video '{source}' cannot be opened; its regions and lines are not drawn.");
        using var mat = new Mat();
        if (!capture.Read(mat) || mat.Empty())
            return new SourceUnavailableException(source, $"No frame of '{source}' can be read (the file changed or is damaged); its regions and lines are not drawn.");
        size = mat.Size();
        WriteScaled(mat, target, maxWidth);
        return null;
    }

    private static void WriteScaled(Mat image, string target, int maxWidth)
    {
        var param = new ImageEncodingParam(ImwriteFlags.JpegQuality, 85);
        if (image.Width <= maxWidth)
        {
            if (!Cv2.ImWrite(target, image, param)) throw new IOException($"'{target}' could not be written.");
            return;
        }
        using var small = new Mat();
        Cv2.Resize(image, small, new Size(maxWidth, Math.Max(1, (int)Math.Round(image.Height * (double)maxWidth / image.Width))), 0, 0, InterpolationFlags.Area);
        if (!Cv2.ImWrite(target, small, param)) throw new IOException($"'{target}' could not be written.");
    }
}
