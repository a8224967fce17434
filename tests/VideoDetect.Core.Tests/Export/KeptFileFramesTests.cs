using System.Security.Cryptography;
using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Export;

/// <summary>
/// Export-AnnotatedVideo over a file draws on the frames the batcher kept from its decode
/// (<see cref="FileFrameTaps"/>, <see cref="KeptFrameSource"/>) and decodes only the ones not kept: the
/// frames handed to the encoder are the same, byte for byte, as with every frame decoded again.
/// </summary>
[Collection(LiveFrameTapCollection.Name)]
public class KeptFileFramesTests
{
    private const int Frames = 150;
    private static readonly long FrameBytes = 3L * SyntheticVideo.Width * SyntheticVideo.Height;

    /// <summary>Records, per frame handed to the encoder, its painted index and a hash of its pixels; writes them on Complete.</summary>
    private sealed class HashSink(SinkOptions options, List<string> frames, int failAt) : IFrameSink
    {
        private int _written;

        public void Write(Mat frame)
        {
            if (_written++ == failAt) throw new IOException("the encoder went away");
            var bytes = new byte[frame.Total() * frame.ElemSize()];
            System.Runtime.InteropServices.Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
            lock (frames) frames.Add($"{Path.GetFileName(options.Path).Split('.')[1]} {SyntheticVideo.ReadIndex(frame)} {Convert.ToHexString(SHA256.HashData(bytes))[..16]}");
        }

        public void Complete() => File.WriteAllText(options.Path, "x");

        public void Dispose() { }
    }

    private sealed class Host : ISinkHost
    {
        public readonly List<VideoDetectException> Errors = new();
        public readonly List<AnnotatedVideoWriter> Writers = new();
        public bool Confirm(string sourcePath, string target) => true;
        public void Opened(ISourceOutput output) => Writers.Add(((AnnotatedVideoOutput)output).Writer);
        public void SourceEnded() { }
        public void Committed(ISourceResult result) { }
        public void Failed(VideoDetectException error, object? about) => Errors.Add(error);
        public void Added(FrameDetections frame, ISourceOutput output) { }
    }

    /// <summary>
    /// The pipeline's shape: a batcher (-ThrottleLimit <paramref name="throttle"/>, clips of 20 frames) over
    /// the videos, each batched frame's detections (one box) pushed to the export as the batches come.
    /// Returns what the encoder was handed, and the frames kept/encoded per writer.
    /// </summary>
    private static (List<string> Handed, long Kept, long Written) Run(string[] videos, string outDir, LiveFrameKeep? keep, int throttle, int stride,
        int failAt = -1, Host? host = null)
    {
        var handed = new List<string>();
        var export = new AnnotatedVideoExport(new EncoderChoice(VideoCodec.Mjpg, null), new AnnotationOptions(),
            probe: new ProbeOptions { Cache = new VideoIndexCache(null) }, sinkFactory: o => new HashSink(o, handed, failAt), liveFrames: keep);
        bool expectErrors = host is not null;
        host ??= new Host();
        var options = new BatchOptions
        {
            BatchSize = 4, FrameStride = stride, Preprocess = new PreprocessOptions { Width = 64, Height = 48 }, ThrottleLimit = throttle,
        };
        using (var driver = new SourceSinkDriver(export, new OutputClaims(AnnotatedVideoExport.Resolve(outDir, true), force: true), host))
        using (var batcher = new FrameBatcher(options))
        {
            foreach (string v in videos)
                foreach (var clip in ClipPlanner.Plan(VideoProbe.Probe(v), new ClipOptions { Length = VideoPosition.FromFrames(20) })) batcher.Add(clip);
            batcher.Complete();
            while (batcher.Read() is { } e)
            {
                if (e is not BatchReady ready) continue;
                foreach (var f in ready.Batch.Frames)
                {
                    driver.Push(new FrameDetections
                    {
                        Path = f.Path, FrameIndex = f.FrameIndex, Timestamp = f.Timestamp, SourceWidth = f.SourceWidth, SourceHeight = f.SourceHeight,
                        Detections = new[] { new Detection { Path = f.Path, FrameIndex = f.FrameIndex, Label = "person", Confidence = 0.9f, X = 40 + f.FrameIndex % 50, Y = 60, Width = 80, Height = 90 } },
                    });
                }
                ready.Batch.Dispose();
            }
            driver.Complete();
        }
        if (!expectErrors) Assert.Empty(host.Errors);
        Assert.Equal(videos.Length, host.Writers.Count);
        return (handed, host.Writers.Sum(w => w.FramesKept), host.Writers.Sum(w => w.FramesWritten));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 3)]
    [InlineData(1, 1)]
    public void Kept_and_decoded_frames_give_the_encoder_the_same_pixels(int throttle, int stride)
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi"), b = dir.File("b.avi");
        SyntheticVideo.Write(a, Frames, "mp4v"); // key frames every 12: the writer's decodes of missing frames seek
        SyntheticVideo.Write(b, Frames, "mp4v");
        var videos = new[] { a, b };

        var decoded = Run(videos, dir.File("decoded"), keep: null, throttle, stride);
        Assert.Equal(0, decoded.Kept);

        // A tap too small for a whole file (25 frames of 150): some frames kept, the rest decoded again.
        LiveFrameKeep keep;
        FileFrameTaps files;
        (List<string> Handed, long Kept, long Written) kept;
        using (keep = LiveFrameTaps.Keep(capacityBytes: 25 * FrameBytes))
        {
            files = keep.Files!;
            kept = Run(videos, dir.File("kept"), keep, throttle, stride);
            Assert.InRange(files.Bytes, 0, files.CapacityBytes);
            Assert.InRange(files.Bytes + files.FreeBytes, 0, files.CapacityBytes);
        }

        Assert.Equal(decoded.Written, kept.Written);
        Assert.Equal(decoded.Handed.Count, kept.Handed.Count);
        Assert.Equal(decoded.Handed.Order(StringComparer.Ordinal), kept.Handed.Order(StringComparer.Ordinal));
        // Each video's frames in order, every index once, from the first to the last detected.
        foreach (string name in new[] { "a", "b" })
        {
            var indices = kept.Handed.Where(h => h.StartsWith(name + " ", StringComparison.Ordinal)).Select(h => int.Parse(h.Split(' ')[1])).ToList();
            Assert.True(indices.Count > Frames - stride, $"{name}: {indices.Count} frames");
            Assert.Equal(Enumerable.Range(0, indices.Count), indices);
        }
        Assert.InRange(kept.Kept, 1, kept.Written - 1); // a mix of kept and decoded
        Assert.True(files.Dropped > 0);

        // Nothing is kept after the lease: no bytes, no frames, no more offers taken.
        Assert.Equal(0, files.Bytes);
        Assert.Equal(0, files.Count);
        Assert.False(LiveFrameTaps.FilesWanted);
    }

    [Fact]
    public void An_export_that_fails_keeps_nothing_past_the_next_source_and_the_lease()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi");
        SyntheticVideo.Write(a, Frames, "mp4v");
        var files = default(FileFrameTaps)!;
        var host = new Host();
        using (var keep = LiveFrameTaps.Keep())
        {
            files = keep.Files!;
            Run(new[] { a }, dir.File("out"), keep, throttle: 2, stride: 1, failAt: 20, host: host);
            Assert.Single(host.Errors);
            Assert.IsType<EncoderFailedException>(host.Errors[0]);
            Assert.True(host.Writers[0].Encoded);
            Assert.False(File.Exists(dir.File("out/a.annotated.mp4")));
            // The writer is gone: the frames it never drew go when the export moves on to another source.
            files.Announce(dir.File("b.avi"));
            Assert.Equal(0, files.Count);
            Assert.Equal(0, files.Bytes);
        }
        Assert.Equal(0, files.Bytes + files.FreeBytes);
        Assert.False(LiveFrameTaps.FilesWanted);
    }

    [Fact]
    public void The_store_keeps_out_of_order_offers_within_its_bound_and_lets_go_what_the_writer_passed()
    {
        var files = default(FileFrameTaps)!;
        using (var keep = LiveFrameTaps.Keep(capacityBytes: 4 * 12)) // four 2x2 frames
        {
            files = keep.Files!;
            var id = new SourceIdentity("/v/a.avi", 100, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var other = id with { Path = "/v/other.avi" };
            using var mat = new Mat(2, 2, MatType.CV_8UC3);
            void Offer(SourceIdentity file, long i)
            {
                mat.SetTo(new Scalar(i, i, i));
                LiveFrameTaps.OfferFile(file, i, mat);
            }

            Offer(other, 0);
            Offer(other, 1);
            Offer(id, 10); // a second worker's clip first
            Offer(id, 11); // full
            Offer(id, 2);  // a lower index: room is made at this file's far end (11 goes)
            Offer(id, 30); // past everything it holds, no room: dropped
            Assert.Equal(4, files.Count);
            Assert.Equal(2, files.Dropped);

            using (var source = new KeptFrameSource(new NoFile(), VideoIndex.ConstantRate(40, 0, 40), files, id))
            {
                Offer(id, 12); // a file being written takes room from one no writer draws on (other's 1 goes)
                Assert.Equal(4, files.Count);
                Assert.Equal(3, files.Dropped);
                source.Seek(2);
                Assert.True(source.Grab());
                Assert.Equal(2, source.Current);
                using var frame = new Mat();
                Assert.True(source.Retrieve(frame));
                Assert.Equal(2, frame.At<Vec3b>(1, 1).Item0);
                source.Seek(12); // passes 10: let go
                Assert.True(source.Grab());
                Assert.True(source.Retrieve(frame));
                Assert.Equal(12, frame.At<Vec3b>(0, 0).Item0);
                Assert.Equal(1, files.Count); // other's 0
                Offer(id, 5); // below what the writer passed: not taken
                Assert.Equal(1, files.Count);
                Assert.Equal(2, source.FramesKept);
                Offer(id, 20);
                Assert.Equal(2, files.Count);
            }

            // The export moves on: a's writer is gone, its frames go and later offers of it are refused;
            // 'other' (never announced: decoded ahead) stays.
            files.Announce("/v/b.avi");
            Assert.Equal(1, files.Count);
            Offer(id, 21);
            Assert.Equal(1, files.Count);
            Assert.Equal(1, files.Files);
        }
        Assert.Equal(0, files.Bytes);
        Assert.Equal(0, files.Count);
        Assert.Equal(0, files.Files);
    }

    /// <summary>A file source that must not be read: every frame of these tests comes from the store.</summary>
    private sealed class NoFile : IFrameSource
    {
        public string Path => "/v/a.avi";
        public FrameSourceKind Kind => FrameSourceKind.File;
        public long Position => 0;
        public long Current => -1;
        public TimeSpan CurrentTime => TimeSpan.Zero;
        public long SkippedBeforeCurrent => 0;
        public int SeekCount => 0;
        public long FramesGrabbed => 0;
        public bool Grab() => throw new InvalidOperationException("decoded a frame that was kept");
        public bool Retrieve(Mat destination) => throw new InvalidOperationException("decoded a frame that was kept");
        public void Seek(long frame) => throw new InvalidOperationException("sought a frame that was kept");
        public void Dispose() { }
    }
}
