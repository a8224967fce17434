using System.Globalization;

namespace VideoDetect.Commands;

/// <summary>A -ThrottleLimit value: a number 1..64, or Auto (the command's rule for this machine).</summary>
internal static class ThrottleLimitArgument
{
    /// <summary>What [ValidatePattern] accepts: Auto (any case) or 1..64.</summary>
    public const string Pattern = @"^\s*(?i:auto|[1-9]|[1-5][0-9]|6[0-4])\s*$";

    /// <summary>The number given, or <paramref name="auto"/>'s answer for Auto.</summary>
    public static int Resolve(string value, Func<int> auto) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : auto();
}
