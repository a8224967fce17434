using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;
using VideoDetect.Export;
using VideoDetect.Video;

namespace VideoDetect.Review;

/// <summary>
/// A clip cut without re-encoding: ffmpeg copies the compressed packets from the key frame the clip
/// starts on (<c>-ss</c> half a frame after it, so rounding never lands on the key frame before),
/// <c>-frames:v</c> the clip's length, the audio copied when MP4 takes its codec (else AAC), and the
/// timestamps shifted to zero together (<c>-avoid_negative_ts make_zero</c>, which keeps the audio in
/// step with the video). Only when both cut points are key frames (<see cref="CutsOnKeyFrames"/>);
/// and then checked (<see cref="Verify"/>): a copy that does not hold exactly the clip's frames (an
/// open GOP, a container whose key-frame flags lie) is thrown away and the clip re-encoded, so a
/// wrong frame never reaches a clip.
/// </summary>
internal static class ClipCopy
{
    /// <summary>Whether frames <paramref name="first"/>..<paramref name="last"/> can be copied: the first is a key frame and the frame after the last is one (or the video ends there).</summary>
    public static bool CutsOnKeyFrames(long[]? keys, long first, long last, long frameCount) =>
        keys is not null && Array.BinarySearch(keys, first) >= 0 && (last == frameCount - 1 || Array.BinarySearch(keys, last + 1) >= 0);

    /// <summary>
    /// Copies <paramref name="clip"/>'s packets into <paramref name="output"/> (an MP4); false when
    /// ffmpeg fails (the caller re-encodes). <paramref name="probe"/>: the source's streams (audio codec, starts).
    /// </summary>
    public static bool Copy(string ffmpeg, ProbedVideo video, EventClip clip, AudioProbe? probe, bool audio, string output, CancellationToken ct)
    {
        var index = video.Index;
        double videoStart = probe?.VideoStart ?? 0, fileStart = probe?.FileStart ?? videoStart;
        double seconds = Math.Max(0, videoStart - fileStart) + (index.TimeOfMs(clip.First) - index.TimeOfMs(0) + index.PeriodMs / 2) / 1000;
        var args = new List<string>
        {
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-ss", seconds.ToString("0.######", CultureInfo.InvariantCulture), "-i", clip.SourcePath,
            "-map", "0:v:0", "-c:v", "copy",
            "-frames:v", clip.FrameCount.ToString(CultureInfo.InvariantCulture),
        };
        if (audio && probe is { AudioCodec: { } codec })
            args.AddRange(AudioTrack.ContainerTakes("mp4", codec) ? new[] { "-map", "0:a:0", "-c:a", "copy" } : new[] { "-map", "0:a:0", "-c:a", "aac", "-b:a", "160k" });
        else
            args.Add("-an");
        args.AddRange(new[] { "-avoid_negative_ts", "make_zero", "-movflags", "+faststart", "-f", "mp4", output });
        var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEndAsync(ct);
            p.StandardOutput.ReadToEnd();
            p.WaitForExitAsync(ct).GetAwaiter().GetResult();
            return p.ExitCode == 0;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="output"/> holds exactly <paramref name="clip"/>'s frames: as many frames
    /// as the clip, its first and last identical to the source's frames there as the module's exact
    /// reader decodes them (the same packets through the same decoder give the same pixels).
    /// </summary>
    public static bool Verify(ProbedVideo video, EventClip clip, string output)
    {
        using var first = new Mat();
        using var last = new Mat();
        long frames = 0;
        using (var capture = OpenCvRuntime.OpenCapture(output))
        {
            if (!capture.IsOpened()) return false;
            // Every frame decoded (Grab), only the first and last converted (Retrieve).
            while (capture.Grab())
            {
                frames++;
                if (frames > clip.FrameCount) return false;
                if (frames == 1 && !capture.Retrieve(first)) return false;
                if (frames == clip.FrameCount && !capture.Retrieve(last)) return false;
            }
        }
        if (frames != clip.FrameCount) return false;
        using var reader = FrameSources.OpenFile(clip.SourcePath, video.Index);
        return Same(reader, clip.First, first) && Same(reader, clip.Last, last);
    }

    private static bool Same(IFrameSource reader, long frame, Mat decoded)
    {
        using var source = new Mat();
        reader.Seek(frame);
        if (!reader.Grab() || !reader.Retrieve(source) || source.Empty() || reader.Current != frame) return false;
        if (source.Size() != decoded.Size() || source.Type() != decoded.Type()) return false;
        return Cv2.Norm(source, decoded, NormTypes.INF) <= 1;
    }
}
