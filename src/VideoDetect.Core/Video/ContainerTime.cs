using System.Buffers.Binary;

namespace VideoDetect.Video;

/// <summary>
/// The recording start a container states in its header: MP4/MOV/3GP (ISO base media: the
/// <c>mvhd</c> box's creation time, seconds since 1904-01-01 UTC) and Matroska/WebM (the segment
/// Info's <c>DateUTC</c>, nanoseconds since 2001-01-01 UTC). This is where ffmpeg's
/// <c>-metadata creation_time=…</c> and cameras put it. OpenCV does not expose it and ffprobe may be
/// missing, so the few header bytes are read here, without either: a handful of seeks, no decoding.
/// Other containers (AVI, MPEG-TS…), a zero time, or a header that does not parse give null, never
/// an error: the caller falls back to the file name or to offsets only.
/// </summary>
public static class ContainerTime
{
    private static readonly DateTime Mp4Epoch = new(1904, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime MatroskaEpoch = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    // Matroska element ids (with their length marker, as they appear in the file).
    private const uint EbmlHeader = 0x1A45DFA3, Segment = 0x18538067, Info = 0x1549A966, DateUtc = 0x4461, Cluster = 0x1F43B675;

    /// <summary>The creation time <paramref name="path"/>'s container states, in UTC; null when it states none or cannot be read.</summary>
    public static DateTimeOffset? Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            var head = new byte[8];
            if (stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8) return null;
            stream.Position = 0;
            return BinaryPrimitives.ReadUInt32BigEndian(head) == EbmlHeader ? ReadMatroska(stream) : ReadIsoMedia(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or EndOfStreamException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Walks the top-level boxes to <c>moov</c> (it may follow the media data), then its children to <c>mvhd</c>.</summary>
    private static DateTimeOffset? ReadIsoMedia(Stream stream)
    {
        var (moovStart, moovEnd) = IsoBoxes.Find(stream, 0, stream.Length, "moov") ?? default;
        if (moovEnd == 0) return null;
        var (mvhd, mvhdEnd) = IsoBoxes.Find(stream, moovStart, moovEnd, "mvhd") ?? default;
        if (mvhdEnd == 0) return null;
        stream.Position = mvhd;
        var buffer = new byte[12];
        if (stream.ReadAtLeast(buffer, 12, throwOnEndOfStream: false) < 12) return null;
        ulong seconds = buffer[0] == 1 ? BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(4)) : BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4));
        // 0 is "not set"; a value past year 9999 is garbage.
        if (seconds == 0 || seconds > (ulong)(DateTime.MaxValue - Mp4Epoch).TotalSeconds) return null;
        return new DateTimeOffset(Mp4Epoch.AddSeconds(seconds));
    }

    /// <summary>Reads the EBML header, then the Segment's children up to its Info (before the first Cluster).</summary>
    private static DateTimeOffset? ReadMatroska(Stream stream)
    {
        if (ReadId(stream) != EbmlHeader) return null;
        long headerSize = ReadSize(stream);
        if (headerSize < 0) return null;
        stream.Position += headerSize;
        if (ReadId(stream) != Segment) return null;
        long segmentSize = ReadSize(stream);
        long segmentEnd = segmentSize < 0 ? stream.Length : Math.Min(stream.Length, stream.Position + segmentSize);
        for (int elements = 0; stream.Position < segmentEnd && elements < 1000; elements++)
        {
            uint id = ReadId(stream);
            long size = ReadSize(stream);
            if (id == Cluster || size < 0) return null; // Info comes before the media; an unknown size cannot be skipped
            if (id != Info)
            {
                stream.Position += size;
                continue;
            }
            long infoEnd = stream.Position + size;
            while (stream.Position < infoEnd)
            {
                uint child = ReadId(stream);
                long childSize = ReadSize(stream);
                if (childSize < 0) return null;
                if (child != DateUtc || childSize is < 1 or > 8)
                {
                    stream.Position += childSize;
                    continue;
                }
                var bytes = new byte[8];
                stream.ReadExactly(bytes, 8 - (int)childSize, (int)childSize);
                if ((bytes[8 - childSize] & 0x80) != 0) for (int i = 0; i < 8 - childSize; i++) bytes[i] = 0xFF; // sign-extend
                long nanoseconds = BinaryPrimitives.ReadInt64BigEndian(bytes);
                return nanoseconds == 0 ? null : new DateTimeOffset(MatroskaEpoch.AddTicks(nanoseconds / 100));
            }
            return null;
        }
        return null;
    }

    /// <summary>An EBML element id, its length marker kept (1 to 4 bytes).</summary>
    private static uint ReadId(Stream stream)
    {
        int first = stream.ReadByte();
        if (first <= 0) throw new EndOfStreamException();
        int length = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : first >= 0x10 ? 4 : throw new EndOfStreamException();
        uint id = (uint)first;
        for (int i = 1; i < length; i++) id = (id << 8) | (uint)ReadByte(stream);
        return id;
    }

    /// <summary>An EBML data size (1 to 8 bytes, marker removed); -1 for "unknown" (all value bits set).</summary>
    private static long ReadSize(Stream stream)
    {
        int first = ReadByte(stream);
        int length = 1;
        while (length <= 8 && (first & (0x80 >> (length - 1))) == 0) length++;
        if (length > 8) throw new EndOfStreamException();
        long value = first & (0xFF >> length);
        bool allOnes = value == (0xFF >> length);
        for (int i = 1; i < length; i++)
        {
            int b = ReadByte(stream);
            value = (value << 8) | (uint)b;
            allOnes &= b == 0xFF;
        }
        return allOnes ? -1 : value;
    }

    private static int ReadByte(Stream stream) => stream.ReadByte() is var b and >= 0 ? b : throw new EndOfStreamException();
}
