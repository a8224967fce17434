using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VideoDetect.Errors;

namespace VideoDetect.Video;

/// <summary>
/// A file-name pattern that says when a recording started, e.g. <c>cam3_yyyyMMdd_HHmmss</c>. Tokens:
/// <c>yyyy</c> (or <c>yy</c>, 20yy), <c>MM</c>, <c>dd</c>, <c>HH</c>, <c>mm</c>, <c>ss</c>, <c>f</c>…<c>fffffff</c>
/// (fractions of a second) and <c>zzz</c> (an offset: <c>+01:00</c>, <c>+0100</c>, <c>Z</c>); <c>*</c> is
/// any text; everything else is literal (a single letter such as the m of "cam" too; quote text that
/// holds a token: <c>'comm'_yyyyMMdd</c>). The pattern is looked for anywhere in the file name, case
/// ignored. Year, month, day and hour are required.
/// <para>Zone rule: the name's own offset (<c>zzz</c>) when the pattern has one; otherwise the name is
/// a wall-clock time in the given zone (-TimeZone, else this machine's). A time that zone skips (the
/// hour clocks spring forward) gives no start; one it repeats (the hour they fall back) is read as the
/// first of the two, in daylight time — both with a note saying so.</para>
/// </summary>
public sealed class RecordingStartPattern
{
    private static readonly (string Token, string Group, string Regex)[] Tokens =
    {
        ("yyyy", "y", @"\d{4}"), ("yy", "yy", @"\d{2}"), ("MM", "M", @"\d{2}"), ("dd", "d", @"\d{2}"),
        ("HH", "H", @"\d{2}"), ("mm", "m", @"\d{2}"), ("ss", "s", @"\d{2}"),
        ("zzz", "z", @"Z|[+-]\d{2}:?\d{2}"),
    };

    private readonly Regex _regex;

    /// <summary>The pattern as given.</summary>
    public string Text { get; }

    /// <summary>True when the pattern reads the zone from the name (<c>zzz</c>).</summary>
    public bool HasOffset { get; }

    private RecordingStartPattern(string text, Regex regex, bool hasOffset) => (Text, _regex, HasOffset) = (text, regex, hasOffset);

    /// <summary>Compiles <paramref name="pattern"/>; <see cref="InvalidRecordingStartPatternException"/> when it lacks a required token or repeats one.</summary>
    public static RecordingStartPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new StringBuilder();
        var seen = new HashSet<string>();
        for (int i = 0; i < pattern.Length;)
        {
            char c = pattern[i];
            if (c == '\'')
            {
                int close = pattern.IndexOf('\'', i + 1);
                if (close < 0) throw Bad(pattern, "a quote is not closed");
                regex.Append(Regex.Escape(pattern[(i + 1)..close]));
                i = close + 1;
                continue;
            }
            if (c == '*') { regex.Append(".*?"); i++; continue; }
            if (c == 'f')
            {
                int n = 0;
                while (i + n < pattern.Length && pattern[i + n] == 'f') n++;
                if (n > 7) throw Bad(pattern, "more than 7 f (fractions of a second go to 100 ns)");
                if (!seen.Add("f")) throw Bad(pattern, "'f' appears twice");
                regex.Append($"(?<f>\\d{{{n}}})");
                i += n;
                continue;
            }
            var token = Tokens.FirstOrDefault(t => string.CompareOrdinal(pattern, i, t.Token, 0, t.Token.Length) == 0);
            if (token.Token is null)
            {
                regex.Append(Regex.Escape(c.ToString()));
                i++;
                continue;
            }
            string group = token.Group == "yy" ? "y" : token.Group;
            if (!seen.Add(group)) throw Bad(pattern, $"'{token.Token}' appears twice");
            regex.Append($"(?<{token.Group}>{token.Regex})");
            i += token.Token.Length;
        }
        var missing = new[] { ("y", "yyyy"), ("M", "MM"), ("d", "dd"), ("H", "HH") }.Where(g => !seen.Contains(g.Item1)).Select(g => g.Item2).ToList();
        if (missing.Count > 0) throw Bad(pattern, $"it has no {string.Join(", ", missing)} (year, month, day and hour are required)");
        return new RecordingStartPattern(pattern, new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), seen.Contains("z"));
    }

    /// <summary>
    /// The recording start in <paramref name="fileName"/> (a name or a path: only the name is read),
    /// with a note when the name does not match, names no real time, or falls in a skipped or repeated
    /// hour of <paramref name="zone"/>. Value null: no start from the name.
    /// </summary>
    public (DateTimeOffset? Value, string? Note) Match(string fileName, TimeZoneInfo zone)
    {
        string name = Path.GetFileName(fileName);
        var m = _regex.Match(name);
        if (!m.Success) return (null, $"the name does not match the pattern '{Text}'");
        int Part(string g, int fallback) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : fallback;
        int year = m.Groups["yy"].Success ? 2000 + Part("yy", 0) : Part("y", 0);
        DateTime wall;
        try
        {
            wall = new DateTime(year, Part("M", 1), Part("d", 1), Part("H", 0), Part("m", 0), Part("s", 0), DateTimeKind.Unspecified);
        }
        catch (ArgumentOutOfRangeException)
        {
            return (null, $"'{m.Value}' is not a real date and time");
        }
        if (m.Groups["f"].Success) wall = wall.AddTicks(long.Parse(m.Groups["f"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
        if (m.Groups["z"].Success) return (new DateTimeOffset(wall, Offset(m.Groups["z"].Value)), null);
        return InZone(wall, zone);
    }

    /// <summary>A wall-clock time in <paramref name="zone"/>: its offset there, with a note for a skipped or repeated hour.</summary>
    public static (DateTimeOffset? Value, string? Note) InZone(DateTime wall, TimeZoneInfo zone)
    {
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
            return (null, $"{wall:yyyy-MM-dd HH:mm:ss} does not exist in {zone.Id} (the clocks spring forward over it)");
        if (zone.IsAmbiguousTime(wall))
        {
            var first = zone.GetAmbiguousTimeOffsets(wall).Max(); // daylight time: the earlier of the two instants
            return (new DateTimeOffset(wall, first), $"{wall:yyyy-MM-dd HH:mm:ss} happens twice in {zone.Id} (the clocks fall back); read as the first, {Format(first)}");
        }
        return (new DateTimeOffset(wall, zone.GetUtcOffset(wall)), null);
    }

    private static TimeSpan Offset(string text)
    {
        if (text is "Z" or "z") return TimeSpan.Zero;
        string digits = text[1..].Replace(":", "", StringComparison.Ordinal);
        var offset = new TimeSpan(int.Parse(digits[..2], CultureInfo.InvariantCulture), int.Parse(digits[2..], CultureInfo.InvariantCulture), 0);
        return text[0] == '-' ? -offset : offset;
    }

    private static string Format(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static InvalidRecordingStartPatternException Bad(string pattern, string why) =>
        new($"-RecordingStartPattern '{pattern}' cannot read a time from file names: {why}. Example: 'cam3_yyyyMMdd_HHmmss' (see about_VideoDetect).");

    public override string ToString() => Text;
}
