using OpenCvSharp;

namespace VideoDetect.Export;

/// <summary>
/// Where each box's label goes, so that no label covers another and every label stays inside the
/// frame. Labels are placed in the order given; each takes the first free place of: above its box,
/// below it, inside its top edge, inside its bottom edge (each moved inside the frame). When all four
/// are taken it is stacked: moved up past the label in its way, again and again, from above its box,
/// else down from below it. Only when no stack fits in the frame (more labels than room) does it
/// overlap, at its first place. A plain function of rectangles: no drawing, no state.
/// </summary>
public static class LabelLayout
{
    /// <summary>
    /// The label rectangles (same order as <paramref name="boxes"/>) for labels of
    /// <paramref name="sizes"/> in a frame of <paramref name="frame"/>. A label wider or taller than
    /// the frame is cut to it.
    /// </summary>
    public static Rect[] Place(Size frame, IReadOnlyList<Rect> boxes, IReadOnlyList<Size> sizes)
    {
        if (boxes.Count != sizes.Count) throw new ArgumentException("One label size per box is required.", nameof(sizes));
        var placed = new Rect[boxes.Count];
        Span<Rect> candidates = stackalloc Rect[4];
        for (int i = 0; i < boxes.Count; i++)
        {
            var b = boxes[i];
            int w = Math.Min(sizes[i].Width, frame.Width), h = Math.Min(sizes[i].Height, frame.Height);
            candidates[0] = Inside(frame, b.X, b.Y - h, w, h);      // above the box
            candidates[1] = Inside(frame, b.X, b.Bottom, w, h);     // below it
            candidates[2] = Inside(frame, b.X, b.Y, w, h);          // inside, at its top
            candidates[3] = Inside(frame, b.X, b.Bottom - h, w, h); // inside, at its bottom
            placed[i] = Free(candidates, placed.AsSpan(0, i))
                ?? Stack(frame, candidates[0], placed.AsSpan(0, i), up: true)
                ?? Stack(frame, candidates[1], placed.AsSpan(0, i), up: false)
                ?? candidates[0];
        }
        return placed;
    }

    private static Rect Inside(Size frame, int x, int y, int w, int h) =>
        new(Math.Clamp(x, 0, frame.Width - w), Math.Clamp(y, 0, frame.Height - h), w, h);

    private static Rect? Free(ReadOnlySpan<Rect> candidates, ReadOnlySpan<Rect> placed)
    {
        foreach (var c in candidates)
        {
            if (FirstOverlap(c, placed) < 0) return c;
        }
        return null;
    }

    /// <summary>Moves <paramref name="start"/> past each label in its way (up or down) until it is free; null when it leaves the frame.</summary>
    private static Rect? Stack(Size frame, Rect start, ReadOnlySpan<Rect> placed, bool up)
    {
        var r = start;
        // Each step clears one placed label for good (it moves past it), so placed.Length steps suffice.
        for (int step = 0; step <= placed.Length; step++)
        {
            int hit = FirstOverlap(r, placed);
            if (hit < 0) return r;
            int y = up ? placed[hit].Y - r.Height : placed[hit].Bottom;
            if (y < 0 || y + r.Height > frame.Height) return null;
            r = new Rect(r.X, y, r.Width, r.Height);
        }
        return null;
    }

    private static int FirstOverlap(Rect r, ReadOnlySpan<Rect> placed)
    {
        for (int j = 0; j < placed.Length; j++)
        {
            var p = placed[j];
            if (r.X < p.Right && p.X < r.Right && r.Y < p.Bottom && p.Y < r.Bottom) return j;
        }
        return -1;
    }
}
