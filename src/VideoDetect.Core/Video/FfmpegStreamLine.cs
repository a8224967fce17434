using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoDetect.Video;

/// <summary>
/// Reads what FFmpeg says about its input's video stream on stderr, e.g.
/// <c>Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(progressive), 160x120, 10 fps, 10 tbr, 90k tbn</c>:
/// the nominal frame rate a live stream declares (RTSP's SDP a=framerate, the H.264 timing info, MPEG-TS).
/// FFmpeg prints the rate rounded ("29.97 fps", "23.98 fps", "1k fps"); the NTSC rates are recovered as
/// N×1000/1001. Pure: no process.
/// </summary>
public static partial class FfmpegStreamLine
{
    [GeneratedRegex(@"^\s*Stream #\d+:\d+.*?: Video: .*?, (?<v>\d+(?:\.\d+)?)(?<k>k?) (?<u>fps|tbr)\b")]
    private static partial Regex RateRegex();

    /// <summary>The nominal rate of the video stream <paramref name="line"/> describes ("fps", else "tbr"), or null (not a video stream line, or no rate).</summary>
    public static Rational? NominalRate(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var m = RateRegex().Match(line);
        if (!m.Success) return null;
        double v = double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture) * (m.Groups["k"].Length > 0 ? 1000 : 1);
        return v > 0 ? Snap(v) : null;
    }

    /// <summary>A printed rate as a rational: whole numbers as they are; N×1000/1001 where that is what FFmpeg rounded (29.97, 23.98, 59.94); else the nearest fraction of a small denominator.</summary>
    internal static Rational Snap(double value)
    {
        if (Math.Abs(value - Math.Round(value)) < 1e-9) return new Rational((long)Math.Round(value), 1);
        double n = Math.Round(value * 1.001);
        if (n > 0 && Math.Abs(n * 1000 / 1001 - value) < 0.006) return new Rational((long)n * 1000, 1001);
        return Rational.FromDouble(value, 1000);
    }
}
