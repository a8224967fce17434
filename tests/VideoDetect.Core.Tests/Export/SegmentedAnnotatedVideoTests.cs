using System.Runtime.CompilerServices;
using OpenCvSharp;
using VideoDetect.Errors;
using VideoDetect.Export;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Export;

/// <summary>The live frame taps are process-wide: the tests that hold a lease run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveFrameTapCollection
{
    public const string Name = "LiveFrameTaps";
}

/// <summary>
/// Export-AnnotatedVideo -Segment over a file and over a live source (frames kept from the first decode
/// in a <see cref="LiveFrameTap"/>), and memory flat across many segments (retained objects counted, not timed).
/// </summary>
[Collection(LiveFrameTapCollection.Name)]
public class SegmentedAnnotatedVideoTests
{
    private const string Url = "http://127.0.0.1:9/cam";
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 13, 20, 0, TimeSpan.FromHours(1));

    /// <summary>
    /// A sink that encodes nothing: it reads each frame's painted index (<see cref="SyntheticVideo.ReadIndex"/>) and,
    /// on Complete, writes them as text into its file (so the commit's rename has a file); counts the sinks open.
    /// </summary>
    private sealed class IndexSink(SinkOptions options, Counter counter, bool read) : IFrameSink
    {
        private readonly List<int> _indices = new();

        public void Write(Mat frame) => _indices.Add(read ? SyntheticVideo.ReadIndex(frame) : 0);

        public void Complete() => File.WriteAllText(options.Path, string.Join(",", _indices));

        public void Dispose() => Interlocked.Decrement(ref counter.Open);
    }

    private sealed class Counter
    {
        public int Open;
        public int MostOpen;

        public IFrameSink Sink(SinkOptions o, bool read = true)
        {
            int open = Interlocked.Increment(ref Open);
            MostOpen = Math.Max(MostOpen, open);
            return new IndexSink(o, this, read);
        }
    }

    private sealed class Host : ISinkHost
    {
        public readonly List<string> Written = new();
        public readonly List<VideoDetectException> Errors = new();
        public bool Confirm(string sourcePath, string target) => true;
        public void Opened(ISourceOutput output) { }
        public void SourceEnded() { }
        public readonly List<ISourceResult> Results = new();
        public void Committed(ISourceResult result)
        {
            Written.Add(result.File!.Name);
            Results.Add(result);
        }
        public void Failed(VideoDetectException error, object? about) => Errors.Add(error);

        // As the cmdlet does: the segments committed so far, taken after every frame.
        public void Added(FrameDetections frame, ISourceOutput output)
        {
            if (output is SegmentedAnnotatedVideoOutput s)
            {
                var taken = s.TakeCommitted();
                Written.AddRange(taken.Select(r => r.File.Name));
                Results.AddRange(taken);
            }
            if (output is SegmentedOutput r) Written.AddRange(r.TakeCommitted().Select(f => f.Name));
        }
    }

    private static AnnotatedVideoExport Export(Counter counter, bool read = true, LiveFrameKeep? keep = null) =>
        new(new EncoderChoice(VideoCodec.Mjpg, null), new AnnotationOptions(), probe: new ProbeOptions { Cache = new VideoIndexCache(null) }, sinkFactory: o => counter.Sink(o, read), liveFrames: keep);

    private static FrameDetections Frame(string path, long index, double fps, DateTimeOffset? start = null) =>
        new() { Path = path, FrameIndex = index, Timestamp = TimeSpan.FromSeconds(index / fps), RecordingStart = start, SourceWidth = SyntheticVideo.Width, SourceHeight = SyntheticVideo.Height };

    private static int[] Indices(string file) => File.ReadAllText(file).Split(',').Select(int.Parse).ToArray();

    private static int[] Range(int from, int toInclusive) => Enumerable.Range(from, toInclusive - from + 1).ToArray();

    [Fact]
    public void A_file_is_cut_into_complete_segments_named_by_offset_and_stride_frames_go_to_the_later_segment()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi");
        SyntheticVideo.Write(a, 30, "MJPG", 10);
        var counter = new Counter();
        var sink = new SegmentedAnnotatedVideoExport(Export(counter), TimeSpan.FromSeconds(1));
        var host = new Host();
        using (var driver = new SourceSinkDriver(sink, new OutputClaims(AnnotatedVideoExport.Resolve(dir.File("out"), true), force: false), host))
        {
            // -FrameStride 3: detections on 0, 3, ..., 27; the frames between are decoded and written too.
            for (int i = 0; i < 30; i += 3) driver.Push(Frame(a, i, 10));
            driver.Complete();
        }
        Assert.Empty(host.Errors);
        Assert.Equal(new[] { "a.t0000000.annotated.mp4", "a.t0000001.annotated.mp4", "a.t0000002.annotated.mp4" }, host.Written);
        Assert.Equal(Range(0, 9), Indices(dir.File("out/a.t0000000.annotated.mp4")));
        Assert.Equal(Range(10, 18), Indices(dir.File("out/a.t0000001.annotated.mp4")));
        Assert.Equal(Range(19, 27), Indices(dir.File("out/a.t0000002.annotated.mp4")));
        Assert.Equal(3, Directory.GetFiles(dir.File("out")).Length); // no temporary file left
        Assert.Equal(0, counter.Open);
    }

    /// <summary>Paints frame <paramref name="index"/> as the synthetic videos do and offers it as the live decoder would.</summary>
    private static void Decoded(string url, long index, double fps, Mat canvas, byte[] pixels)
    {
        SyntheticVideo.Draw(canvas, (int)index);
        System.Runtime.InteropServices.Marshal.Copy(canvas.Data, pixels, 0, pixels.Length);
        LiveFrameTaps.Offer(url, fps, new LiveFrameData(index, TimeSpan.FromSeconds(index / fps), pixels, SyntheticVideo.Width, SyntheticVideo.Height));
    }

    [Fact]
    public void A_live_source_is_drawn_on_the_frames_kept_from_the_first_decode_segment_by_segment_named_by_time_of_day()
    {
        using var dir = new TempDir();
        var counter = new Counter();
        var keep = LiveFrameTaps.Keep();
        var sink = new SegmentedAnnotatedVideoExport(Export(counter, keep: keep), TimeSpan.FromSeconds(1));
        var host = new Host();
        using var canvas = new Mat(SyntheticVideo.Height, SyntheticVideo.Width, MatType.CV_8UC3);
        var pixels = new byte[SyntheticVideo.Width * SyntheticVideo.Height * 3];
        LiveFrameTap tap;
        using (keep)
        {
            using (var driver = new SourceSinkDriver(sink, new OutputClaims(AnnotatedVideoExport.Resolve(dir.File("out"), true), force: false), host))
            {
                for (int i = 0; i < 30; i++)
                {
                    if (i == 15) continue; // lost on the way (the stream's buffer dropped it): the video repeats a frame instead
                    Decoded(Url, i, 10, canvas, pixels);
                    driver.Push(Frame(Url, i, 10, Start));
                }
                driver.Complete();
            }
            tap = keep.Find(Url)!;
            Assert.Equal((0, 0L), (tap.Count, tap.Dropped)); // every kept frame was drawn and given back
            Assert.InRange(tap.FreeCount, 0, LiveFrameTap.FreeArrays);
        }
        Assert.Null(keep.Find(Url)); // the lease gone: its taps are cleared and forgotten
        Assert.False(LiveFrameTaps.Wanted);
        Assert.Empty(host.Errors);
        string[] names = { "127.0.0.1_9_cam.20261205T132000.annotated.mp4", "127.0.0.1_9_cam.20261205T132001.annotated.mp4", "127.0.0.1_9_cam.20261205T132002.annotated.mp4" };
        Assert.Equal(names, host.Written);
        Assert.Equal(Range(0, 9), Indices(dir.File("out/" + names[0])));
        Assert.Equal(new[] { 10, 11, 12, 13, 14, 16, 16, 17, 18, 19 }, Indices(dir.File("out/" + names[1])));
        Assert.Equal(new long[] { 0, 1, 0 }, host.Results.Select(r => ((AnnotatedVideoResult)r).FramesLost));
        Assert.Contains("1 frames lost", host.Results[1].ToString());
        Assert.Equal(Range(20, 29), Indices(dir.File("out/" + names[2])));
        Assert.Equal(0, counter.Open);
    }

    [Fact]
    public void A_live_source_without_kept_frames_is_SourceNotSeekable_and_nothing_is_written()
    {
        using var dir = new TempDir();
        var host = new Host();
        using (var driver = new SourceSinkDriver(Export(new Counter()), new OutputClaims(AnnotatedVideoExport.Resolve(dir.File("out"), true), force: false), host))
        {
            driver.Push(Frame(Url, 0, 10, Start)); // no lease: e.g. detections imported from a result file
            driver.Complete();
        }
        Assert.Equal(ErrorIds.SourceNotSeekable, Assert.Single(host.Errors).ErrorId);
        Assert.Empty(host.Written);
    }

    [Fact]
    public void Two_writers_of_one_stream_each_get_every_frame()
    {
        using var first = LiveFrameTaps.Keep();
        using var second = LiveFrameTaps.Keep();
        var pixels = new byte[12];
        for (int i = 0; i < 5; i++) LiveFrameTaps.Offer(Url, 10, new LiveFrameData(i, TimeSpan.FromSeconds(i / 10.0), pixels, 2, 2));
        foreach (var keep in new[] { first, second })
        {
            using var source = new LiveTapFrameSource(keep.Find(Url)!);
            var seen = new List<long>();
            while (seen.Count < 5 && source.Grab()) seen.Add(source.Current);
            Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, seen);
        }
        first.Dispose();
        Assert.True(LiveFrameTaps.Wanted); // the other lease still holds
    }

    [Fact]
    public void The_tap_is_bounded_drops_the_oldest_and_keeps_the_newest()
    {
        using (var keep = LiveFrameTaps.Keep(capacityBytes: 10 * 12))
        {
            var pixels = new byte[12]; // 2x2 BGR
            for (int i = 0; i < 100; i++) LiveFrameTaps.Offer(Url, null, new LiveFrameData(i, TimeSpan.FromSeconds(i), pixels, 2, 2));
            var tap = keep.Find(Url)!;
            Assert.Equal((10, 120L, 90L), (tap.Count, tap.Bytes, tap.Dropped));
            using var source = new LiveTapFrameSource(tap);
            Assert.True(source.Grab());
            Assert.Equal((90L, 90L), (source.Current, source.SkippedBeforeCurrent)); // frames 0..89 were dropped: lost, not waited for
        }
    }

    /// <summary>Pushes one segment's frames, made here so that nothing but the sink can hold them; returns weak references to them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] PushSegment(SourceSinkDriver[] drivers, int segment, int perSegment, double fps, Action<long> decoded)
    {
        var refs = new WeakReference[perSegment];
        for (int k = 0; k < perSegment; k++)
        {
            long i = (long)segment * perSegment + k;
            decoded(i);
            var frame = Frame(Url, i, fps, Start) with { Detections = new[] { new Detection { Path = Url, FrameIndex = i, ClassId = 0, Label = "person", Confidence = 0.9f, X = 1, Y = 1, Width = 8, Height = 8 } } };
            foreach (var driver in drivers) driver.Push(frame);
            refs[k] = new WeakReference(frame);
        }
        return refs;
    }

    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void Memory_stays_flat_over_many_segments_nothing_per_frame_is_kept_once_a_segment_commits()
    {
        const int Segments = 60, PerSegment = 4;
        const double Fps = 4; // one segment a second
        using var dir = new TempDir();
        var counter = new Counter();
        using var keep = LiveFrameTaps.Keep();
        var video = new SegmentedAnnotatedVideoExport(Export(counter, read: false, keep: keep), TimeSpan.FromSeconds(1));
        var results = new SegmentedExport(new FrameDetectionExport(new FrameDetectionExportOptions()), new FrameDetectionExportOptions(), TimeSpan.FromSeconds(1));
        var pixels = new byte[SyntheticVideo.Width * SyntheticVideo.Height * 3];
        var videoHost = new Host();
        var resultHost = new Host();
        {
            using var videoDriver = new SourceSinkDriver(video, new OutputClaims(AnnotatedVideoExport.Resolve(dir.File("video"), true), force: false), videoHost);
            using var resultDriver = new SourceSinkDriver(results, new OutputClaims(OutputLocation.ForDirectory(dir.File("store")), force: false), resultHost);
            var early = new List<WeakReference>();
            for (int s = 0; s < Segments; s++)
            {
                var refs = PushSegment(new[] { videoDriver, resultDriver }, s, PerSegment, Fps,
                    i => LiveFrameTaps.Offer(Url, Fps, new LiveFrameData(i, TimeSpan.FromSeconds(i / Fps), pixels, SyntheticVideo.Width, SyntheticVideo.Height)));
                if (s < 10) early.AddRange(refs);
                var tap = keep.Find(Url)!;
                // Bounded, whatever the hour: one writer open, at most one segment's frames waiting in the tap, a few arrays for reuse.
                // (the first segment's writer opens its sink on its own thread: it may not have yet; a commit waits for it)
                Assert.InRange(counter.MostOpen, s == 0 ? 0 : 1, 1);
                Assert.InRange(tap.Count, 0, PerSegment);
                Assert.InRange(tap.FreeCount, 0, LiveFrameTap.FreeArrays);
                Assert.Equal(0L, tap.Dropped);
            }
            Assert.Equal(Segments - 1, videoHost.Written.Count);  // every segment but the open one, each emitted as it committed
            Assert.Equal(Segments - 1, resultHost.Written.Count);
            // The frames of the first ten segments are held by nothing any more (not by the sinks, the writers, the tap).
            Collect();
            Assert.Equal(0, early.Count(r => r.IsAlive));
            videoDriver.Complete();
            resultDriver.Complete();
        }
        Assert.Equal(Segments, videoHost.Written.Count);
        Assert.Equal(Segments, resultHost.Written.Count);
        Assert.Equal(Segments, Directory.GetFiles(dir.File("video")).Length);
        Assert.Equal(0, counter.Open);
    }
}
