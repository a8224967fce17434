using System.Collections;
using System.Globalization;
using System.Numerics;

namespace VideoDetect.Portable;

/// <summary>
/// Reads one value back exactly, whatever form a process boundary gave it: CliXml keeps .NET types
/// (Int64, Single, TimeSpan), JSON turns every whole number into Int64, every fraction into Double,
/// a TimeSpan into an object with Ticks (or, past ConvertTo-Json's depth, into its "c" string).
/// Each reader returns false when the value has another meaning (a fraction for a whole number, a
/// number out of range), so the caller can say which property is wrong; nothing is rounded.
/// </summary>
public static class PortableValues
{
    public static bool TryInt64(object? value, out long result)
    {
        result = 0;
        switch (value)
        {
            case long l: result = l; return true;
            case int i: result = i; return true;
            case short s: result = s; return true;
            case sbyte sb: result = sb; return true;
            case byte b: result = b; return true;
            case ushort us: result = us; return true;
            case uint ui: result = ui; return true;
            case ulong ul when ul <= long.MaxValue: result = (long)ul; return true;
            case BigInteger bi when bi >= long.MinValue && bi <= long.MaxValue: result = (long)bi; return true;
            // A fraction type holds a whole number exactly only below 2^53 (double) / 2^24 (float).
            case double d when Math.Abs(d) <= (1L << 53) && d == Math.Floor(d): result = (long)d; return true;
            case float f when Math.Abs(f) <= (1 << 24) && f == MathF.Floor(f): result = (long)f; return true;
            case decimal m when m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue: result = (long)m; return true;
            case string text: return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out result);
            default: return false;
        }
    }

    public static bool TryInt32(object? value, out int result)
    {
        result = 0;
        if (!TryInt64(value, out long l) || l < int.MinValue || l > int.MaxValue) return false;
        result = (int)l;
        return true;
    }

    /// <summary>
    /// A float comes back from JSON as the double nearest its shortest round-trip text ("R"), and
    /// that double converts back to the same float; a double that is no float's value (beyond
    /// float range) is refused.
    /// </summary>
    public static bool TrySingle(object? value, out float result)
    {
        result = 0;
        switch (value)
        {
            case float f: result = f; return true;
            case double d:
                result = (float)d;
                return !float.IsInfinity(result) || double.IsInfinity(d);
            case decimal m: result = (float)(double)m; return true;
            case string text: return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
            case bool: return false;
            default:
                if (!TryInt64(value, out long l)) return false;
                result = l;
                return true;
        }
    }

    public static bool TryDouble(object? value, out double result)
    {
        result = 0;
        switch (value)
        {
            case double d: result = d; return true;
            case float f: result = f; return true;
            case decimal m: result = (double)m; return true;
            case string text: return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
            case bool: return false;
            default:
                if (!TryInt64(value, out long l)) return false;
                result = l;
                return true;
        }
    }

    public static bool TryBoolean(object? value, out bool result)
    {
        result = false;
        switch (value)
        {
            case bool b: result = b; return true;
            case string text: return bool.TryParse(text, out result);
            default: return false;
        }
    }

    /// <summary>
    /// A DateTimeOffset as it is; CliXml's property bag of one (UtcTicks and Offset: exact); ISO 8601
    /// text with an offset (ConvertTo-Json's); a DateTime (ConvertFrom-Json turns ISO text into one:
    /// UTC or local kind, the instant kept, the offset that of its kind).
    /// </summary>
    public static bool TryDateTimeOffset(object? value, out DateTimeOffset result)
    {
        result = default;
        switch (value)
        {
            case DateTimeOffset t: result = t; return true;
            case DateTime d when d.Kind != DateTimeKind.Unspecified: result = new DateTimeOffset(d); return true;
            case PropertyBag bag when bag.TryGetValue("UtcTicks", out object? ticks) && TryInt64(ticks, out long utc)
                                      && bag.TryGetValue("Offset", out object? offset) && TryTimeSpan(offset, out var o):
                try
                {
                    result = new DateTimeOffset(utc + o.Ticks, o);
                    return true;
                }
                catch (ArgumentException)
                {
                    return false;
                }
            case string text:
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out result)
                    && (text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$"));
            default: return false;
        }
    }

    /// <summary>
    /// A TimeSpan as it is (CliXml), an object with Ticks (JSON), or text: "c" (d.hh:mm:ss.fffffff,
    /// what TimeSpan.ToString gives, exact to the tick) or ISO 8601 ("PT1.5S").
    /// </summary>
    public static bool TryTimeSpan(object? value, out TimeSpan result)
    {
        result = TimeSpan.Zero;
        switch (value)
        {
            case TimeSpan t: result = t; return true;
            case PropertyBag bag when bag.TryGetValue("Ticks", out object? ticks) && TryInt64(ticks, out long n):
                result = TimeSpan.FromTicks(n);
                return true;
            case IDictionary dict when dict.Contains("Ticks") && TryInt64(dict["Ticks"], out long n):
                result = TimeSpan.FromTicks(n);
                return true;
            case string text when text.TrimStart('-').StartsWith('P'):
                try
                {
                    result = System.Xml.XmlConvert.ToTimeSpan(text);
                    return true;
                }
                catch (FormatException)
                {
                    return false;
                }
            case string text:
                return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out result)
                    || TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out result);
            default: return false;
        }
    }

    /// <summary>Plain data for a free-form value (an Extras entry): bags become dictionaries, lists arrays.</summary>
    public static object? ToPlain(object? value) => value switch
    {
        PropertyBag bag => bag.ToDictionary(),
        string or null => value,
        IDictionary dict => PropertyBag.FromDictionary(dict).ToDictionary(),
        IEnumerable list => list.Cast<object?>().Select(ToPlain).ToArray(),
        _ => value,
    };

    /// <summary>What a value is, for an error message.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{(s.Length > 60 ? s[..57] + "..." : s)}\"",
        PropertyBag => "an object",
        _ => $"{value} ({value.GetType().Name})",
    };
}
