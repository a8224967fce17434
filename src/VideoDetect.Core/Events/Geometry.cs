using System.Globalization;
using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Events;

/// <summary>A named region or line was written wrongly: <see cref="ErrorIds.InvalidRegion"/>.</summary>
public sealed class InvalidRegionException(string message) : VideoDetectException(ErrorIds.InvalidRegion, message);

/// <summary>Points in source pixels, parsed from "x,y x,y …".</summary>
public static class Points
{
    public static (double X, double Y)[] Parse(string name, string text)
    {
        var points = new List<(double, double)>();
        foreach (string pair in (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            string[] xy = pair.Split(',');
            if (xy.Length != 2
                || !double.TryParse(xy[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                || !double.TryParse(xy[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y))
                throw new InvalidRegionException($"'{name}': '{pair}' is not a point; write points as 'x,y x,y ...' in source pixels, e.g. '100,200 300,200 300,400'.");
            points.Add((x, y));
        }
        return points.ToArray();
    }

    /// <summary>Where an object stands: the bottom-centre of its box (DeepStream's analytics and supervision's zones use it).</summary>
    public static (double X, double Y) Anchor(Detection d) => (d.X + d.Width / 2, d.Y + d.Height);
}

/// <summary>A named polygon in source pixels; an object is inside when its bottom-centre is.</summary>
public sealed class Region
{
    private readonly (double X, double Y)[] _points;

    public Region(string name, string points)
    {
        Name = name;
        _points = Points.Parse(name, points);
        if (_points.Length < 3) throw new InvalidRegionException($"Region '{name}' has {_points.Length} point(s); a polygon needs at least 3 ('x,y x,y x,y').");
    }

    public string Name { get; }
    public IReadOnlyList<(double X, double Y)> Polygon => _points;

    /// <summary>Even-odd ray casting (any simple or self-touching polygon).</summary>
    public bool Contains(double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = _points.Length - 1; i < _points.Length; j = i++)
        {
            var (xi, yi) = _points[i];
            var (xj, yj) = _points[j];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }
}

/// <summary>A named segment in source pixels that tracked objects are counted across.</summary>
public sealed class CrossingLine
{
    public CrossingLine(string name, string points)
    {
        Name = name;
        var p = Points.Parse(name, points);
        if (p.Length != 2 || p[0] == p[1]) throw new InvalidRegionException($"Line '{name}' needs two different points ('x1,y1 x2,y2'), got '{points}'.");
        (A, B) = (p[0], p[1]);
    }

    public string Name { get; }
    public (double X, double Y) A { get; }
    public (double X, double Y) B { get; }

    /// <summary>+1 on the right-hand side of A→B as seen on screen (y down), −1 on the left, 0 on the line.</summary>
    public int Side(double x, double y) => Math.Sign((B.X - A.X) * (y - A.Y) - (B.Y - A.Y) * (x - A.X));

    /// <summary>Whether the point lies beside the segment (its projection falls between A and B), not beside the line's extension.</summary>
    public bool Beside(double x, double y)
    {
        double dx = B.X - A.X, dy = B.Y - A.Y;
        double u = ((x - A.X) * dx + (y - A.Y) * dy) / (dx * dx + dy * dy);
        return u is >= 0 and <= 1;
    }
}
