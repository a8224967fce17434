using System.Runtime.InteropServices;
using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// What <see cref="FfmpegFileSource"/> decodes through: the next decoded frame of a file's first video
/// stream as 8-bit yuv420p, with its presentation timestamp on the stream's clock — either in this
/// process (<see cref="LibavDecoder"/>, the system's libavcodec) or through the ffmpeg executable
/// (<see cref="FfmpegDecodeProcess"/>, the same libavcodec behind a pipe). Both give the same frames
/// with the same timestamps; the source keeps the index, seek and gap rules for both.
/// <para>Ownership: the decoder owns what <see cref="Luma"/> points into (lent until the next
/// <see cref="ReadFrame"/>, <see cref="TrySeek"/> or Dispose); <see cref="ToBgr"/> writes into a Mat
/// the caller owns. One thread at a time.</para>
/// </summary>
internal interface IYuvDecoder : IDisposable
{
    /// <summary>Decodes the next frame; its timestamp in the stream's time base (<see cref="long.MinValue"/> when it has none). False at the end.</summary>
    bool ReadFrame(out long pts);

    /// <summary>The luma plane of the frame last read (8-bit; limited range unless <see cref="LumaIsFullRange"/>), lent.</summary>
    Mat Luma { get; }

    /// <summary>True when <see cref="Luma"/> is full range (0..255), as a yuvj420p stream decodes.</summary>
    bool LumaIsFullRange => false;

    /// <summary>Converts the frame last read to BGR (OpenCV's <c>YUV2BGR_I420</c>: BT.601, limited range).</summary>
    void ToBgr(Mat destination);

    /// <summary>
    /// Repositions as ffmpeg's input <c>-ss</c> does (<paramref name="seconds"/> from the container's
    /// start: the key frame at or before it, frames before it dropped). False when this decoder cannot
    /// (a pipe is one run): the caller starts a new one there.
    /// </summary>
    bool TrySeek(double seconds);

    /// <summary>Why the decode ended, when the decoder can tell (ffmpeg's last lines); else null.</summary>
    string? LastWords { get; }

    /// <summary>The child process decoding, when there is one (tests check it is gone after Dispose).</summary>
    int? ProcessId { get; }
}

/// <summary>
/// One frame's worth of contiguous yuv420p (I420: the Y plane, then U, then V) in a pinned array, with
/// two Mat headers over it: the whole frame (for <c>YUV2BGR_I420</c>) and its luma plane. Owned by
/// whoever created it; the Mats are disposed with it.
/// </summary>
internal sealed class I420Frame : IDisposable
{
    public I420Frame(int width, int height)
    {
        Width = width;
        Height = height;
        Bytes = GC.AllocateArray<byte>(checked(width * height * 3 / 2), pinned: true);
        IntPtr data = Marshal.UnsafeAddrOfPinnedArrayElement(Bytes, 0);
        Whole = Mat.FromPixelData(height * 3 / 2, width, MatType.CV_8UC1, data);
        Luma = Mat.FromPixelData(height, width, MatType.CV_8UC1, data);
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Bytes { get; }

    /// <summary>The whole I420 frame as one single-channel Mat of height × 3/2 rows.</summary>
    public Mat Whole { get; }

    public Mat Luma { get; }

    public void ToBgr(Mat destination) => Cv2.CvtColor(Whole, destination, ColorConversionCodes.YUV2BGR_I420);

    public void Dispose()
    {
        Luma.Dispose();
        Whole.Dispose();
    }
}
