using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>Process-wide OpenCV settings, applied once before the first capture is opened.</summary>
internal static class OpenCvRuntime
{
    private static int _initialized;

    /// <summary>
    /// Lowers OpenCV's log level to errors: without this, OpenCV writes a warning to stderr for every
    /// file it cannot open and for every raw (unconverted) frame, which would land in the user's console
    /// past PowerShell's streams. Our own errors say what went wrong instead.
    /// </summary>
    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1) return;
        Cv2.SetLogLevel(OpenCvSharp.LogLevel.ERROR);
    }

    /// <summary>Opens <paramref name="path"/> with the FFmpeg backend; the caller owns (disposes) the capture.</summary>
    public static VideoCapture OpenCapture(string path)
    {
        EnsureInitialized();
        return new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
    }

    public static string FourCCToString(int fourcc)
    {
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            int b = (fourcc >> (8 * i)) & 0xFF;
            c[i] = b is >= 32 and < 127 ? (char)b : ' ';
        }
        return new string(c).Trim();
    }
}
