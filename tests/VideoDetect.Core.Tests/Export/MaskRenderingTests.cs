using OpenCvSharp;
using VideoDetect.Export;
using VideoDetect.Inference;
using Xunit;

namespace VideoDetect.Tests.Export;

/// <summary>Masks (Detection.Mask polygons) are filled translucent in the class colour, and only inside the polygon.</summary>
public class MaskRenderingTests
{
    [Fact]
    public void A_mask_is_filled_translucent_inside_its_polygon_only()
    {
        using var frame = new Mat(240, 320, MatType.CV_8UC3, Scalar.Black);
        var d = new Detection
        {
            Label = "person", ClassId = 0, Confidence = 0.9f, X = 100, Y = 60, Width = 100, Height = 100,
            Mask = MaskPolygon.Encode(new[] { new[] { (100.0, 60.0), (150.0, 60.0), (150.0, 160.0), (100.0, 160.0) } }),
        };
        new AnnotationRenderer(frame.Cols, frame.Rows).Draw(frame, new[] { d });
        var colour = AnnotationRenderer.ColourOf(0);
        var inside = frame.At<Vec3b>(110, 125); // 40 % of the class colour over black (±1 for rounding)
        Assert.InRange(inside.Item0, colour.Val0 * AnnotationRenderer.MaskOpacity - 1, colour.Val0 * AnnotationRenderer.MaskOpacity + 1);
        Assert.InRange(inside.Item1, colour.Val1 * AnnotationRenderer.MaskOpacity - 1, colour.Val1 * AnnotationRenderer.MaskOpacity + 1);
        Assert.InRange(inside.Item2, colour.Val2 * AnnotationRenderer.MaskOpacity - 1, colour.Val2 * AnnotationRenderer.MaskOpacity + 1);
        Assert.Equal(new Vec3b(0, 0, 0), frame.At<Vec3b>(110, 175)); // inside the box, outside the mask
        Assert.Equal(new Vec3b(0, 0, 0), frame.At<Vec3b>(200, 20));
    }
}
