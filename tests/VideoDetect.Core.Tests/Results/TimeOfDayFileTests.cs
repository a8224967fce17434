using VideoDetect.Events;
using VideoDetect.Inference;
using VideoDetect.Results;
using VideoDetect.Tracking;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Results;

/// <summary>A source's recording start travels through the result file header to the frames read back and the events made of them.</summary>
public class TimeOfDayFileTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 22, 15, 0, 250, TimeSpan.FromHours(1));

    private static List<FrameDetections> Frames(string path, DateTimeOffset? start) => Enumerable.Range(0, 12).Select(i => new FrameDetections
    {
        Path = path, ClipIndex = i / 4, FrameIndex = i, Timestamp = TimeSpan.FromMilliseconds(40 * i), SourceWidth = 64, SourceHeight = 48, RecordingStart = start,
        Detections = i is >= 2 and <= 9 ? new[] { new Detection { Path = path, FrameIndex = i, Timestamp = TimeSpan.FromMilliseconds(40 * i), Label = "person", Confidence = 0.8f, Width = 10, Height = 20, TrackId = 4 } } : Array.Empty<Detection>(),
        Extras = new() { [TrackAssigner.TrackedExtra] = "ByteTrack" },
    }).ToList();

    [Theory]
    [InlineData(ResultFormat.JsonLines)]
    [InlineData(ResultFormat.Csv)]
    public void The_header_carries_the_recording_start_to_the_frames_read_back_and_their_events(ResultFormat format)
    {
        using var dir = new TempDir();
        string known = dir.File("cam3.avi"), unknown = dir.File("cam4.avi");
        SyntheticVideo.Write(known, 12, "MJPG", 25);
        SyntheticVideo.Write(unknown, 12, "MJPG", 25);
        var read = new List<FrameDetections>();
        foreach (var (source, start) in new[] { (known, (DateTimeOffset?)Start), (unknown, null) })
        {
            var probed = VideoProbe.Probe(source, new ProbeOptions { Cache = new VideoIndexCache(null) });
            var frames = Frames(source, start);
            var header = ResultHeader.For(SourceIdentity.Of(source), probed.Info, probed.Index.FrameCount, null, "1.0", DateTimeOffset.UnixEpoch, frames[0].RecordingStart);
            string target = Path.ChangeExtension(source, null) + ResultFiles.Suffix(format);
            using (var w = ResultFileWriter.Open(target, format, header, force: false))
            {
                foreach (var clip in frames.GroupBy(f => f.ClipIndex)) w.AppendClip(clip.ToList());
                w.Commit();
            }
            string headerText = format == ResultFormat.Csv ? File.ReadAllText(target + ".header.json") : File.ReadLines(target).First();
            Assert.Contains(start is null ? "\"recordingStart\":null" : "\"recordingStart\":\"2026-12-05T22:15:00.25+01:00\"", headerText);
            read.AddRange(ResultFileReader.Read(target));
        }

        // Frames: the start as written (offset kept), each frame's time of day its own.
        Assert.All(read.Where(f => f.Path == known), f => Assert.Equal((Start, Start.Offset), (f.RecordingStart!.Value, f.RecordingStart.Value.Offset)));
        Assert.Equal(Start.AddMilliseconds(40 * 5), read.Single(f => f.Path == known && f.FrameIndex == 5).StartedAt);
        Assert.All(read.Where(f => f.Path == unknown), f => Assert.Null(f.StartedAt));

        // Events: StartedAt/EndedAt of the first and last frame seen, zone explicit; null where the start is unknown.
        var folder = new EventFolder();
        var events = read.SelectMany(folder.Add).ToList();
        events.AddRange(folder.Complete());
        Assert.Equal(2, events.Count);
        var e = events.Single(x => x.Path == known);
        Assert.Equal((Start.AddMilliseconds(80), Start.AddMilliseconds(360)), (e.StartedAt!.Value, e.EndedAt!.Value));
        Assert.Equal(TimeSpan.FromHours(1), e.StartedAt.Value.Offset);
        Assert.Equal(e.StartedAt.Value + e.Duration, e.EndedAt);
        var u = events.Single(x => x.Path == unknown);
        Assert.Equal(((DateTimeOffset?)null, (DateTimeOffset?)null), (u.StartedAt, u.EndedAt));
    }

    [Fact]
    public void A_header_written_before_the_recording_start_existed_reads_as_unknown()
    {
        var header = ResultHeader.Parse("{\"format\":\"VideoDetect.FrameDetections\",\"version\":1,\"source\":{\"path\":\"a.avi\",\"frameCount\":3}}");
        Assert.Null(header.Source.RecordingStart);
    }
}
