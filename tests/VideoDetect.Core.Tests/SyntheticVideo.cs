using OpenCvSharp;

namespace VideoDetect.Tests;

/// <summary>
/// Writes test videos whose every frame carries its own index in the pixels: 12 bits as a row of
/// black/white 20×20 blocks, over a moving gradient so that consecutive frames differ everywhere.
/// </summary>
public static class SyntheticVideo
{
    public const int Width = 320, Height = 240, Bits = 12, Block = 20;

    public static void Write(string path, int frames, string fourcc = "mp4v", double fps = 25)
    {
        using var writer = new VideoWriter(path, VideoWriter.FourCC(fourcc), fps, new Size(Width, Height));
        if (!writer.IsOpened()) throw new InvalidOperationException($"Cannot write {path} with {fourcc}.");
        using var frame = new Mat(Height, Width, MatType.CV_8UC3);
        for (int i = 0; i < frames; i++)
        {
            Draw(frame, i);
            writer.Write(frame);
        }
    }

    public static void Draw(Mat frame, int index)
    {
        var pixels = new byte[Height * Width * 3];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                int o = (y * Width + x) * 3;
                pixels[o] = (byte)((x + 3 * index) & 0xFF);
                pixels[o + 1] = (byte)((y + index) & 0xFF);
                pixels[o + 2] = (byte)((x + y) & 0x7F);
            }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, frame.Data, pixels.Length);
        for (int b = 0; b < Bits; b++)
        {
            var colour = ((index >> b) & 1) == 1 ? Scalar.White : Scalar.Black;
            frame.Rectangle(new Rect(b * (Block + 4) + 8, 8, Block, Block), colour, -1);
        }
    }

    /// <summary>The frame number painted into frame <paramref name="i"/> of a batch made with no resize and no normalisation (planes in BGR order).</summary>
    public static int PaintedIndex(VideoDetect.Batching.FrameBatch batch, int i)
    {
        var data = batch.FrameTensor(i).ToArray();
        using var bgr = new Mat(Height, Width, MatType.CV_8UC3);
        int n = Width * Height;
        var bytes = new byte[3 * n];
        for (int p = 0; p < n; p++)
            for (int c = 0; c < 3; c++) bytes[3 * p + c] = (byte)Math.Clamp(Math.Round(data[c * n + p]), 0, 255);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bgr.Data, bytes.Length);
        return ReadIndex(bgr);
    }

    /// <summary>Reads the index back from a decoded BGR frame.</summary>
    public static int ReadIndex(Mat frame)
    {
        int value = 0;
        for (int b = 0; b < Bits; b++)
        {
            var px = frame.At<Vec3b>(8 + Block / 2, b * (Block + 4) + 8 + Block / 2);
            if ((px.Item0 + px.Item1 + px.Item2) / 3 > 128) value |= 1 << b;
        }
        return value;
    }
}
