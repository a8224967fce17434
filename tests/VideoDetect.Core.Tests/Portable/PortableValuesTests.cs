using System.Globalization;
using VideoDetect.Portable;
using Xunit;

namespace VideoDetect.Tests.Portable;

/// <summary>The value readers on the forms CliXml and JSON give back: exact, or refused.</summary>
public class PortableValuesTests
{
    [Fact]
    public void A_float_written_as_its_round_trip_text_and_read_as_a_double_comes_back_as_the_same_float()
    {
        // What ConvertTo-Json (float.ToString("R")) and ConvertFrom-Json (a Double) do to a confidence.
        var random = new Random(17);
        var hard = new[] { 0.1f, 1f / 3, 0.99999994f, float.Epsilon, 1e-38f, float.MaxValue, 0.30000001f };
        var samples = hard.Concat(Enumerable.Range(0, 200_000).Select(_ => BitConverter.Int32BitsToSingle(random.Next() & 0x3F7FFFFF)));
        foreach (float f in samples)
        {
            double d = double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            Assert.True(PortableValues.TrySingle(d, out float back));
            Assert.Equal(BitConverter.SingleToInt32Bits(f), BitConverter.SingleToInt32Bits(back));
        }
    }

    [Theory]
    [InlineData(5_000_000_000L, 5_000_000_000L)]   // a frame index past 32 bits, as JSON's Int64
    [InlineData(7, 7L)]                           // CliXml's Int32
    [InlineData(4096.0, 4096L)]                   // a whole double
    [InlineData("123456789012", 123456789012L)]   // text (CSV)
    public void Whole_numbers_are_read_from_every_integral_form(object value, long expected)
    {
        Assert.True(PortableValues.TryInt64(value, out long n));
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData(2.5)]                 // a fraction is not a frame index
    [InlineData(9007199254740994.0)]  // past 2^53 a double no longer says which integer it was
    [InlineData("12x")]
    [InlineData(true)]
    public void Values_that_are_not_exactly_a_whole_number_are_refused(object value)
    {
        Assert.False(PortableValues.TryInt64(value, out _));
    }

    [Fact]
    public void A_32_bit_value_out_of_range_is_refused_not_wrapped()
    {
        Assert.False(PortableValues.TryInt32(5_000_000_000L, out _));
        Assert.True(PortableValues.TryInt32(-3L, out int v));
        Assert.Equal(-3, v);
    }

    [Fact]
    public void A_timestamp_comes_back_to_the_tick_from_a_TimeSpan_its_JSON_object_or_its_text()
    {
        var t = TimeSpan.FromTicks(1_234_567_891L);
        Assert.True(PortableValues.TryTimeSpan(t, out var a));
        // ConvertTo-Json writes a TimeSpan as an object with Ticks (and rounded totals, ignored).
        var json = new PropertyBag(new Dictionary<string, object?> { ["Ticks"] = 1_234_567_891L, ["TotalSeconds"] = 123.4567891, ["Milliseconds"] = 456L });
        Assert.True(PortableValues.TryTimeSpan(json, out var b));
        // Past ConvertTo-Json's depth it writes TimeSpan.ToString(): "c", exact to the tick.
        Assert.True(PortableValues.TryTimeSpan(t.ToString(), out var c));
        Assert.True(PortableValues.TryTimeSpan("PT2M3.4567891S", out var d));
        Assert.Equal(new[] { t, t, t }, new[] { a, b, c });
        Assert.Equal(t, d);
        Assert.False(PortableValues.TryTimeSpan("soon", out _));
        Assert.False(PortableValues.TryTimeSpan(12.5, out _));
    }
}
