using VideoDetect.Errors;
using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

/// <summary>Which paths are live URLs (said to be unsupported, not "Cannot find drive"), and which are still files.</summary>
public class LiveUrlTests
{
    [Theory]
    [InlineData("rtsp://camera.local:554/stream1")]
    [InlineData("RTSP://CAM/1")]
    [InlineData("rtsps://cam/1")]
    [InlineData("http://camera.local/video.mjpg")]
    [InlineData("https://example.com/live.m3u8")]
    [InlineData("udp://239.0.0.1:1234")]
    [InlineData("srt://host:9000")]
    [InlineData("rtmp://host/app/key")]
    public void A_stream_url_is_live(string path) => Assert.True(LiveUrl.IsLive(path));

    [Theory]
    [InlineData("rtsp")]                        // a file named like a scheme
    [InlineData("rtsp/cam1.avi")]
    [InlineData("/srv/cameras/rtsp:/x.avi")]    // a colon in a Unix name, no "://"
    [InlineData("C:/cameras/x.avi")]
    [InlineData("file:///srv/x.avi")]           // a file URL is a file
    [InlineData("./http://x.avi")]              // a relative path whose first folder is "http:"
    [InlineData("")]
    [InlineData(null)]
    public void A_file_path_is_not_live(string? path) => Assert.False(LiveUrl.IsLive(path));

    [Fact]
    public void The_error_names_the_url_says_live_input_is_not_supported_and_has_its_own_id()
    {
        var e = new LiveSourceNotSupportedException("rtsp://cam/1");
        Assert.Equal(ErrorIds.LiveSourceNotSupported, e.ErrorId);
        Assert.Equal(ErrorKind.NotImplemented, ErrorTable.KindOf(e.ErrorId));
        Assert.Contains("'rtsp://cam/1'", e.Message);
        Assert.Contains("live input is not supported by this cmdlet", e.Message);
        Assert.Contains("Split-VideoClip -Path 'rtsp://cam/1' receives the stream", e.Message);
        Assert.Equal("rtsp://cam/1", e.Url);
    }
}
