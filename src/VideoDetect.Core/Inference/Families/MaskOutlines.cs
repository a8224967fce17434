using OpenCvSharp;

namespace VideoDetect.Inference.Families;

/// <summary>
/// Turns a model's mask (a grid of probabilities) into an outline in model-input pixels, the form a
/// <see cref="RawDetection"/> carries: the mask is resized to where it lies in the input, cut at 0.5
/// (Detectron2's and torchvision's threshold) and traced with OpenCV's outer contours. Vertices are the
/// centres of the outline's pixels. No pixel array travels on: only the polygon points.
/// </summary>
internal static class MaskOutlines
{
    public const float Threshold = 0.5f;

    /// <summary>
    /// An ROI mask (Detectron2's Mask R-CNN: <paramref name="size"/> × <paramref name="size"/> over the
    /// box) pasted into the box (x1, y1)–(x2, y2): resized bilinearly to the box's size in whole pixels.
    /// </summary>
    public static float[]? InBox(ReadOnlySpan<float> mask, int size, float x1, float y1, float x2, float y2)
    {
        int w = Math.Max(1, (int)MathF.Round(x2 - x1)), h = Math.Max(1, (int)MathF.Round(y2 - y1));
        using var grid = Mat.FromPixelData(size, size, MatType.CV_32FC1, mask.ToArray());
        using var pasted = new Mat();
        Cv2.Resize(grid, pasted, new Size(w, h), 0, 0, InterpolationFlags.Linear);
        return Trace(pasted, x1, y1, (x2 - x1) / w, (y2 - y1) / h);
    }

    /// <summary>A mask over the whole input (torchvision's Mask R-CNN: <paramref name="width"/> × <paramref name="height"/>, input pixels).</summary>
    public static float[]? WholeInput(ReadOnlySpan<float> mask, int width, int height)
    {
        using var grid = Mat.FromPixelData(height, width, MatType.CV_32FC1, mask.ToArray());
        return Trace(grid, 0, 0, 1, 1);
    }

    /// <summary>Outer contours of grid ≥ threshold, each vertex (x0 + (px + 0.5) × sx, y0 + (py + 0.5) × sy); polygons split by NaN pairs.</summary>
    private static float[]? Trace(Mat grid, float x0, float y0, float sx, float sy)
    {
        using var binary = new Mat();
        Cv2.Threshold(grid, binary, Threshold - 1e-6, 255, ThresholdTypes.Binary);
        using var bytes = new Mat();
        binary.ConvertTo(bytes, MatType.CV_8UC1);
        Cv2.FindContours(bytes, out Point[][] contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple);
        if (contours.Length == 0) return null;
        var points = new List<float>();
        foreach (var contour in contours)
        {
            if (points.Count > 0) { points.Add(float.NaN); points.Add(float.NaN); }
            foreach (var p in contour)
            {
                points.Add(x0 + (p.X + 0.5f) * sx);
                points.Add(y0 + (p.Y + 0.5f) * sy);
            }
        }
        return points.ToArray();
    }
}
