using OpenCvSharp;
using VideoDetect.Inference;

namespace VideoDetect.Export;

/// <summary>
/// Draws detections onto a BGR frame in place: a box, and the label with the confidence on a filled
/// background, in a colour that is stable per class id — or, for a tracked detection, per track id,
/// labelled "person #12 0.83"; with a trail, the last n centre points of each track as a polyline.
/// Line width and font scale with the frame size. Labels never cover one another: a label whose place
/// above its box is taken moves below the box, inside it, or stacks (<see cref="LabelLayout"/>), and
/// stays inside the frame.
/// With <c>blur</c> it blurs the inside of every box instead (redaction) and draws nothing else.
/// Drawing lives here, never in <see cref="Detection"/>.
/// <para>Ownership: <see cref="Draw"/> writes into the caller's <see cref="Mat"/> and keeps no
/// reference to it; the renderer holds no native memory. One renderer per thread and per source: the
/// trails are the track centres it was given, in frame order (a held frame, drawn again with the
/// same detections, adds no point).</para>
/// </summary>
public sealed class AnnotationRenderer
{
    private const HersheyFonts Font = HersheyFonts.HersheySimplex;

    private readonly Dictionary<int, Queue<(long Frame, Point Centre)>> _trails = new();
    private long _lastTrailFrame = -1;

    public AnnotationRenderer(int width, int height, bool blur = false, int trail = 0)
    {
        if (trail < 0) throw new ArgumentOutOfRangeException(nameof(trail), "The trail length must not be negative.");
        Trail = trail;
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
    /// <summary>Centre points drawn per track (0: no trail).</summary>
    public int Trail { get; }
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

    /// <summary>The colour of a track: the class colour scheme stepped by track id, so neighbouring tracks differ.</summary>
    public static Scalar ColourOfTrack(int trackId) => ColourOf(trackId * 7 + 3);

    private static Scalar ColourFor(Detection d) => d.TrackId is { } id ? ColourOfTrack(id) : ColourOf(d.ClassId);

    /// <summary>Draws (or blurs) <paramref name="detections"/> into <paramref name="frame"/> (8-bit BGR, owned by the caller).</summary>
    public void Draw(Mat frame, IReadOnlyList<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (Trail > 0 && !Blur) DrawTrails(frame, detections);
        if (detections.Count == 0) return;
        if (frame.Type() != MatType.CV_8UC3) throw new ArgumentException($"Expected an 8-bit BGR frame, got {frame.Type()}.", nameof(frame));
        if (Blur)
        {
            foreach (var d in detections) BlurBox(frame, d);
            return;
        }
        DrawMasks(frame, detections);
        // Boxes first, then every label, so that a neighbour's box never crosses a label.
        var labelled = new List<(Detection D, Rect Box)>(detections.Count);
        foreach (var d in detections)
        {
            if (BoxOf(frame, d) is not { } box) continue;
            Cv2.Rectangle(frame, box, ColourFor(d), Thickness, LineTypes.Link8);
            labelled.Add((d, box));
        }
        var labels = Labels(new Size(frame.Cols, frame.Rows), labelled);
        for (int i = 0; i < labels.Length; i++) DrawLabel(frame, labelled[i].D, labels[i]);
    }

    /// <summary>
    /// Where the labels of <paramref name="detections"/> go in a frame of this renderer's size, in
    /// their order (boxes wholly off the frame have none): <see cref="LabelLayout"/>, so none covers
    /// another. For callers and tests that need the places without drawing.
    /// </summary>
    public Rect[] LabelPlaces(IReadOnlyList<Detection> detections)
    {
        var size = new Size(Width, Height);
        var labelled = new List<(Detection, Rect)>(detections.Count);
        foreach (var d in detections)
        {
            if (BoxOf(size, d) is { } box) labelled.Add((d, box));
        }
        return Labels(size, labelled).Select(l => l.Place).ToArray();
    }

    private (string Text, Size TextSize, Rect Place)[] Labels(Size frame, List<(Detection D, Rect Box)> labelled)
    {
        var texts = new (string Text, Size TextSize, Rect Place)[labelled.Count];
        var boxes = new Rect[labelled.Count];
        var sizes = new Size[labelled.Count];
        int pad = LabelPadding;
        for (int i = 0; i < labelled.Count; i++)
        {
            string text = LabelText(labelled[i].D);
            var size = Cv2.GetTextSize(text, Font, FontScale, TextThickness, out int baseline);
            texts[i] = (text, size, default);
            boxes[i] = labelled[i].Box;
            sizes[i] = new Size(size.Width + 2 * pad, size.Height + baseline + 2 * pad);
        }
        var places = LabelLayout.Place(frame, boxes, sizes);
        for (int i = 0; i < texts.Length; i++) texts[i].Place = places[i];
        return texts;
    }

    private int LabelPadding => Math.Max(2, Thickness);

    private static string LabelText(Detection d) => d.TrackId is { } id
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d.Label} #{id} {d.Confidence:0.00}")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d.Label} {d.Confidence:0.00}");

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

    private void DrawLabel(Mat frame, Detection d, (string Text, Size TextSize, Rect Place) label)
    {
        var colour = ColourFor(d);
        Cv2.Rectangle(frame, label.Place, colour, -1);
        // Dark text on light colours, white on dark ones.
        double luma = 0.114 * colour.Val0 + 0.587 * colour.Val1 + 0.299 * colour.Val2;
        var ink = luma > 140 ? Scalar.Black : Scalar.White;
        int pad = LabelPadding;
        Cv2.PutText(frame, label.Text, new Point(label.Place.X + pad, label.Place.Y + pad + label.TextSize.Height), Font, FontScale, ink, TextThickness, LineTypes.AntiAlias);
    }

    /// <summary>Adds this frame's track centres (once per frame index) and draws each live track's last <see cref="Trail"/> points.</summary>
    private void DrawTrails(Mat frame, IReadOnlyList<Detection> detections)
    {
        long index = detections.Count > 0 ? detections[0].FrameIndex : _lastTrailFrame;
        if (index != _lastTrailFrame)
        {
            _lastTrailFrame = index;
            foreach (var d in detections)
            {
                if (d.TrackId is not { } id) continue;
                if (!_trails.TryGetValue(id, out var points)) _trails[id] = points = new Queue<(long, Point)>(Trail + 1);
                points.Enqueue((d.FrameIndex, new Point((int)Math.Round(d.X + d.Width / 2), (int)Math.Round(d.Y + d.Height / 2))));
                while (points.Count > Trail) points.Dequeue();
            }
            // A track whose newest point is older than the trail is long gone: forget it (memory stays bounded).
            foreach (int id in _trails.Where(kv => index - kv.Value.Last().Frame > Trail).Select(kv => kv.Key).ToList()) _trails.Remove(id);
        }
        foreach (var (id, points) in _trails)
        {
            if (points.Count < 2) continue;
            var line = points.Select(p => p.Centre).ToArray();
            Cv2.Polylines(frame, new[] { line }, false, ColourOfTrack(id), Math.Max(1, Thickness - 1), LineTypes.AntiAlias);
        }
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
    private static Rect? BoxOf(Mat frame, Detection d) => BoxOf(new Size(frame.Cols, frame.Rows), d);

    private static Rect? BoxOf(Size frame, Detection d)
    {
        int x1 = (int)Math.Floor(d.X), y1 = (int)Math.Floor(d.Y);
        int x2 = (int)Math.Ceiling(d.X + d.Width), y2 = (int)Math.Ceiling(d.Y + d.Height);
        x1 = Math.Clamp(x1, 0, frame.Width); x2 = Math.Clamp(x2, 0, frame.Width);
        y1 = Math.Clamp(y1, 0, frame.Height); y2 = Math.Clamp(y2, 0, frame.Height);
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
