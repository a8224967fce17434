using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Tests.Video;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

/// <summary>
/// The frame-source seam with a forward-only source (a test double of a live stream): its clips flow
/// through the batcher and a detector in order, and anything that would need a seek back or a second
/// read is refused with <see cref="ErrorIds.SourceNotSeekable"/>.
/// </summary>
public class ForwardOnlySourceTests
{
    private const string Stream = "live://cam1";
    private static readonly Dictionary<string, string> Names = new() { ["names"] = "{0: 'cat', 1: 'dog', 2: 'hat'}", ["stride"] = "32", ["task"] = "detect" };

    private static VideoClip Live(int index, long start, long end) => new()
    {
        Path = Stream, Index = index, StartFrame = start, EndFrame = end, FrameCount = end - start, SourceKind = FrameSourceKind.Live,
    };

    /// <summary>Runs the batcher over the clips with the memory stream as the live opener; returns the events and the sources opened.</summary>
    private static (List<BatchEvent> Events, List<MemoryFrameSource> Opened) Run(IEnumerable<VideoClip> clips, IReadOnlyList<long> frames, BatchOptions options)
    {
        var opened = new List<MemoryFrameSource>();
        var sources = new FrameSources(clip =>
        {
            var s = new MemoryFrameSource(clip.Path, frames);
            opened.Add(s);
            return s;
        });
        using var batcher = new FrameBatcher(options with { Sources = sources });
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        var events = new List<BatchEvent>();
        while (batcher.Read() is { } e) events.Add(e);
        return (events, opened);
    }

    [Fact]
    public void Clips_of_a_forward_only_source_flow_through_batching_and_detection_in_order()
    {
        using var dir = new TempDir();
        string modelPath = dir.File("v8.onnx");
        SyntheticModels.WriteYoloV8(modelPath, 64, 3, 1, 32, 32, 20, 10, Names);
        var model = ModelCache.Load(modelPath, new ModelOptions { Provider = ExecutionProvider.Cpu });
        var frames = Enumerable.Range(0, 40).Where(i => i != 17).Select(i => (long)i).ToList();   // the stream lost frame 17
        var clips = new[] { Live(0, 0, 16), Live(1, 16, 32), Live(2, 32, 40) };

        var (events, opened) = Run(clips, frames, new BatchOptions { BatchSize = 8, Preprocess = model.Preprocessing });

        Assert.Empty(events.OfType<ClipFailed>());
        var warning = Assert.Single(events.OfType<BatchWarning>());
        Assert.Contains("frames 17..17 failed to decode", warning.Message);   // reported where it was lost; 18 keeps its index
        var detected = new List<FrameDetections>();
        foreach (var ready in events.OfType<BatchReady>())
        {
            using var batch = ready.Batch;
            Assert.Equal(Stream, batch.Path);
            detected.AddRange(Detector.Run(model, batch, new DetectionOptions { Confidence = 0.3f }));
        }
        Assert.Equal(frames, detected.Select(f => f.FrameIndex));
        Assert.Equal(frames.Select(MemoryFrameSource.TimeOf), detected.Select(f => f.Timestamp));
        Assert.Equal(frames.Select(f => (int)(f / 16)), detected.Select(f => f.ClipIndex));
        Assert.All(detected, f =>
        {
            var d = Assert.Single(f.Detections);
            Assert.Equal("dog", d.Label);
            Assert.Equal(110, d.X, 1);
            Assert.Equal(95, d.Y, 1);
        });
        var source = Assert.Single(opened);   // one source, opened once, read straight through, closed at the end
        Assert.Equal(frames.Count, source.FramesGrabbed);
        Assert.True(source.Disposed);
    }

    [Fact]
    public void The_pixels_batched_are_the_frames_of_the_stream_and_the_stride_grid_is_kept()
    {
        var identity = new PreprocessOptions
        {
            Width = SyntheticVideo.Width, Height = SyntheticVideo.Height, Resize = ResizeMode.Stretch, ChannelOrder = ChannelOrder.BGR, Scale = 1,
        };
        var frames = Enumerable.Range(0, 30).Select(i => (long)i).ToList();
        var (events, opened) = Run(new[] { Live(0, 0, 10), Live(1, 10, 20), Live(2, 20, 30) }, frames,
            new BatchOptions { BatchSize = 4, Preprocess = identity, FrameStride = 3 });
        var taken = new List<(long Index, int Painted)>();
        foreach (var ready in events.OfType<BatchReady>())
        {
            using var batch = ready.Batch;
            for (int i = 0; i < batch.Count; i++) taken.Add((batch.Frames[i].FrameIndex, SyntheticVideo.PaintedIndex(batch, i)));
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (3L * i, 3 * i)), taken);
        Assert.Equal(10, Assert.Single(opened).Retrieved);   // frames off the grid are grabbed, never converted
    }

    [Fact]
    public void A_seek_back_and_a_second_read_are_refused_with_SourceNotSeekable()
    {
        var frames = Enumerable.Range(0, 40).Select(i => (long)i).ToList();
        // Clip 2 jumps back to frame 0; after that failure the source is closed, and clip 3 would need it opened again.
        var (events, opened) = Run(new[] { Live(0, 0, 8), Live(1, 8, 16), Live(2, 0, 8), Live(3, 16, 24) }, frames, new BatchOptions { BatchSize = 8, Preprocess = new() });

        var failed = events.OfType<ClipFailed>().ToList();
        Assert.Equal(new[] { 2, 3 }, failed.Select(f => f.Clip.Index));
        Assert.All(failed, f => Assert.Equal(ErrorIds.SourceNotSeekable, Assert.IsType<SourceNotSeekableException>(f.Error).ErrorId));
        Assert.Contains("cannot go back to frame 0", failed[0].Error.Message);
        Assert.Contains("cannot be read again", failed[1].Error.Message);
        Assert.Equal(16, events.OfType<BatchReady>().Sum(r => { using var b = r.Batch; return b.Count; }));
        Assert.Single(opened);
    }

    [Fact]
    public void Several_decode_workers_reject_a_live_clip_and_a_file_only_opener_cannot_open_one()
    {
        var frames = Enumerable.Range(0, 8).Select(i => (long)i).ToList();
        var (events, opened) = Run(new[] { Live(0, 0, 8) }, frames, new BatchOptions { BatchSize = 8, Preprocess = new(), ThrottleLimit = 2 });
        Assert.Equal(ErrorIds.SourceNotSeekable, Assert.IsType<SourceNotSeekableException>(Assert.Single(events.OfType<ClipFailed>()).Error).ErrorId);
        Assert.Empty(opened);

        var e = Assert.Throws<VideoException>(() => FrameSources.Files.Open(Live(0, 0, 8), null));
        Assert.Equal(ErrorIds.VideoUnreadable, e.ErrorId);
    }

    [Fact]
    public void A_forward_only_source_skips_forward_gives_back_the_frame_in_hand_and_never_goes_back()
    {
        using var source = new MemoryFrameSource(Stream, new long[] { 0, 1, 2, 5, 6, 7 });
        Assert.Equal(FrameSourceKind.Live, source.Kind);
        source.Seek(2);                                    // skips 0 and 1
        Assert.True(source.Grab());
        Assert.Equal((2L, 0L, MemoryFrameSource.TimeOf(2)), (source.Current, source.SkippedBeforeCurrent, source.CurrentTime));
        Assert.True(source.Grab());
        Assert.Equal((5L, 2L), (source.Current, source.SkippedBeforeCurrent));   // 3 and 4 were lost; 5 keeps its index
        source.Seek(5);                                    // give back the frame in hand: the next grab yields it again
        Assert.True(source.Grab());
        Assert.Equal(5L, source.Current);
        using (var mat = new Mat())
        {
            Assert.True(source.Retrieve(mat));
            Assert.Equal(5, SyntheticVideo.ReadIndex(mat));
        }
        var back = Assert.Throws<SourceNotSeekableException>(() => source.Seek(1));
        Assert.Equal(ErrorIds.SourceNotSeekable, back.ErrorId);
        Assert.Equal(0, source.SeekCount);
        source.Seek(7);
        Assert.True(source.Grab());
        Assert.Equal(7L, source.Current);
        Assert.False(source.Grab());
        Assert.False(source.Grab());                       // the end stays the end: nothing is read twice

        var sources = new FrameSources(c => new MemoryFrameSource(c.Path, Array.Empty<long>()));
        sources.Open(Live(0, 0, 8), null).Dispose();
        Assert.Throws<SourceNotSeekableException>(() => sources.Open(Live(1, 8, 16), null));
    }

    [Fact]
    public void The_file_kind_is_the_exact_seekable_reader_with_the_index_times()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 20, "MJPG");
        var probed = VideoProbe.Probe(path);
        var clip = new VideoClip { Path = path, StartFrame = 0, EndFrame = 20, FrameCount = 20 };
        Assert.Equal(FrameSourceKind.File, clip.SourceKind);
        using var source = FrameSources.Files.Open(clip, probed.Index);
        Assert.IsType<VideoReader>(source);
        Assert.Equal(FrameSourceKind.File, source.Kind);
        source.Seek(12);
        source.Seek(3);                                    // a file goes back exactly
        Assert.True(source.Grab());
        using var mat = new Mat();
        Assert.True(source.Retrieve(mat));
        Assert.Equal((3L, 3, probed.Index.TimeOf(3)), (source.Current, SyntheticVideo.ReadIndex(mat), source.CurrentTime));
        Assert.Throws<ArgumentNullException>(() => FrameSources.Files.Open(clip, null));
    }

}
