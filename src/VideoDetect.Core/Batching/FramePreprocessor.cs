using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using OpenCvSharp;

namespace VideoDetect.Batching;

/// <summary>
/// Turns one decoded BGR frame into one frame of model input: OpenCV resizes (only to the size the
/// model needs), then a single SIMD pass deinterleaves B, G and R, swaps channels as asked,
/// normalises (<c>(x − mean) × k</c>) and writes planar floats straight into the batch tensor.
/// <para>
/// Thread-safe: each call uses its own scratch; the frames of a batch run in parallel.
/// Ownership: the caller owns <c>source</c> and the destination span; the resize scratch
/// <see cref="Mat"/> is created and disposed inside the call.
/// </para>
/// </summary>
public sealed class FramePreprocessor
{
    // Shuffle masks that pick B, G, R out of 48 interleaved bytes (vectors a, b, c); 0x80 yields 0.
    private static readonly Vector128<byte>[] Masks = BuildMasks();
    private readonly float[] _mean = new float[3]; // per source channel B, G, R
    private readonly float[] _k = new float[3];
    private readonly int[] _planeOf = new int[3];  // tensor plane fed by source channel B, G, R

    public FramePreprocessor(PreprocessOptions options)
    {
        options.Validate();
        Options = options;
        for (int plane = 0; plane < 3; plane++)
        {
            int source = options.ChannelOrder == ChannelOrder.BGR ? plane : 2 - plane;
            _planeOf[source] = plane;
            _mean[source] = options.Mean[plane];
            _k[source] = options.Scale / options.Std[plane];
        }
    }

    public PreprocessOptions Options { get; }

    /// <summary>The value padding takes in tensor plane <paramref name="plane"/>.</summary>
    public float PadOutput(int plane)
    {
        int source = Array.IndexOf(_planeOf, plane);
        return (Options.PadValue - _mean[source]) * _k[source];
    }

    /// <summary>
    /// Writes <paramref name="bgr"/> (8UC3) into <paramref name="destination"/> (exactly
    /// <see cref="PreprocessOptions.FrameLength"/> floats) and returns the transform it applied.
    /// </summary>
    public unsafe FrameTransform Process(Mat bgr, Span<float> destination)
    {
        if (bgr.Type() != MatType.CV_8UC3) throw new ArgumentException($"Expected an 8-bit BGR frame, got {bgr.Type()}.", nameof(bgr));
        int tw = Options.Width, th = Options.Height, planeLength = tw * th;
        if (destination.Length != 3 * planeLength) throw new ArgumentException($"The destination must hold {3 * planeLength} floats.", nameof(destination));
        var transform = FrameTransform.For(bgr.Cols, bgr.Rows, Options, out int rw, out int rh);
        int padX = (int)transform.PadX, padY = (int)transform.PadY;

        Mat? resized = null;
        try
        {
            Mat image = bgr;
            if (rw != bgr.Cols || rh != bgr.Rows)
            {
                resized = new Mat();
                Cv2.Resize(bgr, resized, new Size(rw, rh), 0, 0, ToOpenCv(Options.Interpolation));
                image = resized;
            }
            bool planar = Options.Layout == TensorLayout.NCHW;
            float[]? scratch = planar ? null : System.Buffers.ArrayPool<float>.Shared.Rent(3 * planeLength);
            try
            {
                Span<float> planes = planar ? destination : scratch.AsSpan(0, 3 * planeLength);
                if (rw != tw || rh != th)
                {
                    for (int p = 0; p < 3; p++) planes.Slice(p * planeLength, planeLength).Fill(PadOutput(p));
                }
                fixed (float* dst = planes)
                {
                    for (int y = 0; y < rh; y++)
                    {
                        byte* row = (byte*)image.Ptr(y);
                        int offset = (y + padY) * tw + padX;
                        float* outB = dst + _planeOf[0] * planeLength + offset;
                        float* outG = dst + _planeOf[1] * planeLength + offset;
                        float* outR = dst + _planeOf[2] * planeLength + offset;
                        Row(row, rw, outB, outG, outR);
                    }
                }
                if (!planar) Interleave(planes, destination, tw, th);
            }
            finally
            {
                if (scratch is not null) System.Buffers.ArrayPool<float>.Shared.Return(scratch);
            }
        }
        finally
        {
            resized?.Dispose();
        }
        return transform;
    }

    /// <summary>One row: deinterleave, normalise, store. 16 pixels per step; the last step overlaps the previous one instead of a scalar tail.</summary>
    private unsafe void Row(byte* src, int pixels, float* outB, float* outG, float* outR)
    {
        if (pixels < 16)
        {
            for (int x = 0; x < pixels; x++) // only for frames narrower than 16 pixels
            {
                outB[x] = (src[3 * x] - _mean[0]) * _k[0];
                outG[x] = (src[3 * x + 1] - _mean[1]) * _k[1];
                outR[x] = (src[3 * x + 2] - _mean[2]) * _k[2];
            }
            return;
        }
        var mB = Vector256.Create(_mean[0]); var kB = Vector256.Create(_k[0]);
        var mG = Vector256.Create(_mean[1]); var kG = Vector256.Create(_k[1]);
        var mR = Vector256.Create(_mean[2]); var kR = Vector256.Create(_k[2]);
        for (int x = 0; ; x += 16)
        {
            if (x > pixels - 16) x = pixels - 16;
            byte* p = src + 3 * x;
            var a = Vector128.Load(p);
            var b = Vector128.Load(p + 16);
            var c = Vector128.Load(p + 32);
            Store(Gather(a, b, c, 0), mB, kB, outB + x);
            Store(Gather(a, b, c, 1), mG, kG, outG + x);
            Store(Gather(a, b, c, 2), mR, kR, outR + x);
            if (x == pixels - 16) break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Gather(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, int channel)
    {
        if (Ssse3.IsSupported)
        {
            return Ssse3.Shuffle(a, Masks[3 * channel]) | Ssse3.Shuffle(b, Masks[3 * channel + 1]) | Ssse3.Shuffle(c, Masks[3 * channel + 2]);
        }
        return Vector128.Shuffle(a, Masks[3 * channel]) | Vector128.Shuffle(b, Masks[3 * channel + 1]) | Vector128.Shuffle(c, Masks[3 * channel + 2]);
    }

    /// <summary>
    /// 16 bytes → 16 floats <c>(x − mean) × k</c> at <paramref name="dst"/>. With AVX2 the widening takes
    /// 8 bytes per instruction instead of 4; the arithmetic per lane is the same, so the results are the
    /// same bit for bit (the JIT keeps only the branch the machine takes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(Vector128<byte> v, Vector256<float> mean, Vector256<float> k, float* dst)
    {
        if (Avx2.IsSupported)
        {
            var lo8 = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(v));
            var hi8 = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(v, 8)));
            ((lo8 - mean) * k).Store(dst);
            ((hi8 - mean) * k).Store(dst + 8);
            return;
        }
        Vector128<float> m = mean.GetLower(), f = k.GetLower();
        var (lo, hi) = Vector128.Widen(v);
        var (w0, w1) = Vector128.Widen(lo);
        var (w2, w3) = Vector128.Widen(hi);
        ((Vector128.ConvertToSingle(w0.AsInt32()) - m) * f).Store(dst);
        ((Vector128.ConvertToSingle(w1.AsInt32()) - m) * f).Store(dst + 4);
        ((Vector128.ConvertToSingle(w2.AsInt32()) - m) * f).Store(dst + 8);
        ((Vector128.ConvertToSingle(w3.AsInt32()) - m) * f).Store(dst + 12);
    }

    /// <summary>Planar [3,H,W] to interleaved [H,W,3] with OpenCV's SIMD merge.</summary>
    private static unsafe void Interleave(Span<float> planes, Span<float> destination, int width, int height)
    {
        int n = width * height;
        fixed (float* src = planes)
        fixed (float* dst = destination)
        {
            using var p0 = Mat.FromPixelData(height, width, MatType.CV_32FC1, (IntPtr)src);
            using var p1 = Mat.FromPixelData(height, width, MatType.CV_32FC1, (IntPtr)(src + n));
            using var p2 = Mat.FromPixelData(height, width, MatType.CV_32FC1, (IntPtr)(src + 2 * n));
            using var merged = Mat.FromPixelData(height, width, MatType.CV_32FC3, (IntPtr)dst);
            Cv2.Merge(new[] { p0, p1, p2 }, merged);
        }
    }

    internal static InterpolationFlags ToOpenCv(ResizeInterpolation i) => i switch
    {
        ResizeInterpolation.Nearest => InterpolationFlags.Nearest,
        ResizeInterpolation.Cubic => InterpolationFlags.Cubic,
        ResizeInterpolation.Area => InterpolationFlags.Area,
        _ => InterpolationFlags.Linear,
    };

    private static Vector128<byte>[] BuildMasks()
    {
        var masks = new Vector128<byte>[9];
        for (int channel = 0; channel < 3; channel++)
        {
            for (int part = 0; part < 3; part++)
            {
                var bytes = new byte[16];
                for (int i = 0; i < 16; i++)
                {
                    int source = 3 * i + channel - 16 * part; // byte index of pixel i's channel within this part
                    bytes[i] = source is >= 0 and < 16 ? (byte)source : (byte)0x80;
                }
                masks[3 * channel + part] = Vector128.Create(bytes);
            }
        }
        return masks;
    }
}
