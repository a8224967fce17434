using VideoDetect.Errors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using VideoDetect.Batching;
using Xunit;

namespace VideoDetect.Tests.Batching;

public class FramePreprocessorTests
{
    private static Mat RandomImage(int width, int height, int seed)
    {
        var bytes = new byte[width * height * 3];
        new Random(seed).NextBytes(bytes);
        var m = new Mat(height, width, MatType.CV_8UC3);
        for (int y = 0; y < height; y++)
            System.Runtime.InteropServices.Marshal.Copy(bytes, y * width * 3, m.Ptr(y), width * 3);
        return m;
    }

    private static float[] Blob(Mat image, PreprocessOptions o)
    {
        // OpenCV's reference: resize (linear) to the target size, (x - mean) * scale, optional R/B swap, NCHW.
        using var blob = CvDnn.BlobFromImages(new[] { image }, o.Scale, new Size(o.Width, o.Height),
            new Scalar(o.Mean[0], o.Mean[1], o.Mean[2]), swapRB: o.ChannelOrder == ChannelOrder.RGB, crop: false);
        var data = new float[o.FrameLength];
        System.Runtime.InteropServices.Marshal.Copy(blob.Data, data, 0, data.Length);
        return data;
    }

    private static float[] Ours(Mat image, PreprocessOptions o)
    {
        var data = new float[o.FrameLength];
        new FramePreprocessor(o).Process(image, data);
        return data;
    }

    public static TheoryData<int, int, int, int, ChannelOrder, float, float> BlobCases => new()
    {
        { 768, 576, 416, 416, ChannelOrder.RGB, 0f, 1f / 255 },
        { 768, 576, 416, 416, ChannelOrder.BGR, 0f, 1f },
        { 640, 480, 320, 240, ChannelOrder.RGB, 127f, 1f / 128 },
        { 333, 211, 352, 352, ChannelOrder.BGR, 103.53f, 0.017f },
        { 100, 100, 17, 13, ChannelOrder.RGB, 10f, 0.5f },   // widths not a multiple of 16
        { 20, 10, 9, 7, ChannelOrder.BGR, 0f, 1f },          // narrower than one SIMD step
    };

    [Theory]
    [MemberData(nameof(BlobCases))]
    public void Stretch_equals_BlobFromImages(int sw, int sh, int tw, int th, ChannelOrder order, float mean, float scale)
    {
        using var image = RandomImage(sw, sh, 1);
        var o = new PreprocessOptions
        {
            Width = tw, Height = th, Resize = ResizeMode.Stretch, ChannelOrder = order,
            Mean = new[] { mean, mean + 5, mean - 3 }, Scale = scale,
        };
        var expected = Blob(image, o);
        var actual = Ours(image, o);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])), $"value {i}: {actual[i]} != {expected[i]}");
    }

    [SharedFact]
    public void A_real_frame_equals_BlobFromImages()
    {
        using var cap = new VideoCapture(Fixtures.Video("vtest.avi"));
        using var frame = new Mat();
        Assert.True(cap.Read(frame));
        var o = new PreprocessOptions { Width = 416, Height = 416, Resize = ResizeMode.Stretch, Mean = new[] { 103.53f, 116.28f, 123.675f }, Scale = 1 / 57.4f };
        var expected = Blob(frame, o);
        var actual = Ours(frame, o);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"value {i}");
    }

    [Fact]
    public void Std_divides_per_channel()
    {
        using var image = new Mat(4, 4, MatType.CV_8UC3, new Scalar(10, 20, 30)); // B, G, R
        var o = new PreprocessOptions { Width = 4, Height = 4, Resize = ResizeMode.Stretch, ChannelOrder = ChannelOrder.RGB, Mean = new[] { 1f, 2f, 3f }, Std = new[] { 2f, 4f, 8f }, Scale = 1 };
        var t = Ours(image, o);
        Assert.Equal((30 - 1) / 2f, t[0]);      // R plane
        Assert.Equal((20 - 2) / 4f, t[16]);     // G plane
        Assert.Equal((10 - 3) / 8f, t[32]);     // B plane
    }

    [Fact]
    public void Nhwc_is_the_interleaved_form_of_nchw()
    {
        using var image = RandomImage(97, 61, 3);
        var nchw = new PreprocessOptions { Width = 64, Height = 48, Mean = new[] { 1f, 2f, 3f } };
        var a = Ours(image, nchw);
        var b = Ours(image, nchw with { Layout = TensorLayout.NHWC });
        int n = 64 * 48;
        for (int p = 0; p < n; p++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(a[c * n + p], b[p * 3 + c]);
    }

    [Theory]
    [InlineData(ResizeMode.Letterbox, 0, 52)]
    [InlineData(ResizeMode.LetterboxTopLeft, 0, 0)]
    public void Letterbox_places_the_image_and_pads_with_the_pad_value(ResizeMode mode, int padX, int padY)
    {
        using var image = new Mat(576, 768, MatType.CV_8UC3, new Scalar(200, 200, 200));
        var o = new PreprocessOptions { Width = 416, Height = 416, Resize = mode, PadValue = 114, Scale = 1 };
        var t = Ours(image, o);
        var transform = FrameTransform.For(768, 576, o, out int rw, out int rh);
        Assert.Equal((416, 312), (rw, rh));
        Assert.Equal((padX, padY), ((int)transform.PadX, (int)transform.PadY));
        int plane = 416 * 416;
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 416; y++)
            {
                bool inside = y >= padY && y < padY + rh;
                Assert.Equal(inside ? 200f : 114f, t[c * plane + y * 416 + 208]);
            }
        }
    }

    [Fact]
    public void Letterbox_transform_round_trips_a_known_box()
    {
        // A white box at known source pixels; find it in the tensor; map it back.
        using var image = new Mat(576, 768, MatType.CV_8UC3, Scalar.Black);
        var box = new Rect(300, 100, 200, 150);
        image.Rectangle(box, Scalar.White, -1);
        var o = new PreprocessOptions { Width = 416, Height = 416, Resize = ResizeMode.Letterbox, PadValue = 0, Scale = 1, Interpolation = ResizeInterpolation.Nearest };
        var t = new float[o.FrameLength];
        var transform = new FramePreprocessor(o).Process(image, t);
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = 0; y < 416; y++)
            for (int x = 0; x < 416; x++)
                if (t[y * 416 + x] > 128) { minX = Math.Min(minX, x); maxX = Math.Max(maxX, x); minY = Math.Min(minY, y); maxY = Math.Max(maxY, y); }
        var (x1, y1) = transform.ToSource(minX, minY);
        var (x2, y2) = transform.ToSource(maxX + 1, maxY + 1); // PointD deconstructs
        Assert.InRange(x1, box.Left - 2, box.Left + 2);
        Assert.InRange(y1, box.Top - 2, box.Top + 2);
        Assert.InRange(x2, box.Right - 2, box.Right + 2);
        Assert.InRange(y2, box.Bottom - 2, box.Bottom + 2);
        var (mx, my) = transform.ToModel(box.Left, box.Top);
        Assert.Equal(box.Left, transform.ToSource(mx, my).X, 9);
        Assert.Equal(box.Top, transform.ToSource(mx, my).Y, 9);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<InvalidPreprocessingException>(() => new FramePreprocessor(new PreprocessOptions { Width = 0 }));
        Assert.Throws<InvalidPreprocessingException>(() => new FramePreprocessor(new PreprocessOptions { Std = new[] { 1f, 0f, 1f } }));
        Assert.Throws<InvalidPreprocessingException>(() => new FramePreprocessor(new PreprocessOptions { Mean = new[] { 1f } }));
        Assert.Throws<InvalidPreprocessingException>(() => new FramePreprocessor(new PreprocessOptions { Scale = 0 }));
    }
}
