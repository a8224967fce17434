using System.Security.Cryptography;
using OpenCvSharp;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>
/// "The first frame of every clip, reached by seeking, is the frame with that index in a sequential
/// decode" — asserted on the pixels (a hash of the whole decoded frame) and, for synthetic videos, on
/// the frame number drawn into them.
/// </summary>
public class VideoReaderTests
{
    private static string Hash(Mat m)
    {
        var bytes = new byte[m.Total() * m.ElemSize()];
        System.Runtime.InteropServices.Marshal.Copy(m.Data, bytes, 0, bytes.Length);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    /// <summary>Hashes of every frame by a plain sequential decode, independent of VideoReader.</summary>
    private static List<string> SequentialHashes(string path)
    {
        using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        using var frame = new Mat();
        var hashes = new List<string>();
        while (cap.Read(frame)) hashes.Add(Hash(frame));
        return hashes;
    }

    private static (string Hash, Mat Frame) SeekAndRead(VideoReader reader, long target)
    {
        reader.Seek(target);
        Assert.Equal(target, reader.Position);
        Assert.True(reader.Grab());
        Assert.Equal(target, reader.Current);
        var frame = new Mat();
        Assert.True(reader.Retrieve(frame));
        return (Hash(frame), frame);
    }

    [Theory]
    [InlineData("mp4v", "avi")]
    [InlineData("mp4v", "mp4")]
    [InlineData("XVID", "avi")]
    public void Every_clip_start_reached_by_seeking_is_the_same_frame_as_in_a_sequential_decode(string fourcc, string ext)
    {
        using var dir = new TempDir();
        string path = dir.File("syn." + ext);
        SyntheticVideo.Write(path, 130, fourcc); // OpenCV's writer puts a key frame every 12 frames
        var probed = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var sequential = SequentialHashes(path);
        Assert.Equal(130, sequential.Count);

        var clips = ClipPlanner.Plan(probed, new ClipOptions { Length = VideoPosition.FromFrames(17), Start = VideoPosition.FromFrames(5) }).ToList();
        Assert.Equal(8, clips.Count);
        foreach (var clip in clips)
        {
            using var reader = new VideoReader(path, probed.Index); // a fresh reader: a real seek from frame 0
            var (hash, frame) = SeekAndRead(reader, clip.StartFrame);
            using (frame)
            {
                Assert.Equal(clip.StartFrame, SyntheticVideo.ReadIndex(frame));
                Assert.Equal(sequential[(int)clip.StartFrame], hash);
            }
        }
    }

    [Fact]
    public void One_reader_seeks_backwards_and_forwards_exactly()
    {
        using var dir = new TempDir();
        string path = dir.File("syn.avi");
        SyntheticVideo.Write(path, 200, "mp4v");
        var probed = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });
        var sequential = SequentialHashes(path);
        using var reader = new VideoReader(path, probed.Index);
        foreach (long target in new long[] { 150, 12, 13, 199, 0, 100, 60, 61, 62, 5, 180 })
        {
            var (hash, frame) = SeekAndRead(reader, target);
            using (frame)
            {
                Assert.Equal(target, SyntheticVideo.ReadIndex(frame));
                Assert.Equal(sequential[(int)target], hash);
            }
        }
        Assert.True(reader.SeekCount > 0); // far jumps really seek instead of decoding from the start
        reader.Seek(200);
        Assert.False(reader.Grab());
    }

    [SharedFact]
    public void Seeks_in_the_real_videos_land_on_the_exact_frame()
    {
        foreach (var (name, targets) in new[]
        {
            ("vtest.avi", new long[] { 700, 37, 794, 400 }),
            ("Megamind.avi", new long[] { 269, 250, 100, 3 }),   // packed B-frames; the last frame has no pts
            ("tree.avi", new long[] { 40, 67, 10, 66 }),         // irregular timestamps, lying container
        })
        {
            string path = Fixtures.Video(name);
            var probed = VideoProbe.Probe(path, new ProbeOptions { Cache = new VideoIndexCache(null) });
            var sequential = SequentialHashes(path);
            using var reader = new VideoReader(path, probed.Index);
            foreach (long target in targets)
            {
                var (hash, frame) = SeekAndRead(reader, target);
                frame.Dispose();
                Assert.True(sequential[(int)target] == hash, $"{name}: seeking to frame {target} gave a different picture");
            }
        }
    }

    [FfmpegFact]
    public void Seeks_in_H264_with_B_frames_and_a_long_GOP_land_on_the_exact_frame()
    {
        using var dir = new TempDir();
        string painted = dir.File("painted.avi"), h264 = dir.File("bframes.mp4");
        SyntheticVideo.Write(painted, 150, "MJPG");
        // 3 B-frames, one key frame every 60 frames, no scene-cut key frames: most seeks land mid-GOP.
        Ffmpeg.Run("-i", painted, "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-bf", "3", "-g", "60",
            "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", h264);
        var probed = VideoProbe.Probe(h264, new ProbeOptions { Cache = new VideoIndexCache(null) });
        Assert.Equal(150, probed.Info.FrameCount);
        var sequential = SequentialHashes(h264);
        Assert.Equal(150, sequential.Count);
        using var reader = new VideoReader(h264, probed.Index);
        foreach (long target in new long[] { 100, 59, 60, 61, 149, 7, 119, 33 })
        {
            var (hash, frame) = SeekAndRead(reader, target);
            using (frame)
            {
                Assert.Equal(target, SyntheticVideo.ReadIndex(frame));
                Assert.Equal(sequential[(int)target], hash);
            }
        }
    }
}
