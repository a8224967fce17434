namespace VideoDetect.Tracking;

/// <summary>An axis-aligned box in source pixels: left, top, width, height.</summary>
public readonly record struct Box(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;
    public double Bottom => Y + Height;

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public static double Iou(in Box a, in Box b)
    {
        double w = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X);
        double h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h, union = a.Width * a.Height + b.Width * b.Height - inter;
        return union > 0 ? inter / union : 0;
    }
}
