using System.Runtime.InteropServices;
using VideoDetect.Errors;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>
/// Local capture devices as live sources (Split-VideoClip -Device) and the stream's nominal rate read
/// from FFmpeg's stream line. This machine has no camera: the device's reading path is run on FFmpeg's
/// lavfi test source given as the device's input (the same -f/-i arguments, pipe, reader and buffer a
/// v4l2 device uses; v4l2 itself is not exercised), and the missing-device error for real.
/// </summary>
public class LiveDeviceTests
{
    [Theory]
    [InlineData("0", "Linux", "v4l2:///dev/video0")]
    [InlineData("/dev/video2", "Linux", "v4l2:///dev/video2")]
    [InlineData("Integrated Camera", "Windows", "dshow://video=Integrated Camera")]
    [InlineData("video=USB Cam", "Windows", "dshow://video=USB Cam")]
    [InlineData("0", "OSX", "avfoundation://0")]
    [InlineData("v4l2:///dev/video5", "Windows", "v4l2:///dev/video5")]
    public void A_device_is_named_by_a_url_of_its_os(string device, string os, string url) =>
        Assert.Equal(url, LiveDevice.UrlOf(device, OSPlatform.Create(os.ToUpperInvariant())));

    [Fact]
    public void Device_urls_are_live_and_open_their_demuxer_while_network_urls_go_to_ffmpeg_as_they_are()
    {
        Assert.True(LiveUrl.IsLive("v4l2:///dev/video0"));
        Assert.True(LiveUrl.IsLive("dshow://video=Integrated Camera"));
        Assert.False(LiveUrl.IsLive("/dev/video0"));
        Assert.Equal(new FfmpegInput("v4l2", "/dev/video0"), LiveDevice.InputOf("v4l2:///dev/video0"));
        Assert.Equal(new FfmpegInput("dshow", "video=Integrated Camera"), LiveDevice.InputOf("dshow://video=Integrated Camera"));
        Assert.Equal(new FfmpegInput(null, "rtsp://cam3/stream"), LiveDevice.InputOf("rtsp://cam3/stream"));
    }

    [Theory]
    [InlineData("v4l2:///dev/video0", "dev_video0.detections.jsonl")]
    [InlineData("dshow://video=Integrated Camera", "dshow___video_Integrated_Camera.detections.jsonl")]
    public void A_devices_result_file_is_named_after_the_device(string url, string name) =>
        Assert.Equal(name, VideoDetect.Results.OutputLocation.NameFor(url, ".detections.jsonl"));

    [Fact]
    public void FFmpeg_is_given_the_device_demuxer_without_network_timeouts()
    {
        var device = LiveStream.Arguments(new LiveStreamOptions { Url = "v4l2:///dev/video0" });
        Assert.Equal(new[] { "-f", "v4l2", "-i", "/dev/video0" }, device.SkipWhile(a => a != "-f").Take(4));
        Assert.DoesNotContain("-rw_timeout", device);
        var http = LiveStream.Arguments(new LiveStreamOptions { Url = "http://127.0.0.1:9/cam" });
        Assert.Contains("-rw_timeout", http);
        Assert.Equal("http://127.0.0.1:9/cam", http[Array.IndexOf(http, "-i") + 1]);
        var rtsp = LiveStream.Arguments(new LiveStreamOptions { Url = "rtsp://127.0.0.1:9/live", RtspTransport = RtspTransport.Udp });
        Assert.Equal("udp", rtsp[Array.IndexOf(rtsp, "-rtsp_transport") + 1]);
    }

    [Fact]
    public void A_missing_video4linux_device_is_CaptureDeviceNotFound_before_ffmpeg_starts()
    {
        const string url = "v4l2:///dev/video-videodetect-missing";
        var e = Assert.Throws<CaptureDeviceNotFoundException>(() => LiveDevice.EnsureExists(url));
        Assert.Equal(ErrorIds.CaptureDeviceNotFound, e.ErrorId);
        Assert.Equal(url, e.Url);
        Assert.Contains("/dev/video-videodetect-missing", e.Message);
        LiveDevice.EnsureExists("rtsp://cam3/stream"); // not a device: nothing to check
    }

    [Theory]
    [InlineData("  Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(progressive), 160x120, 10 fps, 10 tbr, 90k tbn", 10, 1)]
    [InlineData("  Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p(progressive), 1920x1080 [SAR 1:1 DAR 16:9], 29.97 fps, 29.97 tbr, 90k tbn", 30000, 1001)]
    [InlineData("  Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x480, 23.98 fps, 23.98 tbr, 90k tbn", 24000, 1001)]
    [InlineData("  Stream #0:0: Video: mjpeg (Baseline), yuvj422p(pc, bt470bg/unknown/unknown), 640x480, 12.50 fps, 12.50 tbr, 1200k tbn", 25, 2)]
    [InlineData("  Stream #0:0: Video: h264, yuv420p, 320x240, 25 tbr, 90k tbn", 25, 1)]
    [InlineData("  Stream #0:0: Video: rawvideo, bgr24, 64x48, 1k fps, 1k tbr, 1k tbn", 1000, 1)]
    public void The_nominal_rate_is_read_from_ffmpegs_stream_line(string line, long num, long den) =>
        Assert.Equal(new Rational(num, den), FfmpegStreamLine.NominalRate(line));

    [Theory]
    [InlineData("  Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp")]
    [InlineData("Input #0, rtsp, from 'rtsp://127.0.0.1:8554/live':")]
    [InlineData("  Stream #0:0: Video: h264, yuv420p, 320x240, 90k tbn")]
    public void Lines_without_a_video_rate_give_none(string line) => Assert.Null(FfmpegStreamLine.NominalRate(line));

    [FfmpegFact]
    public async Task A_device_input_is_read_through_the_live_path_with_increasing_indices_and_its_rate()
    {
        // Not a camera: FFmpeg's lavfi test source stands in for the device's input (-f lavfi -i testsrc).
        var options = new LiveStreamOptions
        {
            Url = "v4l2:///dev/video-videodetect-lavfi",
            Input = new FfmpegInput("lavfi", "testsrc=size=64x48:rate=10"),
            MaxReconnect = 0,
        };
        using var stream = new LiveStream(options);
        stream.Start();
        var frames = new List<LiveFrame>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var e in stream.Events.ReadAllAsync(timeout.Token))
        {
            Assert.IsNotType<LiveEnded>(e);
            if (e is LiveFrame f) frames.Add(f);
            if (frames.Count == 12) break;
        }
        stream.Stop();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), frames.Select(f => f.Index));
        Assert.Equal(new Rational(10, 1), stream.NominalFrameRate);
        Assert.NotNull(stream.RecordingStart);
        Assert.True(stream.Frames.Take(0, () => false, out var first));
        Assert.Equal((64, 48, 64 * 48 * 3), (first.Width, first.Height, first.Pixels.Length));
    }
}
