using OpenCvSharp;
using VideoDetect.Video;

namespace VideoDetect.Batching;

/// <summary>Where a <see cref="RangeDecoder"/> sends what it decodes, in frame order.</summary>
internal interface IRangeSink
{
    /// <summary>A decoded frame on the stride grid; the sink takes ownership of <paramref name="frame"/> (a <see cref="MatPool"/> Mat).</summary>
    ValueTask FrameAsync(FrameRef reference, Mat frame, CancellationToken ct);

    /// <summary>A frame on the grid that the motion gate held (its Mat was already returned): it follows the last frame sent.</summary>
    ValueTask HeldAsync(FrameRef reference, CancellationToken ct);

    /// <summary>Frames that did not decode; reported where they were found.</summary>
    ValueTask WarningAsync(BatchWarning warning, CancellationToken ct);
}

/// <summary>
/// Executes <see cref="DecodeRange"/>s — it decides nothing: it seeks exactly to a range's first
/// frame when its reader is elsewhere, decodes to the range's end, and hands the frames on the
/// range's stride grid (converted to BGR) to a sink; frames between them are decoded but not
/// converted. Consecutive ranges of one video continue the same reader.
/// <para>Sources: frames come through the frame-source seam (<see cref="IFrameSource"/>, opened by a
/// <see cref="FrameSources"/>): a file exactly and seekably; a forward-only source in order (a range
/// that starts before where it stands, or a reopen after <see cref="Close"/>, is refused by the source
/// with <see cref="SourceNotSeekableException"/>). Timestamps are the source's (a file's: its exact index).</para>
/// <para>With the motion gate (-SkipStatic) a file opens through <see cref="FrameSources.OpenGatedFile"/>:
/// when the source offers the luma plane (<see cref="ILumaFrameSource"/>), the gate decides on it before
/// any conversion and only admitted frames are converted to BGR; else every frame on the grid is
/// converted and the gate reads the BGR frame.</para>
/// <para>Kept frames: while a writer wants file frames (<see cref="LiveFrameTaps.FilesWanted"/>: an
/// Export-AnnotatedVideo in the pipeline), each frame of a file decoded by OpenCV's <see cref="VideoReader"/>
/// (the writer's own decoder and conversion, so the same pixels) is offered to it (copied; the Mat stays
/// this decoder's): the frames on the grid as converted anyway, the frames between them converted only
/// when a tap has room for them (a conversion here is cheaper than the writer's decode). A gated
/// decode through <see cref="FfmpegFileSource"/> offers nothing: most of its frames are never converted
/// (held), and its conversion is not OpenCV's; the writer decodes those files itself.</para>
/// <para>Ownership: the decoder owns its source (one capture) and disposes it on
/// <see cref="Close"/>, on a range of another video and on <see cref="Dispose"/>. One thread at a time.</para>
/// </summary>
internal sealed class RangeDecoder : IDisposable
{
    private readonly MatPool _mats;
    private readonly DecodeTally? _tally;
    private readonly MotionGate? _gate;
    private readonly FrameSources _sources;
    private IFrameSource? _reader;
    private string? _path;
    private int _readerThreads;

    /// <param name="gate">-SkipStatic: the motion gate's options; null sends every frame on the grid.</param>
    /// <param name="tally">Where the decode work is counted (shared by a batcher's workers); null: nowhere.</param>
    /// <param name="sources">Opens the ranges' sources; <see cref="FrameSources.Files"/> when null.</param>
    public RangeDecoder(MatPool mats, MotionGateOptions? gate = null, DecodeTally? tally = null, FrameSources? sources = null)
    {
        _sources = sources ?? FrameSources.Files;
        _mats = mats;
        _tally = tally;
        _gate = gate is null ? null : new MotionGate(gate);
    }

    /// <summary>
    /// FFmpeg decoding threads for the captures this decoder opens (0: OpenCV's default). A change
    /// takes effect at the next capture opened, or at the next range that does not start where the
    /// reader stands (its capture is reopened and seeks exactly; a run's first range usually seeks
    /// anyway); a range that continues the reader keeps it. Threads never change the pixels.
    /// </summary>
    public int DecodeThreads { get; set; }

    public async ValueTask DecodeAsync(DecodeRange range, IRangeSink sink, CancellationToken ct)
    {
        var reader = ReaderFor(range);
        var clip = range.Clip;
        string name = System.IO.Path.GetFileName(clip.Path);
        if (reader.Position != range.First)
        {
            int seeks = reader.SeekCount;
            reader.Seek(range.First);
            if (reader.SeekCount != seeks) _tally?.Sought(range.Path, range.First);
        }
        _gate?.Restart(); // each clip's first frame is inferred: see MotionGate for why
        var keepAs = KeptAs(reader, clip.Path);
        var gap = clip.GapBefore; // a live stream's gap before the clip: marked on its first frame batched
        var grey = _gate is not null ? reader as ILumaFrameSource : null; // the gate reads its luma when it has one
        while (reader.Position < range.End)
        {
            ct.ThrowIfCancellationRequested();
            if (!reader.Grab())
            {
                await sink.WarningAsync(new BatchWarning(clip.Path,
                    $"{name}: decoding stopped at frame {reader.Position} of clip {clip.Index} (frames {reader.Position}..{range.End - 1} did not decode); the batches carry what decoded."), ct).ConfigureAwait(false);
                break;
            }
            long frame = reader.Current;
            if (reader.SkippedBeforeCurrent > 0)
            {
                await sink.WarningAsync(new BatchWarning(clip.Path,
                    $"{name}: frames {frame - reader.SkippedBeforeCurrent}..{frame - 1} failed to decode (corrupt data) and are missing; later frames keep their own indices."), ct).ConfigureAwait(false);
            }
            if (frame >= range.End) { reader.Seek(frame); break; } // the gap ran past this range: leave that frame for the next
            if (!range.Emits(frame))
            {
                if (keepAs is not null) OfferBetween(reader, keepAs, frame, clip.Video);
                continue;
            }
            // With a luma plane the gate decides before any conversion: a held frame is never converted to BGR.
            Mat? luma = grey is not null && grey.TryGetLuma(out var plane) ? plane : null;
            Mat? mat = luma is null ? Converted(reader, frame, clip.Path) : null;
            if (keepAs is not null && mat is not null) LiveFrameTaps.OfferFile(keepAs, frame, mat);
            var reference = new FrameRef
            {
                Path = clip.Path,
                ClipIndex = clip.Index,
                FrameIndex = frame,
                Timestamp = reader.CurrentTime,
                RecordingStart = clip.RecordingStart,
                GapBefore = gap,
                SourceWidth = luma?.Cols ?? mat!.Cols,
                SourceHeight = luma?.Rows ?? mat!.Rows,
            };
            gap = null;
            if (_gate is not null && !(luma is not null ? _gate.AdmitLuma(luma, frame, reference.Timestamp, grey!.LumaIsFullRange) : _gate.Admit(mat!, frame, reference.Timestamp)))
            {
                if (mat is not null) _mats.Return(mat);
                await sink.HeldAsync(reference, ct).ConfigureAwait(false);
                continue;
            }
            mat ??= Converted(reader, frame, clip.Path);
            await sink.FrameAsync(reference, mat, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The identity the writer keys kept frames by, when this source's frames are to be offered (else null).</summary>
    private static SourceIdentity? KeptAs(IFrameSource reader, string path)
    {
        if (!LiveFrameTaps.FilesWanted || reader is not VideoReader) return null;
        try
        {
            return SourceIdentity.Of(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the decode reports the file's trouble itself
        }
    }

    /// <summary>A frame between two on the grid: converted and offered only when a tap would keep it.</summary>
    private void OfferBetween(IFrameSource reader, SourceIdentity file, long frame, VideoInfo? video)
    {
        if (!LiveFrameTaps.WantsFile(file, frame, video is null ? 0 : 3L * video.Width * video.Height)) return;
        var mat = _mats.Rent();
        try
        {
            if (reader.Retrieve(mat) && !mat.Empty()) LiveFrameTaps.OfferFile(file, frame, mat);
        }
        finally
        {
            _mats.Return(mat);
        }
    }

    /// <summary>The frame last grabbed, converted to BGR into a pooled Mat (the caller owns it).</summary>
    private Mat Converted(IFrameSource reader, long frame, string path)
    {
        var mat = _mats.Rent();
        try
        {
            if (!reader.Retrieve(mat) || mat.Empty())
                throw new InvalidDataException($"Frame {frame} of '{path}' was decoded but could not be converted.");
            return mat;
        }
        catch
        {
            _mats.Return(mat);
            throw;
        }
    }

    private IFrameSource ReaderFor(DecodeRange range)
    {
        if (_reader is not null && string.Equals(_path, range.Path, StringComparison.Ordinal)
            && (_readerThreads == DecodeThreads || _reader.Position == range.First)) return _reader;
        Close();
        _reader = _sources.Open(range.Clip, range.Index, DecodeThreads, gated: _gate is not null);
        _readerThreads = DecodeThreads;
        _path = range.Path;
        return _reader;
    }

    /// <summary>Closes the capture; the next range reopens its video.</summary>
    public void Close()
    {
        if (_reader is not null)
        {
            _tally?.Grabbed(_reader.FramesGrabbed);
            _reader.Dispose();
        }
        _reader = null;
        _path = null;
    }

    public void Dispose()
    {
        Close();
        _gate?.Dispose();
    }
}
