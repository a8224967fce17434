using System.Runtime.InteropServices;
using System.Security.Cryptography;
using VideoDetect.Batching;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

/// <summary>
/// -SkipStatic through the ffmpeg pipe source (issue 25 point 9): every decomposition of a gated run —
/// -ThrottleLimit 1, 2 and 4 (workers that seek), a run that starts at a later clip (a resume) — holds
/// and infers the same frames with the same pixels, and the inferred frames carry their own index.
/// </summary>
public class GatedDecodeTests
{
    private static readonly PreprocessOptions Small = new() { Width = 96, Height = 64 };

    private static List<VideoClip> Clips(string path, long length, long end) =>
        ClipPlanner.Plan(VideoProbe.Probe(path), new ClipOptions { Length = VideoPosition.FromFrames(length), End = VideoPosition.FromFrames(end) }).ToList();

    /// <summary>Per clip: its batched frames (index, size) and held frames, and a hash of each batch's tensor.</summary>
    private static List<string> Signature(IEnumerable<VideoClip> clips, int throttle)
    {
        var options = new BatchOptions { BatchSize = 4, Preprocess = Small, ThrottleLimit = throttle, SkipStatic = new MotionGateOptions { Threshold = 0.03 } }; // vtest.avi: people walk through most frames; a coarser gate holds a good share
        var lines = new List<string>();
        using var batcher = new FrameBatcher(options);
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        while (batcher.Read() is { } e)
        {
            if (e is BatchReady r)
            {
                var b = r.Batch;
                string hash = Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(b.Tensor.AsSpan())));
                lines.Add($"[{string.Join(" ", b.Frames.Select(f => $"{f.ClipIndex}:{f.FrameIndex}/{f.SourceWidth}x{f.SourceHeight}"))}] held [{string.Join(" ", b.Frames.SelectMany(f => f.HeldFrames).Select(h => h.FrameIndex))}] {hash}");
                b.Dispose();
            }
            else
            {
                lines.Add(e.ToString()!);
            }
        }
        return lines;
    }

    [SharedFact]
    public void Every_decomposition_of_a_gated_run_holds_and_infers_the_same_frames()
    {
        string path = Fixtures.Video("vtest.avi");
        var probed = VideoProbe.Probe(path);
        using (var source = FrameSources.OpenGatedFile(path, probed.Index))
        {
            if (Ffmpeg.Path is not null) Assert.IsType<FfmpegFileSource>(source);
        }
        var one = Signature(Clips(path, 25, 300), 1);
        Assert.True(Frames(one, 0).Held.Count > 50, "the gate held too few frames for the test to say anything:\n" + string.Join("\n", one));
        Assert.Equal(one, Signature(Clips(path, 25, 300), 2));
        Assert.Equal(one, Signature(Clips(path, 25, 300), 4));
        // A run that starts at clip 5 (frame 125, as a resume does) decides for those frames as the whole run did.
        var tail = Frames(Signature(Clips(path, 25, 300).Skip(5), 1), 125);
        var whole = Frames(one, 125);
        Assert.NotEmpty(tail.Inferred);
        Assert.Equal(whole.Inferred, tail.Inferred);
        Assert.Equal(whole.Held, tail.Held);
    }

    /// <summary>The inferred and the held frame indices at or after <paramref name="from"/> in a signature.</summary>
    private static (List<long> Inferred, List<long> Held) Frames(IEnumerable<string> signature, long from)
    {
        var inferred = new List<long>();
        var held = new List<long>();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (string line in signature.Where(l => l.StartsWith('[')))
        {
            string[] parts = line.Split(']');
            inferred.AddRange(parts[0].TrimStart('[').Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => long.Parse(f[(f.IndexOf(':') + 1)..f.IndexOf('/')], inv)));
            held.AddRange(parts[1].Split('[')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => long.Parse(h, inv)));
        }
        return (inferred.Where(f => f >= from).ToList(), held.Where(f => f >= from).ToList());
    }
}
