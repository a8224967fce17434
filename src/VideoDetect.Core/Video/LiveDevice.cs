using System.Runtime.InteropServices;
using VideoDetect.Errors;

namespace VideoDetect.Video;

/// <summary>What FFmpeg is told to open: a demuxer (<c>-f</c>, null: FFmpeg guesses from the URL) and the input (<c>-i</c>).</summary>
public readonly record struct FfmpegInput(string? Format, string Input);

/// <summary>
/// Local capture devices as live sources, read by FFmpeg on the same forward-only path as a camera's
/// URL (<see cref="LiveStream"/>). A device is named by a URL so that clips, the live-stream registry
/// and the result files key it like any stream: <c>v4l2:///dev/video0</c> (Linux, Video4Linux2),
/// <c>dshow://video=Integrated Camera</c> (Windows, DirectShow), <c>avfoundation://0</c> (macOS).
/// Split-VideoClip -Device builds it from "0", "/dev/video2" or a camera's name (<see cref="UrlOf"/>).
/// Why FFmpeg and not OpenCV's VideoCapture(int): OpenCvSharp's bundled OpenCV could open a Linux
/// camera (its build information says "v4l/v4l2: YES"; its FFmpeg has no avdevice), but that would be a
/// second capture path with its own blocking reads, no stall watchdog, reconnect or clean stop; FFmpeg
/// gives a device the same child process, pipe, watchdog, reconnect and Ctrl+C as a network camera,
/// and it has the device demuxers of every OS (v4l2, dshow, avfoundation).
/// </summary>
public static class LiveDevice
{
    /// <summary>The device schemes and the FFmpeg demuxer each stands for.</summary>
    public static IReadOnlyDictionary<string, string> Schemes { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["v4l2"] = "v4l2",
        ["dshow"] = "dshow",
        ["avfoundation"] = "avfoundation",
    };

    /// <summary>True when <paramref name="url"/> names a capture device (one of <see cref="Schemes"/>).</summary>
    public static bool IsDevice(string? url) => SchemeOf(url) is { } s && Schemes.ContainsKey(s);

    /// <summary>
    /// The URL of the device <paramref name="device"/> names on this OS: a number N is /dev/videoN on
    /// Linux and the Nth device on macOS; a path (/dev/...) is taken as it is on Linux; on Windows the
    /// camera's name (as Device Manager shows it). A URL of a device scheme is returned as it is.
    /// </summary>
    public static string UrlOf(string device) => UrlOf(device, CurrentOs());

    internal static string UrlOf(string device, OSPlatform os)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        device = device.Trim();
        if (IsDevice(device)) return device;
        bool number = device.All(char.IsAsciiDigit);
        if (os == OSPlatform.Windows) return "dshow://" + (device.StartsWith("video=", StringComparison.OrdinalIgnoreCase) ? device : "video=" + device);
        if (os == OSPlatform.OSX) return "avfoundation://" + device;
        return "v4l2://" + (number ? "/dev/video" + device : device);
    }

    /// <summary>What FFmpeg opens for <paramref name="url"/>: a device's demuxer and name, or the URL itself (FFmpeg's protocols).</summary>
    public static FfmpegInput InputOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (SchemeOf(url) is { } s && Schemes.TryGetValue(s, out var format))
            return new FfmpegInput(format, url[(s.Length + 3)..]);
        return new FfmpegInput(null, url);
    }

    /// <summary>
    /// Throws <see cref="CaptureDeviceNotFoundException"/> when <paramref name="url"/> names a Video4Linux2
    /// device whose node does not exist (checked before FFmpeg starts, so a missing camera is one clear
    /// error, not a reconnect budget spent). Other OSes' devices are found by FFmpeg: a wrong name is
    /// LiveSourceUnavailable after the reconnect tries, with FFmpeg's words.
    /// </summary>
    public static void EnsureExists(string url)
    {
        var input = InputOf(url);
        if (input.Format != "v4l2") return;
        if (!File.Exists(input.Input))
            throw new CaptureDeviceNotFoundException(url, input.Input, Available());
    }

    /// <summary>The Video4Linux2 nodes this machine has (/dev/video*), sorted.</summary>
    public static IReadOnlyList<string> Available()
    {
        try
        {
            return Directory.Exists("/dev") ? Directory.GetFiles("/dev", "video*").Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    private static string? SchemeOf(string? url)
    {
        if (string.IsNullOrEmpty(url)) return null;
        int colon = url.IndexOf("://", StringComparison.Ordinal);
        return colon > 0 ? url[..colon] : null;
    }

    private static OSPlatform CurrentOs() =>
        OperatingSystem.IsWindows() ? OSPlatform.Windows : OperatingSystem.IsMacOS() ? OSPlatform.OSX : OSPlatform.Linux;
}

/// <summary>A capture device named by Split-VideoClip -Device (or a device URL) does not exist here: <see cref="ErrorIds.CaptureDeviceNotFound"/>.</summary>
public sealed class CaptureDeviceNotFoundException(string url, string device, IReadOnlyList<string> available)
    : VideoDetectException(ErrorIds.CaptureDeviceNotFound,
        $"There is no capture device '{device}' on this machine ({(available.Count == 0 ? "it has no video capture device at all" : "it has " + string.Join(", ", available))}).")
{
    /// <summary>The device's URL (v4l2:///dev/videoN).</summary>
    public string Url { get; } = url;

    /// <summary>The device nodes this machine has.</summary>
    public IReadOnlyList<string> Available { get; } = available;
}
