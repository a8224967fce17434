using System.Globalization;
using System.Text;

namespace VideoDetect.Inference;

/// <summary>
/// The compact mask encoding carried on <see cref="Detection.Mask"/>: polygons in source pixels,
/// "x,y x,y …" with one decimal in the invariant culture, polygons separated by ";". Plain functions.
/// </summary>
public static class MaskPolygon
{
    /// <summary>Encodes polygons (each a list of points); empty polygons are left out; null when none is left.</summary>
    public static string? Encode(IEnumerable<IReadOnlyList<(double X, double Y)>> polygons)
    {
        var text = new StringBuilder();
        foreach (var polygon in polygons)
        {
            if (polygon.Count == 0) continue;
            if (text.Length > 0) text.Append(';');
            for (int i = 0; i < polygon.Count; i++)
            {
                if (i > 0) text.Append(' ');
                text.Append(polygon[i].X.ToString("0.#", CultureInfo.InvariantCulture)).Append(',')
                    .Append(polygon[i].Y.ToString("0.#", CultureInfo.InvariantCulture));
            }
        }
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>Reads <see cref="Detection.Mask"/> back into polygons; empty for null or blank text. Throws <see cref="FormatException"/> on malformed text.</summary>
    public static IReadOnlyList<(double X, double Y)[]> Decode(string? mask)
    {
        if (string.IsNullOrWhiteSpace(mask)) return Array.Empty<(double, double)[]>();
        return mask.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(polygon => polygon.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(point =>
            {
                int comma = point.IndexOf(',');
                if (comma <= 0) throw new FormatException($"'{point}' is not an x,y point.");
                return (double.Parse(point.AsSpan(0, comma), NumberStyles.Float, CultureInfo.InvariantCulture),
                    double.Parse(point.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture));
            }).ToArray())
            .ToArray();
    }
}
