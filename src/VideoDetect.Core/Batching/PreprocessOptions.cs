using VideoDetect.Errors;
namespace VideoDetect.Batching;

/// <summary>How a frame is fitted to the model's input size.</summary>
public enum ResizeMode
{
    /// <summary>Keep the aspect ratio, scale to fit, centre, pad the rest with <see cref="PreprocessOptions.PadValue"/>.</summary>
    Letterbox,
    /// <summary>Keep the aspect ratio, scale to fit, place at the top-left corner, pad right and bottom (YOLOX).</summary>
    LetterboxTopLeft,
    /// <summary>Scale each axis to the target size, distorting the aspect ratio.</summary>
    Stretch,
}

/// <summary>Channel order of the tensor.</summary>
public enum ChannelOrder { RGB, BGR }

/// <summary>Memory layout of the tensor.</summary>
public enum TensorLayout
{
    /// <summary>[N, C, H, W]: planar (most ONNX detectors).</summary>
    NCHW,
    /// <summary>[N, H, W, C]: interleaved.</summary>
    NHWC,
}

/// <summary>Resampling used when resizing (OpenCV's).</summary>
public enum ResizeInterpolation { Nearest, Linear, Cubic, Area }

/// <summary>
/// Everything that turns a decoded frame into model input. Value semantics (a record): two batches
/// with equal options were prepared identically. Each tensor value is
/// <c>(pixel - Mean[c]) / Std[c] * Scale</c>, with pixel in 0..255 and c the tensor channel (after
/// <see cref="ChannelOrder"/>); padding is the pixel value <see cref="PadValue"/> run through the same formula.
/// </summary>
public sealed record PreprocessOptions
{
    public int Width { get; init; } = 640;

    public int Height { get; init; } = 640;

    public ResizeMode Resize { get; init; } = ResizeMode.Letterbox;

    /// <summary>Pixel value (0..255) of the letterbox padding, before normalisation.</summary>
    public float PadValue { get; init; } = 114;

    public ResizeInterpolation Interpolation { get; init; } = ResizeInterpolation.Linear;

    /// <summary>Per tensor channel, in pixel units (0..255).</summary>
    public IReadOnlyList<float> Mean { get; init; } = new float[] { 0, 0, 0 };

    /// <summary>Per tensor channel, in pixel units.</summary>
    public IReadOnlyList<float> Std { get; init; } = new float[] { 1, 1, 1 };

    /// <summary>Applied after mean and std (e.g. 1/255).</summary>
    public float Scale { get; init; } = 1f / 255;

    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.RGB;

    public TensorLayout Layout { get; init; } = TensorLayout.NCHW;

    /// <summary>Floats per frame: 3 × Width × Height.</summary>
    public int FrameLength => 3 * Width * Height;

    /// <summary>Throws <see cref="InvalidPreprocessingException"/> (InvalidPreprocessing) for settings that cannot work.</summary>
    public void Validate()
    {
        if (Width is < 1 or > 16384 || Height is < 1 or > 16384)
            throw new InvalidPreprocessingException($"The target size {Width}x{Height} must be between 1x1 and 16384x16384.");
        if (Mean.Count != 3 || Std.Count != 3)
            throw new InvalidPreprocessingException("Mean and Std take three values, one per channel.");
        if (Std.Any(s => !(Math.Abs(s) > 0) || float.IsInfinity(s)))
            throw new InvalidPreprocessingException("Std values must be non-zero and finite.");
        if (!float.IsFinite(Scale) || Scale == 0) throw new InvalidPreprocessingException("Scale must be non-zero and finite.");
        if (Mean.Any(m => !float.IsFinite(m)) || !float.IsFinite(PadValue)) throw new InvalidPreprocessingException("Mean and PadValue must be finite.");
    }

    public bool Equals(PreprocessOptions? other) =>
        other is not null && Width == other.Width && Height == other.Height && Resize == other.Resize
        && PadValue.Equals(other.PadValue) && Interpolation == other.Interpolation && Scale.Equals(other.Scale)
        && ChannelOrder == other.ChannelOrder && Layout == other.Layout
        && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    public override int GetHashCode() => HashCode.Combine(Width, Height, Resize, PadValue, Interpolation, Scale, ChannelOrder, Layout);

    public override string ToString() =>
        $"{Width}x{Height} {Resize} {ChannelOrder} {Layout} mean=[{string.Join(",", Mean)}] std=[{string.Join(",", Std)}] scale={Scale}";
}
