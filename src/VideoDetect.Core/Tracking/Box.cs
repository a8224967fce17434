using VideoDetect.Inference;

namespace VideoDetect.Tracking;

/// <summary>An axis-aligned box in source pixels: left, top, width, height.</summary>
public readonly record struct Box(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;
    public double Bottom => Y + Height;

    /// <summary>The box of a detection.</summary>
    public static Box Of(Detection d) => new(d.X, d.Y, d.Width, d.Height);

    /// <summary>The area two boxes share; 0 when they do not overlap.</summary>
    public static double Intersection(in Box a, in Box b)
    {
        double w = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X), h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        return w > 0 && h > 0 ? w * h : 0;
    }

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public static double Iou(in Box a, in Box b)
    {
        double inter = Intersection(a, b);
        if (inter == 0) return 0;
        double union = a.Width * a.Height + b.Width * b.Height - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>
    /// Buffered IoU (Yang et al., "Hard to Track Objects with Irregular Motions and Similar
    /// Appearances? Make It Easier by Buffering the Matching Space", WACV 2023 — C-BIoU): the IoU of
    /// both boxes enlarged by <paramref name="buffer"/> times their own width and height on every side.
    /// The enlargement scales with the box, so a small box that moves a few of its own widths per
    /// frame still overlaps its next detection, while a large box gains no more reach than its size.
    /// </summary>
    public static double BufferedIou(in Box a, in Box b, double buffer) => Iou(a.Grown(buffer), b.Grown(buffer));

    /// <summary>The box enlarged by <paramref name="buffer"/> times its width and height on every side, about the same centre.</summary>
    public Box Grown(double buffer) => new(X - buffer * Width, Y - buffer * Height, Width * (1 + 2 * buffer), Height * (1 + 2 * buffer));
}
