namespace VideoDetect.Inference;

/// <summary>
/// The built-in appearance descriptor (<see cref="AppearanceKind.ColourHistogram"/>): a colour
/// histogram of the inner part of a box, upper and lower half apart (for a person: clothes of the
/// torso and of the legs), 64 bins.
/// <para>
/// Inner region: the box without <see cref="SideMargin"/> of its width on each side and
/// <see cref="EndMargin"/> of its height at top and bottom, which drops most of the background a
/// person's box holds. Each half has 32 bins: pixels with a colour (saturation ≥ 0.25 and value ≥
/// 0.2, HSV) go into 8 hue × 3 saturation bins; grey, black and white pixels, whose hue means
/// nothing, go into 8 brightness bins — so a black coat and a white one differ, which a hue/saturation
/// histogram alone cannot tell. A pixel's weight is shared between the two nearest hue (circularly) or
/// brightness bins, so a slight change of light moves weight smoothly instead of across a bin edge.
/// Each half is normalised to sum 1 (the halves weigh the same whatever the box's shape), then the 64
/// values are L2-normalised and quantised (<see cref="AppearanceDescriptor"/>).
/// </para>
/// <para>
/// Cost: at most about <see cref="MaxSamples"/> pixels are read per box (a regular grid over larger
/// boxes), straight from the batch's float tensor with no copy and no OpenCV call; direct loops
/// measured faster than converting the crop to an HSV Mat for Cv2.CalcHist (AppearanceTests).
/// </para>
/// </summary>
public static class AppearanceHistogram
{
    /// <summary>Part of the box's width left out on each side.</summary>
    public const double SideMargin = 0.15;

    /// <summary>Part of the box's height left out at the top and at the bottom.</summary>
    public const double EndMargin = 0.10;

    /// <summary>The most pixels read per box (about; a grid step keeps to it).</summary>
    public const int MaxSamples = 2048;

    /// <summary>Bins per half: 8 brightness + 8 hue × 3 saturation.</summary>
    public const int BinsPerHalf = 32;

    /// <summary>Pixels under this saturation or <see cref="MinValue"/> are grey (binned by brightness).</summary>
    public const float MinSaturation = 0.25f;

    public const float MinValue = 0.2f;

    /// <summary>The descriptor of the box (source pixels) in frame <paramref name="index"/> of <paramref name="batch"/>; null when its inner region covers too few pixels (under 2 × 4).</summary>
    public static string? Describe(Batching.FrameBatch batch, int index, double x, double y, double width, double height)
    {
        var crop = new AppearanceCrop(batch, index, x + SideMargin * width, y + EndMargin * height, (1 - 2 * SideMargin) * width, (1 - 2 * EndMargin) * height);
        if (crop.Width < 2 || crop.Height < 4) return null;
        Span<float> bins = stackalloc float[2 * BinsPerHalf];
        bins.Clear();
        int step = Math.Max(1, (int)Math.Sqrt((double)crop.Width * crop.Height / MaxSamples));
        int middle = crop.Top + crop.Height / 2;
        for (int py = crop.Top; py < crop.Bottom; py += step)
        {
            var half = bins.Slice(py < middle ? 0 : BinsPerHalf, BinsPerHalf);
            for (int px = crop.Left; px < crop.Right; px += step)
            {
                var (r, g, b) = crop.Pixel(px, py);
                Add(half, r, g, b);
            }
        }
        Normalise(bins[..BinsPerHalf]);
        Normalise(bins[BinsPerHalf..]);
        return AppearanceDescriptor.Encode(AppearanceKind.ColourHistogram, bins);
    }

    /// <summary>Adds one pixel (0..255 each) to a half's 32 bins.</summary>
    internal static void Add(Span<float> half, float r, float g, float b)
    {
        float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        float value = max / 255f;
        float saturation = max > 0 ? (max - min) / max : 0;
        if (saturation < MinSaturation || value < MinValue)
        {
            // Grey: 8 brightness bins (centres at (i + 0.5) / 8), weight shared with the neighbour.
            float pos = Math.Clamp(value * 8 - 0.5f, 0f, 7f);
            int lo = (int)pos;
            int hi = Math.Min(lo + 1, 7);
            float w = pos - lo;
            half[lo] += 1 - w;
            half[hi] += w;
            return;
        }
        // Hue in sextants 0..6 (red 0, yellow 1, green 2, cyan 3, blue 4, magenta 5).
        float delta = max - min;
        float hue = max == r ? (g - b) / delta : max == g ? 2 + (b - r) / delta : 4 + (r - g) / delta;
        if (hue < 0) hue += 6;
        int sat = Math.Min(2, (int)((saturation - MinSaturation) / (1 - MinSaturation) * 3));
        var ring = half.Slice(8 + 8 * sat, 8);
        float hp = hue / 6 * 8 - 0.5f; // bin centres at (i + 0.5) / 8 of the circle
        if (hp < 0) hp += 8;
        int h0 = (int)hp % 8;
        int h1 = (h0 + 1) % 8;
        float hw = hp - (int)hp;
        ring[h0] += 1 - hw;
        ring[h1] += hw;
    }

    private static void Normalise(Span<float> half)
    {
        float sum = 0;
        foreach (float v in half) sum += v;
        if (sum <= 0) return;
        for (int i = 0; i < half.Length; i++) half[i] /= sum;
    }
}
