using System.Runtime.InteropServices;
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
    /// <para>FFmpeg's own messages ("Error at MB", "moov atom not found") go to the process's stderr,
    /// past PowerShell's streams and `*>$null`; OpenCV sets FFmpeg's log level from
    /// OPENCV_FFMPEG_LOGLEVEL when it first loads FFmpeg, so that variable is set to quiet (-8) in the
    /// native environment first — unless the user has set it.</para>
    /// </summary>
    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1) return;
        if (Environment.GetEnvironmentVariable(FfmpegLogLevelVariable) is null) SetNativeEnvironment(FfmpegLogLevelVariable, "-8");
        Cv2.SetLogLevel(OpenCvSharp.LogLevel.ERROR);
    }

    private const string FfmpegLogLevelVariable = "OPENCV_FFMPEG_LOGLEVEL";

    /// <summary>.NET's Environment.SetEnvironmentVariable does not reach native getenv() on Unix, nor the C runtime's copy on Windows.</summary>
    private static void SetNativeEnvironment(string name, string value)
    {
        try
        {
            if (OperatingSystem.IsWindows()) _ = WindowsPutEnv(name, value);
            else _ = UnixSetEnv(name, value, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Only cosmetic: FFmpeg stays as chatty as OpenCV leaves it.
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int UnixSetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("ucrtbase", EntryPoint = "_wputenv_s", CharSet = CharSet.Unicode)]
    private static extern int WindowsPutEnv(string name, string value);

    /// <summary>Opens <paramref name="path"/> with the FFmpeg backend; the caller owns (disposes) the capture.</summary>
    public static VideoCapture OpenCapture(string path)
    {
        EnsureInitialized();
        return new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
    }

    // OpenCV's grab returns false for a packet the decoder rejects (a corrupt frame) although the
    // frames after it decode: a false grab is retried this many times before it means the end.
    private const int CorruptPacketsTolerated = 8;

    /// <summary>Grabs the next frame, past up to a few corrupt packets; false at the end of the video.</summary>
    public static bool GrabPastCorruptPackets(VideoCapture capture)
    {
        for (int attempt = 0; attempt <= CorruptPacketsTolerated; attempt++)
        {
            if (capture.Grab()) return true;
        }
        return false;
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
