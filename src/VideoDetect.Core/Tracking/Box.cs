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
}
