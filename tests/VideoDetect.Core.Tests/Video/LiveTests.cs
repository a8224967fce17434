using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Tests.Tracking;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>
/// Live sources without a server: how clips are cut as frames arrive (and at gaps), the bounded frame
/// buffer, a stream that cannot start, and a gap reaching batches and trackers. The streams themselves
/// (ffmpeg, HTTP/UDP/RTSP servers, reconnect) are tested in Pester's LiveSources.Tests.ps1.
/// </summary>
public class LiveTests
{
    private const string Url = "http://127.0.0.1:9/cam";
    private static LiveFrame F(long i) => new(i, TimeSpan.FromMilliseconds(100 * i));

    [Fact]
    public void Clips_by_frames_are_cut_as_their_last_frame_arrives_and_the_end_gives_the_clip_in_hand()
    {
        var start = new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.FromHours(1));
        var cutter = new LiveClipCutter(Url, VideoPosition.FromFrames(5)) { RecordingStart = start };
        var clips = new List<VideoClip>();
        for (long i = 0; i < 12; i++)
        {
            var got = cutter.Add(F(i)).ToList();
            Assert.Equal(i is 4 or 9 ? 1 : 0, got.Count);   // at once, not at the next frame
            clips.AddRange(got);
        }
        clips.AddRange(cutter.Add(new LiveEnded(null)));
        Assert.Equal(new[] { (0L, 5L, false), (5L, 10L, false), (10L, 12L, true) }, clips.Select(c => (c.StartFrame, c.EndFrame, c.IsPartial)));
        Assert.Equal(new[] { 0, 1, 2 }, clips.Select(c => c.Index));
        Assert.All(clips, c =>
        {
            Assert.Equal(FrameSourceKind.Live, c.SourceKind);
            Assert.Equal(Url, c.Path);
            Assert.Equal(start, c.RecordingStart);
            Assert.Null(c.Video);
            Assert.Null(c.GapBefore);
            Assert.Equal(c.EndFrame - c.StartFrame, c.FrameCount);
        });
        Assert.Equal(TimeSpan.FromMilliseconds(500), clips[1].StartTime);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), clips[1].EndTime);   // last frame + the mean interval
    }

    [Fact]
    public void A_gap_ends_the_clip_in_hand_and_the_next_clip_says_GapBefore()
    {
        var cutter = new LiveClipCutter(Url, VideoPosition.FromTime(TimeSpan.FromSeconds(0.5)));
        var clips = new List<VideoClip>();
        for (long i = 0; i < 7; i++) clips.AddRange(cutter.Add(F(i)));
        var gap = new LiveGap(6, DateTimeOffset.Now, TimeSpan.FromSeconds(3), 2);
        clips.AddRange(cutter.Add(gap));
        // Frame 7 arrives 3 s after frame 6; indices go on.
        for (long i = 7; i < 14; i++) clips.AddRange(cutter.Add(new LiveFrame(i, TimeSpan.FromMilliseconds(100 * i + 3000))));
        clips.AddRange(cutter.Add(new LiveEnded(null)));
        Assert.Equal(new[] { (0L, 5L, false), (5L, 7L, true), (7L, 12L, false), (12L, 14L, true) },
            clips.Select(c => (c.StartFrame, c.EndFrame, c.IsPartial)));
        Assert.Equal(new TimeSpan?[] { null, null, TimeSpan.FromSeconds(3), null }, clips.Select(c => c.GapBefore));
        Assert.Contains("after frame 6", gap.ToString());
        Assert.Contains("back after 3.0 s", gap.ToString());
    }

    [Fact]
    public void The_frame_buffer_is_bounded_drops_the_oldest_and_ends()
    {
        var buffer = new LiveFrameBuffer(3 * 12);
        for (long i = 0; i < 5; i++) buffer.Add(new LiveFrameData(i, TimeSpan.FromSeconds(i), buffer.Rent(12), 2, 2));
        Assert.Equal(2, buffer.Dropped);
        Assert.True(buffer.Take(0, () => false, out var f));
        Assert.Equal(2, f.Index);   // 0 and 1 were dropped: the taker sees them as lost
        Assert.True(buffer.Take(4, () => false, out f));
        Assert.Equal(4, f.Index);   // 3 was passed over
        buffer.End();
        Assert.False(buffer.Take(5, () => false, out _));
    }

    [Fact]
    public async Task A_stream_whose_ffmpeg_cannot_start_ends_with_LiveSourceUnavailable()
    {
        using var stream = new LiveStream(new LiveStreamOptions { Url = Url, Ffmpeg = "/nonexistent/ffmpeg", MaxReconnect = 0 });
        stream.Start();
        var events = new List<LiveEvent>();
        var reader = stream.Events;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in reader.ReadAllAsync(timeout.Token))
        {
            events.Add(e);
        }
        var ended = Assert.IsType<LiveEnded>(Assert.Single(events));
        Assert.Equal(ErrorIds.LiveSourceUnavailable, ended.Error!.ErrorId);
        Assert.Contains(Url, ended.Error.Message);
        Assert.Throws<VideoException>(() => LiveStreams.OpenClipSource(new VideoClip { Path = Url, SourceKind = FrameSourceKind.Live }));
    }

    [Fact]
    public void A_clips_gap_marks_its_first_batched_frame()
    {
        var frames = Enumerable.Range(0, 12).Select(i => (long)i).ToList();
        var sources = new FrameSources(c => new MemoryFrameSource(c.Path, frames));
        using var batcher = new FrameBatcher(new BatchOptions { BatchSize = 4, Preprocess = new(), Sources = sources });
        VideoClip Live(int index, long start, long end, TimeSpan? gap = null) => new()
        {
            Path = Url, Index = index, StartFrame = start, EndFrame = end, FrameCount = end - start, SourceKind = FrameSourceKind.Live, GapBefore = gap,
        };
        batcher.Add(Live(0, 0, 6));
        batcher.Add(Live(1, 6, 12, TimeSpan.FromSeconds(2)));
        batcher.Complete();
        var refs = new List<FrameRef>();
        while (batcher.Read() is { } e)
        {
            if (e is BatchReady ready) using (ready.Batch) refs.AddRange(ready.Batch.Frames);
        }
        Assert.Equal(frames, refs.Select(r => r.FrameIndex));
        Assert.Equal(new long[] { 6 }, refs.Where(r => r.GapBefore is not null).Select(r => r.FrameIndex));
        Assert.Equal(TimeSpan.FromSeconds(2), refs[6].GapBefore);
    }

    [Fact]
    public void Tracks_are_not_carried_across_a_gap_and_ids_go_on()
    {
        var assigner = new TrackAssigner();
        FrameDetections Frame(long i, bool gap = false) => new()
        {
            Path = Url, FrameIndex = i, Timestamp = TimeSpan.FromMilliseconds(100 * i),
            Detections = new[] { ByteTrackerTests.Det(100 + i, 50, frame: i) },
            Extras = gap ? new Dictionary<string, object?> { [FrameDetections.GapBeforeExtra] = 3.0 } : null,
        };
        var before = Enumerable.Range(0, 5).Select(i => assigner.Process(Frame(i))).ToList();
        var after = Enumerable.Range(5, 5).Select(i => assigner.Process(Frame(i, gap: i == 5))).ToList();
        int idBefore = before[^1].Detections[0].TrackId!.Value;
        int idAfter = after[^1].Detections[0].TrackId!.Value;
        Assert.NotEqual(idBefore, idAfter);                 // the same box, but the gap is not bridged
        Assert.True(idAfter > idBefore);                    // ids are never reused within the source
        Assert.Equal(3.0, after[0].Extras![FrameDetections.GapBeforeExtra]);   // the marker passes on

        // Without the gap the same frames keep one track.
        var plain = new TrackAssigner();
        var all = Enumerable.Range(0, 10).Select(i => plain.Process(Frame(i))).ToList();
        Assert.Equal(all[4].Detections[0].TrackId, all[9].Detections[0].TrackId);
    }
}
