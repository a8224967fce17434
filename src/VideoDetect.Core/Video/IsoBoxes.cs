using System.Buffers.Binary;

namespace VideoDetect.Video;

/// <summary>
/// Walks the boxes of an ISO base media file (MP4, MOV, 3GP): the 8-byte header (big-endian size, then a
/// four-letter type), a 64-bit size when the size is 1, a box that runs to its parent's end when it is 0.
/// Used to read a container's creation time (<see cref="ContainerTime"/>) and whether it has audio
/// (<c>Export.ContainerAudio</c>) without starting a process. A box that does not fit its parent, or more
/// than 10,000 boxes at one level, throws <see cref="EndOfStreamException"/>: the callers' answer is then
/// "cannot tell".
/// </summary>
internal static class IsoBoxes
{
    private const int MaxBoxes = 10_000;

    /// <summary>The payload range of the first box named <paramref name="type"/> among the boxes in [start, end); null when none.</summary>
    public static (long Start, long End)? Find(Stream stream, long start, long end, string type)
    {
        long position = start;
        return Next(stream, ref position, end, type);
    }

    /// <summary>
    /// The payload range of the next box named <paramref name="type"/> from <paramref name="position"/>
    /// (moved past it); null when none is left before <paramref name="end"/>.
    /// </summary>
    public static (long Start, long End)? Next(Stream stream, ref long position, long end, string type)
    {
        var header = new byte[16];
        for (int boxes = 0; position + 8 <= end; boxes++)
        {
            if (boxes == MaxBoxes) throw new EndOfStreamException("Too many boxes.");
            stream.Position = position;
            stream.ReadExactly(header, 0, 8);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            int headerLength = 8;
            if (size == 1)
            {
                stream.ReadExactly(header, 8, 8);
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                headerLength = 16;
            }
            else if (size == 0) size = end - position; // the box runs to the end
            string tag = System.Text.Encoding.ASCII.GetString(header, 4, 4);
            if (size < headerLength || position + size > end) throw new EndOfStreamException($"A '{tag}' box runs past its parent.");
            long start = position;
            position += size;
            if (tag == type) return (start + headerLength, start + size);
        }
        return null;
    }
}
