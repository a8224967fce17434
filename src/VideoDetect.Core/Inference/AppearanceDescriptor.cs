namespace VideoDetect.Inference;

/// <summary>What a <see cref="Detection.Appearance"/> descriptor was computed by (its first byte).</summary>
public enum AppearanceKind : byte
{
    /// <summary>The built-in colour histogram (<see cref="AppearanceHistogram"/>): 64 bins, each a uint8 (value × 255).</summary>
    ColourHistogram = 1,
    /// <summary>A ReID network's embedding (Invoke-FrameDetection -AppearanceModel): D values, each an int8 (value × 127).</summary>
    Embedding = 2,
}

/// <summary>
/// The compact form of an appearance descriptor carried on <see cref="Detection.Appearance"/>, and the
/// distance trackers compare two of them with. Plain functions, no state.
/// <para>
/// Encoding: base64 of one kind byte (<see cref="AppearanceKind"/>) followed by one quantised byte per
/// dimension of an L2-normalised vector — uint8 <c>round(v × 255)</c> for the colour histogram (its
/// values are never negative), int8 <c>round(v × 127)</c> for an embedding. A 64-bin histogram is 88
/// characters. A string, so it survives CliXml, JSON, CSV and the result files as it is (like
/// <see cref="Detection.Mask"/>).
/// </para>
/// <para>
/// Distance: the cosine distance <c>1 − a·b</c> of the decoded, re-normalised vectors. For histograms
/// (non-negative) it lies in 0..1, for embeddings in 0..2; 0 is the same look. Cosine rather than
/// Bhattacharyya because it means the same for both kinds, and on unit vectors it is one dot product
/// (a tracker's cost matrix can decode each descriptor once and compare many).
/// </para>
/// </summary>
public static class AppearanceDescriptor
{
    /// <summary>Encodes a vector (L2-normalised here; a zero vector gives null) as <paramref name="kind"/>.</summary>
    public static string? Encode(AppearanceKind kind, ReadOnlySpan<float> vector)
    {
        double norm = 0;
        foreach (float v in vector) norm += (double)v * v;
        if (!(norm > 0) || double.IsInfinity(norm)) return null;
        double k = 1 / Math.Sqrt(norm);
        var bytes = new byte[1 + vector.Length];
        bytes[0] = (byte)kind;
        for (int i = 0; i < vector.Length; i++)
        {
            double v = vector[i] * k;
            bytes[1 + i] = kind == AppearanceKind.ColourHistogram
                ? (byte)Math.Clamp((int)Math.Round(v * 255), 0, 255)
                : unchecked((byte)(sbyte)Math.Clamp((int)Math.Round(v * 127), -127, 127));
        }
        return Convert.ToBase64String(bytes);
    }

    /// <summary>
    /// The kind and the unit vector of <paramref name="appearance"/>; null for null, blank or unreadable
    /// text (not base64, an unknown kind, no dimension, all zero), so a damaged value never stops a tracker.
    /// </summary>
    public static (AppearanceKind Kind, float[] Vector)? Decode(string? appearance)
    {
        if (string.IsNullOrWhiteSpace(appearance)) return null;
        var bytes = new byte[(appearance.Length * 3 + 3) / 4];
        if (!Convert.TryFromBase64String(appearance, bytes, out int length) || length < 2) return null;
        var kind = (AppearanceKind)bytes[0];
        if (kind is not (AppearanceKind.ColourHistogram or AppearanceKind.Embedding)) return null;
        var vector = new float[length - 1];
        double norm = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            byte b = bytes[1 + i];
            vector[i] = kind == AppearanceKind.ColourHistogram ? b : unchecked((sbyte)b);
            norm += (double)vector[i] * vector[i];
        }
        if (!(norm > 0)) return null;
        float k = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < vector.Length; i++) vector[i] *= k;
        return (kind, vector);
    }

    /// <summary>
    /// The cosine distance of two descriptors (0 = the same look; histograms 0..1, embeddings 0..2);
    /// null when either is missing or unreadable, or they are of different kinds or lengths (a file
    /// from another -AppearanceModel): then appearance says nothing and a tracker uses motion alone.
    /// </summary>
    public static double? Distance(string? a, string? b) =>
        Decode(a) is { } x && Decode(b) is { } y && x.Kind == y.Kind ? Distance(x.Vector, y.Vector) : null;

    /// <summary>The cosine distance of two decoded unit vectors (<see cref="Decode"/>); null when their lengths differ.</summary>
    public static double? Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) return null;
        double dot = 0;
        for (int i = 0; i < a.Length; i++) dot += (double)a[i] * b[i];
        return Math.Clamp(1 - dot, 0, 2);
    }

    /// <summary>
    /// Folds <paramref name="seen"/> into <paramref name="smoothed"/> in place (same length):
    /// <c>momentum × smoothed + (1 − momentum) × seen</c>, re-normalised; left unscaled when its norm is zero.
    /// </summary>
    internal static void Blend(float[] smoothed, float[] seen, double momentum)
    {
        double norm = 0;
        for (int i = 0; i < smoothed.Length; i++)
        {
            smoothed[i] = (float)(momentum * smoothed[i] + (1 - momentum) * seen[i]);
            norm += (double)smoothed[i] * smoothed[i];
        }
        if (norm > 0)
        {
            float k = (float)(1 / Math.Sqrt(norm));
            for (int i = 0; i < smoothed.Length; i++) smoothed[i] *= k;
        }
    }
}
