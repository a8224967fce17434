using System.Buffers.Binary;
using System.Text;

using VideoDetect.Video;

namespace VideoDetect.Export;

/// <summary>
/// Whether a source's container declares an audio stream, read from its header without starting a
/// process: AVI (each <c>strl</c>'s <c>strh</c> names its stream type: <c>auds</c> is audio; a type other
/// than video, audio or text, e.g. DV's <c>iavs</c>, cannot tell) and
/// MP4/MOV/3GP (each <c>trak</c>'s <c>mdia/hdlr</c> handler: <c>soun</c> is audio). Export-AnnotatedVideo
/// asks it before the audio plan's ffprobe: a source that surely has no audio (most cameras' files)
/// needs no probe, which cost about 0.2 s of CPU a source (a process start) — a fifth of the encoder's
/// CPU over 192 frames (bench/README.md, export overhead). Null (ask ffprobe, as before) for any
/// other container (Matroska, MPEG-TS…) or a header that does not parse; never throws.
/// </summary>
public static class ContainerAudio
{
    /// <summary>True or false when the header says whether <paramref name="path"/> has an audio stream; null when it cannot tell.</summary>
    public static bool? HasAudio(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
            var head = new byte[12];
            if (stream.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12) return null;
            if (Tag(head, 0) == "RIFF" && Tag(head, 8) == "AVI ") return AviHasAudio(stream);
            return IsoHasAudio(stream, Tag(head, 4));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or EndOfStreamException or OverflowException)
        {
            return null;
        }
    }

    private static string Tag(ReadOnlySpan<byte> bytes, int offset) => Encoding.ASCII.GetString(bytes.Slice(offset, 4));

    /// <summary>AVI: the first RIFF's <c>LIST hdrl</c>, its <c>LIST strl</c> children, each one's <c>strh</c> type.</summary>
    private static bool? AviHasAudio(Stream stream)
    {
        long riffEnd = Math.Min(stream.Length, 8 + (long)ReadUInt32Le(stream, 4));
        long position = 12;
        var (hdrl, hdrlEnd) = NextRiffList(stream, ref position, riffEnd, "hdrl") ?? default;
        if (hdrlEnd == 0) return null;
        bool anyStream = false;
        position = hdrl;
        while (NextRiffList(stream, ref position, hdrlEnd, "strl") is var (strl, _))
        {
            // strl's first chunk is its strh; the stream type is strh's first four bytes.
            var strh = new byte[12];
            stream.Position = strl;
            if (stream.ReadAtLeast(strh, 12, throwOnEndOfStream: false) < 12 || Tag(strh, 0) != "strh") return null;
            anyStream = true;
            string type = Tag(strh, 8);
            if (type == "auds") return true;
            // 'iavs' (DV with its audio interleaved) carries sound without an 'auds' stream: unknown types cannot tell.
            if (type is not ("vids" or "txts")) return null;
        }
        return anyStream ? false : null;
    }

    /// <summary>
    /// The payload range (after the list type) of the next <c>LIST</c> of type <paramref name="listType"/>
    /// among the chunks from <paramref name="position"/> (moved past it) to <paramref name="end"/>; null when
    /// none is left. A chunk that runs past <paramref name="end"/>, or more than 1,000 of them, throws: a
    /// header that does not parse cannot tell (never "no audio"), as the ISO side (<see cref="IsoBoxes"/>).
    /// </summary>
    private static (long Start, long End)? NextRiffList(Stream stream, ref long position, long end, string listType)
    {
        var header = new byte[12];
        for (int chunks = 0; position + 8 <= end; chunks++)
        {
            if (chunks == 1000) throw new EndOfStreamException("Too many chunks.");
            stream.Position = position;
            stream.ReadExactly(header, 0, 8);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            long start = position, next = position + 8 + size + (size & 1); // chunks are padded to an even size
            if (start + 8 + size > end) throw new EndOfStreamException($"A '{Tag(header, 0)}' chunk runs past its parent.");
            position = next;
            if (Tag(header, 0) != "LIST" || size < 4) continue;
            stream.Position = start + 8;
            stream.ReadExactly(header, 8, 4);
            if (Tag(header, 8) == listType) return (start + 12, start + 8 + size);
        }
        return null;
    }

    private static uint ReadUInt32Le(Stream stream, long at)
    {
        var bytes = new byte[4];
        stream.Position = at;
        stream.ReadExactly(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>ISO base media: the <c>moov</c> box (it may follow the media data), each <c>trak/mdia/hdlr</c>'s handler type.</summary>
    private static bool? IsoHasAudio(Stream stream, string firstBox)
    {
        // An ISO file starts with ftyp (or, in old QuickTime files, another top-level box): anything else is not one.
        if (firstBox is not ("ftyp" or "moov" or "mdat" or "free" or "skip" or "wide" or "pnot")) return null;
        var (moov, moovEnd) = IsoBoxes.Find(stream, 0, stream.Length, "moov") ?? default;
        if (moovEnd == 0) return null;
        bool anyTrack = false;
        long position = moov;
        while (IsoBoxes.Next(stream, ref position, moovEnd, "trak") is var (trak, trakEnd))
        {
            var (mdia, mdiaEnd) = IsoBoxes.Find(stream, trak, trakEnd, "mdia") ?? default;
            var (hdlr, hdlrEnd) = mdiaEnd == 0 ? default : IsoBoxes.Find(stream, mdia, mdiaEnd, "hdlr") ?? default;
            if (hdlrEnd < hdlr + 12) return null;
            // hdlr: version and flags (4), pre_defined (4), handler_type (4).
            var handler = new byte[12];
            stream.Position = hdlr;
            stream.ReadExactly(handler);
            anyTrack = true;
            if (Tag(handler, 8) == "soun") return true;
        }
        return anyTrack ? false : null;
    }
}
