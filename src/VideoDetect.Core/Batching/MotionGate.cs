using VideoDetect.Errors;
using OpenCvSharp;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>ConvertTo-FrameBatch -SkipStatic: when a frame is worth sending to inference.</summary>
public sealed record MotionGateOptions
{
    /// <summary>
    /// The default <see cref="Threshold"/>: 0.4 % of the small grey copy (a dozen of its 3072 pixels
    /// at 4:3) changed by more than <see cref="PixelDelta"/> grey levels since the last inferred
    /// frame. A person 50 pixels wide in a 768-pixel frame covers ~1 % of the copy, so a step of
    /// about a third of their width re-infers, while encoder noise and flicker (which the area
    /// resize averages away) stay under it; bench/README.md (section 10) has the measurement.
    /// </summary>
    public const double DefaultThreshold = 0.004;

    /// <summary>Share (0..1) of the small grey copy's pixels that must have changed for a frame to be inferred.</summary>
    public double Threshold { get; init; } = DefaultThreshold;

    /// <summary>
    /// The longest run of held frames: after this many frames (or this much time) since the last
    /// inferred frame, the next frame is inferred whatever changed. A safety net, not the gate's main
    /// test: a slow change adds up against the last inferred frame and a parked object arrives as
    /// motion, so both are inferred by the threshold; each clip's first frame is inferred anyway.
    /// Default <see cref="DefaultMaxSkip"/>.
    /// </summary>
    public VideoPosition MaxSkip { get; init; } = VideoPosition.FromSeconds(DefaultMaxSkipSeconds);

    /// <summary>
    /// The default <see cref="MaxSkip"/>: 10 s (was 2 s). On a still fixed camera (10 fps, clips of
    /// 64 frames) 2 s forced three frames a clip on top of its first: three quarters of the frames
    /// inferred where nothing happens, the largest cost after decoding (bench/README.md, figure 12).
    /// </summary>
    public const double DefaultMaxSkipSeconds = 10;

    /// <summary><see cref="DefaultMaxSkipSeconds"/> as a position.</summary>
    public static VideoPosition DefaultMaxSkip => VideoPosition.FromSeconds(DefaultMaxSkipSeconds);

    /// <summary>Grey levels (0..255) by which a pixel of the small copy must differ to count as changed.</summary>
    public int PixelDelta { get; init; } = 20;

    /// <summary>Width of the small grey copy (its height keeps the aspect ratio).</summary>
    public int Width { get; init; } = 64;

    /// <summary>Every setting that changes which frames are held, in one invariant line (result-file headers record it; a resume must match it).</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"threshold {Threshold:R}, max skip {MaxSkip}, pixel delta {PixelDelta}, width {Width}");

    public void Validate()
    {
        if (!(Threshold is >= 0 and <= 1)) throw new InvalidPreprocessingException($"MotionThreshold must be 0..1, a share of the picture (got {Threshold}).");
        if (MaxSkip.IsNegative || MaxSkip.IsZero) throw new InvalidPreprocessingException($"MaxSkip must be positive (got {MaxSkip}).");
        if (PixelDelta is < 0 or > 255) throw new InvalidPreprocessingException($"PixelDelta must be 0..255 (got {PixelDelta}).");
        if (Width is < 4 or > 1024) throw new InvalidPreprocessingException($"The gate's width must be 4..1024 (got {Width}).");
    }
}

/// <summary>
/// The motion gate: compares each decoded frame with the last frame sent to inference, on a small grey
/// copy (OpenCV's bilinear + area resize, then grey, then absdiff), and says whether to infer it or hold it.
/// <para>
/// State, and why it restarts: the gate's only state is the last inferred frame (its small copy, index
/// and time). It <see cref="Restart"/>s at the first frame of every decoded range, i.e. at each clip's
/// start, which is always inferred. Runs of consecutive clips are the unit of parallel decode, of a
/// resume (Split-VideoClip -ResumeFrom resumes at a clip) and of shards, so with the restart every
/// decomposition — -ThrottleLimit 1 or n, a resumed or a sharded run — makes exactly the decisions
/// of one uninterrupted run: the gate is a property of the video and the clip plan. The cost is one
/// inferred frame per clip.
/// </para>
/// <para>Ownership: the gate owns its three small Mats and frees them on <see cref="Dispose"/>; it
/// only reads the frames given to it. One thread at a time (one gate per decode worker).</para>
/// </summary>
public sealed class MotionGate : IDisposable
{
    private readonly MotionGateOptions _options;
    private readonly Mat _sampled = new();
    private readonly Mat _small = new();
    private Mat _current = new();
    private Mat _reference = new();
    private readonly Mat _diff = new();
    private long _lastFrame = -1;
    private TimeSpan _lastTime;

    public MotionGate(MotionGateOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>The share of the picture that changed at the last <see cref="Admit"/> (1 when there was nothing to compare with).</summary>
    public double LastChange { get; private set; }

    /// <summary>Forgets the last inferred frame: the next frame is inferred (called at each clip's start).</summary>
    public void Restart() => _lastFrame = -1;

    /// <summary>
    /// The decision as a plain function: infer when nothing was inferred since the restart, when the
    /// change reaches the threshold, or when the frames (or time) since the last inferred frame reach
    /// <see cref="MotionGateOptions.MaxSkip"/>.
    /// </summary>
    public static bool ShouldInfer(MotionGateOptions options, double change, long framesSince, TimeSpan timeSince, bool first) =>
        first
        || change >= options.Threshold && change > 0
        || (options.MaxSkip.Frames is { } frames ? framesSince >= frames : timeSince >= options.MaxSkip.Time!.Value);

    /// <summary>
    /// Decides for <paramref name="frame"/> (BGR, 8-bit; only read): true to infer it (it becomes the
    /// reference), false to hold it (downstream repeats the last inferred frame's detections).
    /// </summary>
    public bool Admit(Mat frame, long frameIndex, TimeSpan timestamp)
    {
        Shrink(frame);
        if (_small.Channels() == 1) _small.CopyTo(_current);
        else Cv2.CvtColor(_small, _current, _small.Channels() == 4 ? ColorConversionCodes.BGRA2GRAY : ColorConversionCodes.BGR2GRAY);
        return Decide(frameIndex, timestamp);
    }

    /// <summary>
    /// <see cref="Admit"/> for a frame given as its luma plane (8-bit, limited range 16..235, as a
    /// decoder stores it; only read), so a held frame needs no BGR conversion. The small copy is
    /// mapped to full range grey (<c>(Y - 16) × 255 / 219</c>), which is what BGR → grey gives for a
    /// frame converted from the same YUV by BT.601 (the chroma terms cancel to within 0.1 %): the
    /// pixel delta and threshold mean the same grey levels. Not bit-identical to <see cref="Admit"/>
    /// on the BGR frame (rounding, and the copy is shrunk before the mapping), so a run decides on
    /// one of the two for every frame (<see cref="VideoDetect.Video.FrameSources.OpenGatedFile"/>).
    /// </summary>
    /// <param name="fullRange">The plane is full range already (0..255, yuvj420p): the small copy is used as it is.</param>
    public bool AdmitLuma(Mat luma, long frameIndex, TimeSpan timestamp, bool fullRange = false)
    {
        if (luma.Channels() != 1) throw new ArgumentException("The luma plane has one channel.", nameof(luma));
        Shrink(luma);
        if (fullRange) _small.CopyTo(_current);
        else Cv2.LUT(_small, LimitedToFull.Value, _current);
        return Decide(frameIndex, timestamp);
    }

    /// <summary>Limited range luma (16..235) to full range grey (0..255), rounded and clamped.</summary>
    private static readonly Lazy<Mat> LimitedToFull = new(() =>
    {
        var table = new byte[256];
        for (int y = 0; y < 256; y++) table[y] = (byte)Math.Clamp((int)Math.Round((y - 16) * 255.0 / 219), 0, 255);
        var lut = new Mat(1, 256, MatType.CV_8UC1);
        lut.SetArray(table);
        return lut;
    });

    /// <summary>The small copy of <paramref name="frame"/> into <c>_small</c> (same channels).</summary>
    private void Shrink(Mat frame)
    {
        int width = Math.Min(_options.Width, frame.Cols);
        int height = Math.Max(1, (int)Math.Round((double)frame.Rows * width / frame.Cols));
        // Bilinear sampling to twice the copy's size first (each sample averages 2×2 pixels, and it
        // reads only those), then the area average of 2×2 of those samples: 16 pixels spread over each
        // cell of the copy, close to a full area resize at a small part of its cost on large frames
        // (the cost is the pixels read; bench/README.md section 10 has the figures).
        if (frame.Cols >= 4 * width)
        {
            Cv2.Resize(frame, _sampled, new Size(2 * width, 2 * height), 0, 0, InterpolationFlags.Linear);
            Cv2.Resize(_sampled, _small, new Size(width, height), 0, 0, InterpolationFlags.Area);
        }
        else
        {
            Cv2.Resize(frame, _small, new Size(width, height), 0, 0, InterpolationFlags.Area);
        }
    }

    private bool Decide(long frameIndex, TimeSpan timestamp)
    {
        bool first = _lastFrame < 0 || _reference.Size() != _current.Size();
        double change = 1;
        if (!first)
        {
            Cv2.Absdiff(_current, _reference, _diff);
            Cv2.Threshold(_diff, _diff, _options.PixelDelta, 255, ThresholdTypes.Binary);
            change = (double)Cv2.CountNonZero(_diff) / (_diff.Rows * _diff.Cols);
        }
        LastChange = change;
        if (!ShouldInfer(_options, change, frameIndex - _lastFrame, timestamp - _lastTime, first)) return false;
        (_reference, _current) = (_current, _reference);
        _lastFrame = frameIndex;
        _lastTime = timestamp;
        return true;
    }

    public void Dispose()
    {
        _sampled.Dispose();
        _small.Dispose();
        _current.Dispose();
        _reference.Dispose();
        _diff.Dispose();
    }
}
