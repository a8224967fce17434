using System.Globalization;
using System.Management.Automation;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// Turns a parameter value into a <see cref="VideoPosition"/>: an integer is frames; a TimeSpan, or a
/// string such as "2.5s", "500ms" or "00:01:30", is time. A fractional number is refused (frames are
/// whole; write "2.5s" for time).
/// <para>PowerShell reads an unquoted <c>10s</c> as the number 10 of type [short] (its numeric suffix
/// for Int16), so a [short] is taken as seconds: <c>-Start 10s</c> means ten seconds, as it reads.
/// An unquoted <c>2.5s</c> becomes [short]2 before any cmdlet sees it: quote fractional times
/// ("2.5s") or use milliseconds (2500ms).</para>
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class VideoPositionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value switch
        {
            VideoPosition p => p,
            TimeSpan t => VideoPosition.FromTime(t),
            short seconds => VideoPosition.FromSeconds(seconds),
            int or long or byte or uint or ulong or ushort or sbyte => VideoPosition.FromFrames(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
            double or float or decimal when IsWhole(value) => VideoPosition.FromFrames(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
            double or float or decimal => throw new ArgumentTransformationMetadataException(
                $"'{value}' is not a whole number of frames; for a time write e.g. '{Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}s'."),
            string s => Parse(s),
            _ => throw new ArgumentTransformationMetadataException($"Cannot use a {value?.GetType().Name ?? "null"} as a frame number or time."),
        };
    }

    private static bool IsWhole(object v) => Convert.ToDouble(v, CultureInfo.InvariantCulture) is var d && d == Math.Floor(d) && Math.Abs(d) < 1e15;

    private static VideoPosition Parse(string s)
    {
        try
        {
            return VideoPosition.Parse(s);
        }
        catch (FormatException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}

/// <summary>
/// Turns a parameter value into a TimeSpan where a bare number means seconds (PowerShell's own
/// conversion would read <c>2.5</c> as 2 ticks): 2.5, "2.5", "2.5s", "500ms", "00:00:02.5" or a TimeSpan.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan t:
                return t;
            case int or long or short or byte or double or float or decimal or uint or ulong or ushort or sbyte:
                return VideoPosition.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)).Time!.Value;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds):
                return VideoPosition.FromSeconds(seconds).Time!.Value;
            case string s:
                VideoPosition p;
                try { p = VideoPosition.Parse(s); }
                catch (FormatException e) { throw new ArgumentTransformationMetadataException(e.Message, e); }
                return p.Time ?? throw new ArgumentTransformationMetadataException($"'{s}' is not a time.");
            default:
                throw new ArgumentTransformationMetadataException($"Cannot use a {value?.GetType().Name ?? "null"} as a duration; give seconds (2.5) or a TimeSpan.");
        }
    }
}

/// <summary>Refuses negative (and, unless allowed, zero) positions and durations.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidatePositiveAttribute : ValidateArgumentsAttribute
{
    /// <summary>Also accept zero (for -Start).</summary>
    public bool AllowZero { get; set; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object value = arguments is PSObject pso ? pso.BaseObject : arguments;
        (bool negative, bool zero) = value switch
        {
            VideoPosition p => (p.IsNegative, p.IsZero),
            TimeSpan t => (t < TimeSpan.Zero, t == TimeSpan.Zero),
            _ => (false, false),
        };
        if (negative || (zero && !AllowZero))
            throw new ValidationMetadataException($"The value {value} must be {(AllowZero ? "zero or more" : "greater than zero")}.");
    }
}
