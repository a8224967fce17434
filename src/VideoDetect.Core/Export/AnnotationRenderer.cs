using OpenCvSharp;
using VideoDetect.Inference;

namespace VideoDetect.Export;

/// <summary>
/// Draws detections onto a BGR frame in place: a box, and the label with the confidence on a filled
/// background, in a colour that is stable per class id; line width and font scale with the frame size.
/// With <c>blur</c> it blurs the inside of every box instead (redaction) and draws nothing else.
/// Drawing lives here, never in <see cref="Detection"/>.
/// <para>Ownership: <see cref="Draw"/> writes into the caller's <see cref="Mat"/> and keeps no
/// reference to it; the renderer holds no native memory. One renderer per thread.</para>
/// </summary>
public sealed class AnnotationRenderer
{
    private const HersheyFonts Font = HersheyFonts.HersheySimplex;

    public AnnotationRenderer(int width, int height, bool blur = false)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Frame size {width}x{height} must be positive.");
        Width = width;
        Height = height;
        Blur = blur;
        int shorter = Math.Min(width, height);
        // 576 lines: 2 px boxes, a 0.58 font (about 13 px capitals); 1080 lines: 4 px, 1.08.
        Thickness = Math.Max(1, (int)Math.Round(shorter / 300.0));
        FontScale = Math.Max(0.35, shorter / 1000.0);
        TextThickness = Math.Max(1, Thickness / 2);
    }

    public int Width { get; }
    public int Height { get; }
    public bool Blur { get; }
    /// <summary>Box line width in pixels.</summary>
    public int Thickness { get; }
    /// <summary>OpenCV font scale of the labels.</summary>
    public double FontScale { get; }
    public int TextThickness { get; }

    /// <summary>The colour (BGR) of a class: its hue steps by the golden ratio, so neighbouring ids differ.</summary>
    public static Scalar ColourOf(int classId)
    {
        double hue = (Math.Abs((long)classId) * 0.6180339887498949 + 0.08) % 1.0;
        var (r, g, b) = HsvToRgb(hue, 0.85, 0.95);
        return new Scalar(b, g, r);
    }

    /// <summary>Draws (or blurs) <paramref name="detections"/> into <paramref name="frame"/> (8-bit BGR, owned by the caller).</summary>
    public void Draw(Mat frame, IReadOnlyList<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (detections.Count == 0) return;
        if (frame.Type() != MatType.CV_8UC3) throw new ArgumentException($"Expected an 8-bit BGR frame, got {frame.Type()}.", nameof(frame));
        if (Blur)
        {
            foreach (var d in detections) BlurBox(frame, d);
            return;
        }
        DrawMasks(frame, detections);
        // Boxes first, then every label, so that a neighbour's box never crosses a label.
        foreach (var d in detections)
        {
            if (BoxOf(frame, d) is { } box) Cv2.Rectangle(frame, box, ColourOf(d.ClassId), Thickness, LineTypes.Link8);
        }
        foreach (var d in detections)
        {
            if (BoxOf(frame, d) is { } box) DrawLabel(frame, d, box);
        }
    }

    /// <summary>Opacity of a mask's fill over the frame.</summary>
    public const double MaskOpacity = 0.4;

    /// <summary>
    /// Fills each detection's <see cref="Detection.Mask"/> polygons in its class colour at
    /// <see cref="MaskOpacity"/>, under the boxes and labels; frames without masks are left alone.
    /// </summary>
    private static void DrawMasks(Mat frame, IReadOnlyList<Detection> detections)
    {
        if (!detections.Any(d => d.Mask is not null)) return;
        using var overlay = frame.Clone();
        foreach (var d in detections)
        {
            var polygons = MaskPolygon.Decode(d.Mask).Select(p => p.Select(q => new Point((int)Math.Round(q.X), (int)Math.Round(q.Y)))).ToArray();
            if (polygons.Length > 0) Cv2.FillPoly(overlay, polygons, ColourOf(d.ClassId), LineTypes.Link8);
        }
        Cv2.AddWeighted(overlay, MaskOpacity, frame, 1 - MaskOpacity, 0, frame);
    }

    private void DrawLabel(Mat frame, Detection d, Rect box)
    {
        string text = $"{d.Label} {d.Confidence:0.00}";
        var size = Cv2.GetTextSize(text, Font, FontScale, TextThickness, out int baseline);
        int pad = Math.Max(2, Thickness);
        int w = size.Width + 2 * pad, h = size.Height + baseline + 2 * pad;
        // Above the box when there is room, else just inside its top edge; never off the frame.
        int x = Math.Clamp(box.X, 0, Math.Max(0, frame.Cols - w));
        int y = box.Y - h >= 0 ? box.Y - h : Math.Min(box.Y, Math.Max(0, frame.Rows - h));
        var colour = ColourOf(d.ClassId);
        Cv2.Rectangle(frame, new Rect(x, y, Math.Min(w, frame.Cols - x), Math.Min(h, frame.Rows - y)), colour, -1);
        // Dark text on light colours, white on dark ones.
        double luma = 0.114 * colour.Val0 + 0.587 * colour.Val1 + 0.299 * colour.Val2;
        var ink = luma > 140 ? Scalar.Black : Scalar.White;
        Cv2.PutText(frame, text, new Point(x + pad, y + pad + size.Height), Font, FontScale, ink, TextThickness, LineTypes.AntiAlias);
    }

    private static void BlurBox(Mat frame, Detection d)
    {
        if (BoxOf(frame, d) is not { } box) return;
        // A kernel half the box's size leaves nothing recognisable inside it; odd, as OpenCV wants.
        int k = Math.Max(3, Math.Max(box.Width, box.Height) / 2) | 1;
        using var roi = new Mat(frame, box);
        Cv2.GaussianBlur(roi, roi, new Size(k, k), 0, 0, BorderTypes.Reflect101);
    }

    /// <summary>The detection's box in whole pixels, clipped to the frame; null when nothing of it is inside.</summary>
    private static Rect? BoxOf(Mat frame, Detection d)
    {
        int x1 = (int)Math.Floor(d.X), y1 = (int)Math.Floor(d.Y);
        int x2 = (int)Math.Ceiling(d.X + d.Width), y2 = (int)Math.Ceiling(d.Y + d.Height);
        x1 = Math.Clamp(x1, 0, frame.Cols); x2 = Math.Clamp(x2, 0, frame.Cols);
        y1 = Math.Clamp(y1, 0, frame.Rows); y2 = Math.Clamp(y2, 0, frame.Rows);
        return x2 - x1 >= 1 && y2 - y1 >= 1 ? new Rect(x1, y1, x2 - x1, y2 - y1) : null;
    }

    private static (double R, double G, double B) HsvToRgb(double h, double s, double v)
    {
        double c = v * s, hp = h * 6, x = c * (1 - Math.Abs(hp % 2 - 1)), m = v - c;
        var (r, g, b) = (int)hp switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return ((r + m) * 255, (g + m) * 255, (b + m) * 255);
    }
}
