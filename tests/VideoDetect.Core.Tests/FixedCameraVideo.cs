using System.Diagnostics;
using OpenCvSharp;

namespace VideoDetect.Tests;

/// <summary>
/// A long fixed-camera recording where little happens (issue 25, point 9), made from vtest.avi: its
/// empty background (the per-pixel median of 31 frames spread over the video) with Gaussian sensor
/// noise (σ 2 grey levels, new every frame), and a few short bursts of people cut from vtest.avi's own
/// frames. H.264 (libx264 veryfast, yuv420p, the encoder's default GOP) through the ffmpeg command, the
/// source's size and rate (768×576, 10 fps). Shared by the bench (bench/VideoDetect.Bench links this
/// file: its fixed-camera case) and the xunit test that every burst gives an event; needs no xunit.
/// <para>Deterministic: the same arguments give the same frames (fixed seeds), so a made file is cached
/// under a name that carries them and reused.</para>
/// </summary>
public static class FixedCameraVideo
{
    /// <summary>One burst of people: frames [<see cref="First"/>, <see cref="End"/>) of the made video, cut from vtest.avi at <see cref="SourceFirst"/>.</summary>
    public sealed record Burst(long First, long End, int SourceFirst);

    /// <summary>
    /// Where the bursts go: one in each equal share of the video, near its middle, on the clip grid
    /// (<paramref name="clipLength"/>) plus an offset that cycles through "one frame after a clip
    /// boundary" (the clip's first frame is background, the burst starts on its second), "mid-clip" and
    /// "across a clip boundary" — the three places where a gate that restarts or carries its state per
    /// clip could lose one.
    /// </summary>
    public static IReadOnlyList<Burst> Plan(long frames, int bursts, int burstFrames, int clipLength = 64)
    {
        if (bursts < 1 || burstFrames < 1 || frames < (long)bursts * (burstFrames + 2 * clipLength))
            throw new ArgumentOutOfRangeException(nameof(frames), $"{frames} frames cannot hold {bursts} bursts of {burstFrames} frames.");
        long share = frames / bursts;
        int[] offsets = { 1, clipLength / 3, clipLength - burstFrames / 2 };
        var plan = new List<Burst>();
        for (int i = 0; i < bursts; i++)
        {
            long middle = i * share + share / 2;
            long first = middle / clipLength * clipLength + offsets[i % offsets.Length];
            plan.Add(new Burst(first, first + burstFrames, 40 + (i * 113) % (795 - burstFrames - 80)));
        }
        return plan;
    }

    /// <summary>
    /// Makes the video at <paramref name="path"/> (through a temporary file, renamed when complete) unless
    /// it exists; returns its bursts either way. <paramref name="minutes"/> × 60 × 10 frames.
    /// </summary>
    public static IReadOnlyList<Burst> Make(string vtest, string path, double minutes, int bursts, int burstFrames, string ffmpeg = "ffmpeg")
    {
        using var capture = new VideoCapture(vtest);
        if (!capture.IsOpened()) throw new InvalidOperationException($"Cannot open {vtest}.");
        double fps = 10;
        long frames = (long)Math.Round(minutes * 60 * fps);
        var plan = Plan(frames, bursts, burstFrames);
        if (File.Exists(path)) return plan;

        var size = new Size(capture.FrameWidth, capture.FrameHeight);
        int count = (int)capture.Get(VideoCaptureProperties.FrameCount);
        var samples = new List<Mat>();
        var source = new Dictionary<int, Mat>(); // only the frames the bursts use
        using (var m = new Mat())
        {
            for (int i = 0; capture.Read(m); i++)
            {
                if (i % Math.Max(1, count / 31) == 0 && samples.Count < 31) samples.Add(m.Clone());
                if (plan.Any(b => i >= b.SourceFirst && i < b.SourceFirst + burstFrames)) source[i] = m.Clone();
            }
        }
        using var background = Median(samples, size);
        // A pool of noise fields, drawn at random per frame: new noise every frame without drawing
        // 1.3 million Gaussian samples per frame (which would cost more than the encode).
        var rng = new RNG(25);
        var noise = Enumerable.Range(0, 24).Select(_ =>
        {
            var n = new Mat(size, MatType.CV_16SC3);
            rng.Fill(n, DistributionType.Normal, new Scalar(0, 0, 0), new Scalar(2, 2, 2));
            return n;
        }).ToArray();
        var pick = new Random(25);

        string temporary = path + ".tmp.mp4";
        var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardInput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", $"{size.Width}x{size.Height}", "-framerate", "10", "-i", "-",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-an", temporary,
        }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{ffmpeg} did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        var stdin = process.StandardInput.BaseStream;
        var bytes = new byte[size.Width * size.Height * 3];
        using var frame = new Mat(size, MatType.CV_8UC3);
        int next = 0;
        for (long f = 0; f < frames; f++)
        {
            while (next < plan.Count && plan[next].End <= f) next++;
            bool inBurst = next < plan.Count && f >= plan[next].First;
            var picture = inBurst ? source[(int)(plan[next].SourceFirst + f - plan[next].First)] : background;
            Cv2.Add(picture, noise[pick.Next(noise.Length)], frame, null, MatType.CV_8UC3.Value);
            System.Runtime.InteropServices.Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
            stdin.Write(bytes);
        }
        stdin.Close();
        process.WaitForExit();
        foreach (var m in samples.Concat(source.Values).Concat(noise)) m.Dispose();
        if (process.ExitCode != 0)
        {
            File.Delete(temporary);
            throw new InvalidOperationException($"ffmpeg could not encode {path}: {errors.Result}");
        }
        File.Move(temporary, path, overwrite: true);
        return plan;
    }

    /// <summary>The per-pixel median of <paramref name="frames"/>: an empty scene's background (also the motion bench's).</summary>
    public static Mat Median(List<Mat> frames, Size size)
    {
        var result = new Mat(size, MatType.CV_8UC3);
        int n = frames.Count, length = size.Width * size.Height * 3;
        var data = frames.Select(f => { var b = new byte[length]; System.Runtime.InteropServices.Marshal.Copy(f.Data, b, 0, length); return b; }).ToArray();
        var outBytes = new byte[length];
        var column = new byte[n];
        for (int p = 0; p < length; p++)
        {
            for (int k = 0; k < n; k++) column[k] = data[k][p];
            Array.Sort(column);
            outBytes[p] = column[n / 2];
        }
        System.Runtime.InteropServices.Marshal.Copy(outBytes, 0, result.Data, length);
        return result;
    }
}
