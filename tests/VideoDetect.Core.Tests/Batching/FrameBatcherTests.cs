using OpenCvSharp;
using VideoDetect.Batching;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Batching;

public class FrameBatcherTests
{
    // The synthetic frame at its own size, BGR, unscaled: the tensor holds the decoded pixels as floats.
    private static readonly PreprocessOptions Identity = new()
    {
        Width = SyntheticVideo.Width, Height = SyntheticVideo.Height, Resize = ResizeMode.Stretch,
        ChannelOrder = ChannelOrder.BGR, Scale = 1,
    };

    private static List<VideoClip> Clips(string path, long length, long? stride = null, long? start = null) =>
        ClipPlanner.Plan(VideoProbe.Probe(path), new ClipOptions
        {
            Length = VideoPosition.FromFrames(length),
            Stride = stride is { } s ? VideoPosition.FromFrames(s) : null,
            Start = start is { } a ? VideoPosition.FromFrames(a) : null,
        }).ToList();

    /// <summary>Runs the batcher over the clips and collects every event (disposing nothing).</summary>
    private static List<BatchEvent> Run(IEnumerable<VideoClip> clips, BatchOptions options)
    {
        using var batcher = new FrameBatcher(options);
        foreach (var c in clips) batcher.Add(c);
        batcher.Complete();
        var events = new List<BatchEvent>();
        while (batcher.Read() is { } e) events.Add(e);
        return events;
    }


    [Fact]
    public void The_tensor_holds_the_right_frame_in_order_with_a_short_last_batch()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 70, "MJPG");
        var events = Run(Clips(path, 16), new BatchOptions { BatchSize = 8, Preprocess = Identity });
        var batches = events.OfType<BatchReady>().Select(r => r.Batch).ToList();
        Assert.Empty(events.OfType<ClipFailed>());
        Assert.Equal(new[] { 8, 8, 8, 8, 8, 8, 8, 8, 6 }, batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 9), batches.Select(b => b.BatchIndex));
        Assert.Equal(new[] { 6, 3, SyntheticVideo.Height, SyntheticVideo.Width }, batches[^1].Shape);
        var refs = batches.SelectMany(b => b.Frames).ToList();
        Assert.Equal(Enumerable.Range(0, 70).Select(i => (long)i), refs.Select(r => r.FrameIndex));
        Assert.Equal(refs.Select(r => (int)(r.FrameIndex / 16)), refs.Select(r => r.ClipIndex));
        Assert.All(refs, r => Assert.Equal(TimeSpan.FromMilliseconds(40 * r.FrameIndex), r.Timestamp));
        foreach (var b in batches)
            for (int i = 0; i < b.Count; i++)
                Assert.Equal(b.Frames[i].FrameIndex, SyntheticVideo.PaintedIndex(b, i));
        Assert.All(refs, r => Assert.Equal(new FrameTransform(1, 1, 0, 0), r.Transform));
    }

    [Fact]
    public void FrameStride_samples_every_kth_frame_and_keeps_source_indices()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 50, "mp4v");
        var batches = Run(Clips(path, 20, start: 4), new BatchOptions { BatchSize = 4, FrameStride = 3, Preprocess = Identity })
            .OfType<BatchReady>().Select(r => r.Batch).ToList();
        var indices = batches.SelectMany(b => b.Frames.Select(f => f.FrameIndex)).ToList();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => 4L + 3 * i), indices); // 4, 7, …, 49
        foreach (var b in batches)
            for (int i = 0; i < b.Count; i++) Assert.Equal(b.Frames[i].FrameIndex, SyntheticVideo.PaintedIndex(b, i));
    }

    [Fact]
    public void A_resumed_run_samples_exactly_the_frames_a_full_run_samples()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 60, "mp4v");
        var clips = Clips(path, 10, start: 2); // 2..12, 12..22, …
        var options = new BatchOptions { BatchSize = 4, FrameStride = 3, Preprocess = Identity };
        var full = Run(clips, options).OfType<BatchReady>().SelectMany(r => r.Batch.Frames).Select(f => f.FrameIndex).ToList();
        var resumed = Run(clips.Skip(2), options).OfType<BatchReady>().Select(r => r.Batch).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 2L + 3 * i), full); // 2, 5, …, 59
        Assert.Equal(full.Where(f => f >= 22), resumed.SelectMany(b => b.Frames).Select(f => f.FrameIndex));
        foreach (var b in resumed)
            for (int i = 0; i < b.Count; i++) Assert.Equal(b.Frames[i].FrameIndex, SyntheticVideo.PaintedIndex(b, i));
    }

    [Fact]
    public void A_clip_that_carries_its_video_needs_no_probe_and_a_stale_description_is_not_trusted()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 30, "MJPG");
        var probed = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });
        Assert.Equal(FrameCountMethod.Verified, probed.Info.FrameCountMethod);
        var clip = new VideoClip { Path = path, Video = probed.Info, StartFrame = 0, EndFrame = 30 };
        var empty = new VideoIndexCache(null);
        var rebuilt = ClipVideos.IndexOf(clip, empty);
        Assert.Equal(0, empty.Count); // not probed
        Assert.Equal(Enumerable.Range(0, 31).Select(i => probed.Index.TimeOf(i)), Enumerable.Range(0, 31).Select(i => rebuilt.TimeOf(i)));
        File.SetLastWriteTimeUtc(path, probed.Info.LastWriteTimeUtc.AddSeconds(-10));
        ClipVideos.IndexOf(clip, empty);
        Assert.Equal(1, empty.Count); // the file changed: probed
    }

    [Fact]
    public void Overlapping_clips_decode_and_emit_shared_frames_once_and_skips_seek_exactly()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 120, "mp4v"); // key frames every 12: the skips land mid-GOP
        var overlapping = Run(Clips(path, 30, stride: 20), new BatchOptions { BatchSize = 7, Preprocess = Identity })
            .OfType<BatchReady>().SelectMany(r => r.Batch.Frames).Select(f => f.FrameIndex);
        Assert.Equal(Enumerable.Range(0, 120).Select(i => (long)i), overlapping);

        var skipping = Run(Clips(path, 5, stride: 37), new BatchOptions { BatchSize = 4, Preprocess = Identity })
            .OfType<BatchReady>().Select(r => r.Batch).ToList();
        var frames = skipping.SelectMany(b => b.Frames).Select(f => f.FrameIndex).ToList();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 37, 38, 39, 40, 41, 74, 75, 76, 77, 78, 111, 112, 113, 114, 115 }, frames);
        foreach (var b in skipping)
            for (int i = 0; i < b.Count; i++) Assert.Equal(b.Frames[i].FrameIndex, SyntheticVideo.PaintedIndex(b, i));
    }

    [Fact]
    public void A_batch_never_spans_two_videos_and_a_vanished_file_fails_only_its_clips()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi"), b = dir.File("b.avi"), gone = dir.File("gone.avi");
        SyntheticVideo.Write(a, 10, "MJPG");
        SyntheticVideo.Write(b, 10, "MJPG");
        SyntheticVideo.Write(gone, 10, "MJPG");
        var clips = Clips(a, 10).Concat(Clips(gone, 10)).Concat(Clips(b, 10)).ToList();
        File.Delete(gone);
        var events = Run(clips, new BatchOptions { BatchSize = 4, Preprocess = Identity, Cache = new VideoIndexCache(null) });
        var failed = Assert.Single(events.OfType<ClipFailed>());
        Assert.Equal(gone, failed.Clip.Path);
        Assert.Equal(VideoErrorKind.NotFound, Assert.IsType<VideoException>(failed.Error).Kind);
        var batches = events.OfType<BatchReady>().Select(r => r.Batch).ToList();
        Assert.Equal(new[] { (a, 4), (a, 4), (a, 2), (b, 4), (b, 4), (b, 2) }, batches.Select(x => (x.Path, x.Count)));
        Assert.All(batches, x => Assert.All(x.Frames, f => Assert.Equal(x.Path, f.Path)));
    }

    [Fact]
    public void Clips_out_of_order_seek_back_and_interleaved_videos_keep_their_batch_numbering()
    {
        using var dir = new TempDir();
        string a = dir.File("a.avi"), b = dir.File("b.avi");
        SyntheticVideo.Write(a, 30, "mp4v");
        SyntheticVideo.Write(b, 10, "MJPG");
        var ca = Clips(a, 10);
        var cb = Clips(b, 10);
        var order = new[] { ca[2], ca[0], cb[0], ca[1] };
        var batches = Run(order, new BatchOptions { BatchSize = 10, Preprocess = Identity }).OfType<BatchReady>().Select(r => r.Batch).ToList();
        Assert.Equal(new[] { (a, 0, 20L), (a, 1, 0L), (b, 0, 0L), (a, 2, 10L) }, batches.Select(x => (x.Path, x.BatchIndex, x.Frames[0].FrameIndex)));
        foreach (var x in batches.Where(x => x.Path == a))
            for (int i = 0; i < x.Count; i++) Assert.Equal(x.Frames[i].FrameIndex, SyntheticVideo.PaintedIndex(x, i));
    }

    [Fact]
    public void A_clip_beyond_the_video_is_an_error_for_that_clip_only()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 20, "MJPG");
        var bogus = new VideoClip { Path = path, Index = 5, StartFrame = 15, EndFrame = 40 };
        var events = Run(Clips(path, 10).Append(bogus), new BatchOptions { BatchSize = 8, Preprocess = Identity });
        Assert.Equal(VideoDetect.Errors.ErrorIds.ClipOutOfRange, Assert.IsType<VideoDetect.Errors.ClipOutOfRangeException>(Assert.Single(events.OfType<ClipFailed>()).Error).ErrorId);
        Assert.Equal(20, events.OfType<BatchReady>().Sum(r => r.Batch.Count));
    }

    [Fact]
    public void Memory_stays_bounded_when_the_consumer_disposes_batches()
    {
        using var dir = new TempDir();
        string path = dir.File("long.avi");
        SyntheticVideo.Write(path, 400, "MJPG");
        var pool = new TensorPool();
        int seen = 0;
        using (var batcher = new FrameBatcher(new BatchOptions { BatchSize = 4, QueueDepth = 2, Preprocess = Identity, Pool = pool }))
        {
            foreach (var c in Clips(path, 50)) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e)
            {
                if (e is BatchReady r) { seen += r.Batch.Count; r.Batch.Dispose(); Assert.Throws<ObjectDisposedException>(() => r.Batch.Tensor); }
            }
        }
        Assert.Equal(400, seen);
        // 100 batches went through; buffers in flight at once: the queue, the one being prepared, the one being consumed.
        Assert.InRange(pool.Allocations, 1, 2 + 3);
    }

    [Fact]
    public void Disposing_mid_stream_stops_the_worker_promptly()
    {
        using var dir = new TempDir();
        string path = dir.File("long.avi");
        SyntheticVideo.Write(path, 300, "MJPG");
        var batcher = new FrameBatcher(new BatchOptions { BatchSize = 2, QueueDepth = 1, Preprocess = Identity });
        foreach (var c in Clips(path, 100)) batcher.Add(c);
        var first = Assert.IsType<BatchReady>(batcher.Read());
        first.Batch.Dispose();
        batcher.Dispose(); // as when `| Select-Object -First 1` cuts the pipeline short
        Assert.True(batcher.WorkerCompleted, "Dispose returned while the worker was still running");
    }

    [SharedFact]
    public void All_795_vtest_frames_arrive_exactly_once_in_order()
    {
        string path = Fixtures.Video("vtest.avi");
        var clips = Clips(path, 64);
        var refs = new List<FrameRef>();
        using (var batcher = new FrameBatcher(new BatchOptions { BatchSize = 8, Preprocess = new PreprocessOptions { Width = 416, Height = 416 } }))
        {
            foreach (var c in clips) batcher.Add(c);
            batcher.Complete();
            while (batcher.Read() is { } e)
            {
                var ready = Assert.IsType<BatchReady>(e);
                Assert.Equal(new[] { ready.Batch.Count, 3, 416, 416 }, ready.Batch.Shape);
                refs.AddRange(ready.Batch.Frames);
                ready.Batch.Dispose();
            }
        }
        Assert.Equal(Enumerable.Range(0, 795).Select(i => (long)i), refs.Select(r => r.FrameIndex));
        Assert.All(refs, r => Assert.Equal((768, 576), (r.SourceWidth, r.SourceHeight)));
        Assert.All(refs, r => Assert.Equal(TimeSpan.FromMilliseconds(100 * r.FrameIndex), r.Timestamp));
        Assert.Equal(new FrameTransform(416.0 / 768, 312.0 / 576, 0, 52), refs[0].Transform);
    }
}
