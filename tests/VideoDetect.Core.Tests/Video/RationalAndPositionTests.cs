using VideoDetect.Video;
using Xunit;

namespace VideoDetect.Tests.Video;

public class RationalAndPositionTests
{
    [Theory]
    [InlineData(10.0, 10, 1)]
    [InlineData(23.976, 2997, 125)]
    [InlineData(30000.0 / 1001, 30000, 1001)]
    [InlineData(24000.0 / 1001, 24000, 1001)]
    [InlineData(1000000.0 / 66667, 1000000, 66667)]
    [InlineData(25.0, 25, 1)]
    [InlineData(12.5, 25, 2)]
    public void FromDouble_recovers_the_container_rational(double fps, long num, long den)
    {
        var r = Rational.FromDouble(fps);
        Assert.Equal(new Rational(num, den), r);
        Assert.Equal(fps, r.Value, 12);
    }

    [Fact]
    public void FromDouble_of_nonsense_is_zero_and_not_positive()
    {
        Assert.False(Rational.FromDouble(double.NaN).IsPositive);
        Assert.False(Rational.FromDouble(0).IsPositive);
        Assert.False(Rational.FromDouble(-3).IsPositive);
    }

    [Fact]
    public void Rational_prints_and_parses()
    {
        Assert.Equal("2997/125", new Rational(2997, 125).ToString());
        Assert.Equal("10", new Rational(10, 1).ToString());
        Assert.Equal(new Rational(30000, 1001), Rational.Parse("30000/1001"));
        Assert.Equal(new Rational(2997, 125), Rational.Parse("23.976"));
    }

    [Theory]
    [InlineData("100", 100L, null)]
    [InlineData("2.5s", null, 2500.0)]
    [InlineData("2.5sec", null, 2500.0)]
    [InlineData("500ms", null, 500.0)]
    [InlineData("1.5min", null, 90000.0)]
    [InlineData("1.5m", null, 90000.0)]
    [InlineData("1h", null, 3600000.0)]
    [InlineData("00:01:30", null, 90000.0)]
    [InlineData("00:00:02.5", null, 2500.0)]
    public void VideoPosition_parses_frames_and_times(string text, long? frames, double? ms)
    {
        var p = VideoPosition.Parse(text);
        Assert.Equal(frames, p.Frames);
        Assert.Equal(ms, p.Time?.TotalMilliseconds);
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("2.5")]
    [InlineData("s")]
    [InlineData("")]
    public void VideoPosition_refuses_what_is_neither(string text) =>
        Assert.Throws<FormatException>(() => VideoPosition.Parse(text));
}
