using System.Globalization;

namespace VideoDetect.Video;

/// <summary>
/// An exact frame rate such as 2997/125 (23.976 fps) or 30000/1001. OpenCV reports the rate as a
/// double; <see cref="FromDouble"/> recovers the rational the container most likely holds.
/// Serialises as its parts and prints as "num/den".
/// </summary>
public readonly record struct Rational(long Numerator, long Denominator)
{
    /// <summary>The rate as a double (NaN for a zero denominator).</summary>
    public double Value => Denominator == 0 ? double.NaN : (double)Numerator / Denominator;

    /// <summary>True when both parts are positive.</summary>
    public bool IsPositive => Numerator > 0 && Denominator > 0;

    /// <summary>
    /// The simplest fraction within a relative 1e-12 of <paramref name="value"/>, with a denominator of
    /// at most <paramref name="maxDenominator"/> (continued fractions). 23.976 gives 2997/125,
    /// 29.97002997 gives 30000/1001, 14.999925000375 gives 1000000/66667.
    /// </summary>
    public static Rational FromDouble(double value, long maxDenominator = 1_000_000)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value <= 0) return new Rational(0, 1);
        long h0 = 0, h1 = 1, k0 = 1, k1 = 0; // convergents h/k
        double x = value;
        for (int i = 0; i < 64; i++)
        {
            double a = Math.Floor(x);
            if (a > long.MaxValue / 4) break;
            long ai = (long)a;
            long h2 = ai * h1 + h0, k2 = ai * k1 + k0;
            if (k2 > maxDenominator) break;
            h0 = h1; h1 = h2; k0 = k1; k1 = k2;
            if (Math.Abs((double)h1 / k1 - value) <= value * 1e-12) break;
            double frac = x - a;
            if (frac < 1e-15) break;
            x = 1 / frac;
        }
        return k1 == 0 ? new Rational((long)Math.Round(value), 1) : new Rational(h1, k1);
    }

    /// <summary>Parses "2997/125", "30" or "23.976".</summary>
    public static Rational Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2)
            return new Rational(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
        return FromDouble(double.Parse(parts[0], CultureInfo.InvariantCulture));
    }

    public override string ToString() => Denominator == 1
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}
