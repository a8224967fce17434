using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace VideoDetect.Video;

/// <summary>
/// What <see cref="FfmpegFileSource"/> needs to know of a file before decoding it through ffmpeg, from
/// one ffprobe call (cached per file, length and write time): the first video stream's size, time base
/// and start (its pts, the zero of OpenCV's <c>PosMsec</c> and so of the <see cref="VideoIndex"/>), the
/// container's start (what ffmpeg's <c>-ss</c> counts from), and whether it is rotated.
/// </summary>
internal sealed record FfmpegStreamInfo(int Width, int Height, long TimeBaseNum, long TimeBaseDen, long StartPts, double ContainerStartSeconds, bool Rotated)
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), FfmpegStreamInfo?> Cache = new();

    /// <summary>The stream's start in seconds on the stream's own clock.</summary>
    public double StreamStartSeconds => StartPts * (double)TimeBaseNum / TimeBaseDen;

    /// <summary>Milliseconds from the stream's start of a frame with presentation timestamp <paramref name="pts"/> (NaN when unknown).</summary>
    public double MsOf(long pts) => pts == long.MinValue ? double.NaN : (pts - StartPts) * 1000.0 * TimeBaseNum / TimeBaseDen;

    /// <summary>
    /// True when frames decoded by ffmpeg match OpenCV's frame for frame in size and orientation and
    /// can be converted as I420: an even size (yuv420p's chroma planes), no rotation (OpenCV and
    /// ffmpeg rotate differently), a known stream start.
    /// </summary>
    public bool Decodable => Width > 0 && Height > 0 && Width % 2 == 0 && Height % 2 == 0 && !Rotated && TimeBaseNum > 0 && TimeBaseDen > 0;

    /// <summary>Probes <paramref name="path"/> with <paramref name="ffprobe"/>; null when ffprobe fails or says nothing usable.</summary>
    public static FfmpegStreamInfo? Probe(string ffprobe, string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) return null;
        return Cache.GetOrAdd((file.FullName, file.Length, file.LastWriteTimeUtc), key => Run(ffprobe, key.Path));
    }

    private static FfmpegStreamInfo? Run(string ffprobe, string path)
    {
        string output;
        try
        {
            var psi = new ProcessStartInfo(ffprobe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (string a in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=width,height,time_base,start_pts:stream_tags=rotate:stream_side_data=rotation:format=start_time", "-of", "default=nw=1", path })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEndAsync();
            output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(30_000)) { p.Kill(true); p.WaitForExit(); return null; }
            err.Wait();
            if (p.ExitCode != 0) return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
        return Parse(output);
    }

    /// <summary>Reads ffprobe's <c>key=value</c> lines (<c>-of default=nw=1</c>).</summary>
    internal static FfmpegStreamInfo? Parse(string output)
    {
        int width = 0, height = 0;
        long num = 0, den = 0;
        long? startPts = null;
        double containerStart = 0;
        bool rotated = false;
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            string key = line[..eq], value = line[(eq + 1)..];
            var inv = CultureInfo.InvariantCulture;
            switch (key)
            {
                case "width": int.TryParse(value, NumberStyles.Integer, inv, out width); break;
                case "height": int.TryParse(value, NumberStyles.Integer, inv, out height); break;
                case "start_pts": if (long.TryParse(value, NumberStyles.Integer, inv, out long s)) startPts = s; break;
                case "start_time": double.TryParse(value, NumberStyles.Float, inv, out containerStart); break;
                case "time_base":
                    string[] parts = value.Split('/');
                    if (parts.Length == 2) { long.TryParse(parts[0], NumberStyles.Integer, inv, out num); long.TryParse(parts[1], NumberStyles.Integer, inv, out den); }
                    break;
                case "rotation" or "TAG:rotate":
                    if (double.TryParse(value, NumberStyles.Float, inv, out double r) && r % 360 != 0) rotated = true;
                    break;
            }
        }
        if (startPts is null || width <= 0 || height <= 0 || num <= 0 || den <= 0) return null;
        return new FfmpegStreamInfo(width, height, num, den, startPts.Value, containerStart, rotated);
    }
}
