namespace VideoDetect.Batching;

/// <summary>
/// Maps between source pixels and model-input pixels for one frame:
/// <c>model = source × Scale + Pad</c>, so <c>source = (model − Pad) / Scale</c>. Plain and
/// serialisable.
/// </summary>
public readonly record struct FrameTransform(double ScaleX, double ScaleY, double PadX, double PadY)
{
    /// <summary>The transform that fits a <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> frame into the model input.</summary>
    public static FrameTransform For(int sourceWidth, int sourceHeight, PreprocessOptions options, out int resizedWidth, out int resizedHeight)
    {
        if (sourceWidth <= 0 || sourceHeight <= 0) throw new ArgumentOutOfRangeException(nameof(sourceWidth), "The source frame must have a positive size.");
        if (options.Resize == ResizeMode.Stretch)
        {
            resizedWidth = options.Width;
            resizedHeight = options.Height;
            return new FrameTransform((double)options.Width / sourceWidth, (double)options.Height / sourceHeight, 0, 0);
        }
        double r = Math.Min((double)options.Width / sourceWidth, (double)options.Height / sourceHeight);
        resizedWidth = Math.Clamp((int)Math.Round(sourceWidth * r), 1, options.Width);
        resizedHeight = Math.Clamp((int)Math.Round(sourceHeight * r), 1, options.Height);
        int padX = options.Resize == ResizeMode.Letterbox ? (options.Width - resizedWidth) / 2 : 0;
        int padY = options.Resize == ResizeMode.Letterbox ? (options.Height - resizedHeight) / 2 : 0;
        // The scale actually applied on each axis (rounding makes it differ slightly from r).
        return new FrameTransform((double)resizedWidth / sourceWidth, (double)resizedHeight / sourceHeight, padX, padY);
    }

    /// <summary>A model-input point in source pixels.</summary>
    public PointD ToSource(double x, double y) => new((x - PadX) / ScaleX, (y - PadY) / ScaleY);

    /// <summary>A source point in model-input pixels.</summary>
    public PointD ToModel(double x, double y) => new(x * ScaleX + PadX, y * ScaleY + PadY);
}

/// <summary>A point in pixels (a named struct, so PowerShell sees X and Y).</summary>
public readonly record struct PointD(double X, double Y);
