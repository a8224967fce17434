using OpenCvSharp;
using VideoDetect.Batching;

namespace VideoDetect.Inference;

/// <summary>
/// The pixels of one detection as the batch still holds them when Invoke-FrameDetection has its
/// detections: the model-input tensor (the decoded source frames went back to their pool once the
/// batch was preprocessed, so they are gone by then). A box in source pixels is mapped through the
/// frame's <see cref="FrameTransform"/> into the tensor and read back as 0..255 RGB, undoing the
/// batch's normalisation, channel order and layout. At the detector's scale (e.g. 768×576 → 416×312)
/// a person keeps plenty of pixels for a colour descriptor. A view over the batch: no copy, valid
/// while the batch is not disposed; reads only, so the frames of a batch may be read in parallel.
/// </summary>
internal readonly struct AppearanceCrop
{
    private readonly float[] _tensor;
    private readonly int _offset, _width, _planeLength;
    private readonly bool _planar;
    private readonly int _r, _g, _b;                 // tensor channel holding R, G and B
    private readonly float _kr, _kg, _kb, _mr, _mg, _mb; // pixel = value × k + m per colour

    /// <summary>The crop of <paramref name="box"/> (source pixels) in frame <paramref name="index"/> of <paramref name="batch"/>; <see cref="IsEmpty"/> when it maps to no pixel of the image (only padding).</summary>
    public AppearanceCrop(FrameBatch batch, int index, double x, double y, double width, double height)
    {
        var p = batch.Preprocess;
        var frame = batch.Frames[index];
        _tensor = batch.Tensor;
        _offset = index * p.FrameLength;
        _width = p.Width;
        _planeLength = p.Width * p.Height;
        _planar = p.Layout == TensorLayout.NCHW;
        (_r, _b) = p.ChannelOrder == ChannelOrder.RGB ? (0, 2) : (2, 0);
        _g = 1;
        // value = (pixel − Mean[c]) / Std[c] × Scale  ⇒  pixel = value × Std[c] / Scale + Mean[c]
        _kr = p.Std[_r] / p.Scale; _kg = p.Std[_g] / p.Scale; _kb = p.Std[_b] / p.Scale;
        _mr = p.Mean[_r]; _mg = p.Mean[_g]; _mb = p.Mean[_b];

        // The box in model pixels, kept inside the resized image (never the letterbox padding).
        var t = frame.Transform;
        var a = t.ToModel(x, y);
        var b = t.ToModel(x + width, y + height);
        var image0 = t.ToModel(0, 0);
        var image1 = t.ToModel(frame.SourceWidth, frame.SourceHeight);
        Left = Math.Max((int)Math.Floor(Math.Max(a.X, image0.X)), 0);
        Top = Math.Max((int)Math.Floor(Math.Max(a.Y, image0.Y)), 0);
        Right = Math.Min((int)Math.Ceiling(Math.Min(b.X, image1.X)), p.Width);
        Bottom = Math.Min((int)Math.Ceiling(Math.Min(b.Y, image1.Y)), p.Height);
    }

    /// <summary>The crop in model-input pixels: columns Left..Right−1, rows Top..Bottom−1.</summary>
    public int Left { get; }
    public int Top { get; }
    public int Right { get; }
    public int Bottom { get; }
    public int Width => Math.Max(0, Right - Left);
    public int Height => Math.Max(0, Bottom - Top);
    public bool IsEmpty => Width == 0 || Height == 0;

    /// <summary>The pixel at model coordinates (<paramref name="x"/>, <paramref name="y"/>) as R, G, B in 0..255 (clamped).</summary>
    public (float R, float G, float B) Pixel(int x, int y)
    {
        int at = y * _width + x;
        float r, g, b;
        if (_planar)
        {
            int o = _offset + at;
            r = _tensor[o + _r * _planeLength];
            g = _tensor[o + _g * _planeLength];
            b = _tensor[o + _b * _planeLength];
        }
        else
        {
            int o = _offset + 3 * at;
            r = _tensor[o + _r];
            g = _tensor[o + _g];
            b = _tensor[o + _b];
        }
        return (Math.Clamp(r * _kr + _mr, 0f, 255f), Math.Clamp(g * _kg + _mg, 0f, 255f), Math.Clamp(b * _kb + _mb, 0f, 255f));
    }

    /// <summary>The crop as a new 8-bit BGR Mat (the caller disposes it); for a ReID network's resize. Throws when <see cref="IsEmpty"/>.</summary>
    public unsafe Mat ToBgr()
    {
        if (IsEmpty) throw new InvalidOperationException("The crop holds no pixel.");
        var mat = new Mat(Height, Width, MatType.CV_8UC3);
        for (int y = 0; y < Height; y++)
        {
            byte* row = (byte*)mat.Ptr(y);
            for (int x = 0; x < Width; x++)
            {
                var (r, g, b) = Pixel(Left + x, Top + y);
                row[3 * x] = (byte)(b + 0.5f);
                row[3 * x + 1] = (byte)(g + 0.5f);
                row[3 * x + 2] = (byte)(r + 0.5f);
            }
        }
        return mat;
    }
}
