using OpenCvSharp;

namespace VideoDetect.Video;

/// <summary>
/// The decoder's side of a <see cref="LiveStream"/>: the forward-only <see cref="IFrameSource"/> a live
/// clip is decoded through (opened by <see cref="LiveStreams.OpenClipSource"/>, once per stream and
/// batch run). It takes the frames FFmpeg already decoded from the stream's buffer, in index order;
/// indices the buffer dropped (a decoder slower than the camera) surface as lost frames. Timestamps
/// are receive times after frame 0 (<see cref="LiveStream.RecordingStart"/>). It never stops the
/// stream: the stream belongs to the Split-VideoClip that started it. Every frame it takes is offered
/// to <see cref="LiveFrameTaps"/> (kept only while a writer wants them).
/// </summary>
internal sealed class LiveClipSource(LiveStream stream) : ForwardOnlyFrameSource(stream.Url)
{
    private LiveFrameData _current;
    private bool _has;
    private volatile bool _closed;

    protected override bool GrabNext(long next, out long index, out TimeSpan timestamp)
    {
        if (_has) stream.Frames.Return(_current.Pixels);
        _has = stream.Frames.Take(next, () => _closed, out _current);
        // A writer that draws on live frames (Export-AnnotatedVideo) gets a copy of every frame taken.
        if (_has) LiveFrameTaps.Offer(stream, _current);
        index = _current.Index;
        timestamp = _current.Time;
        return _has;
    }

    protected override bool RetrieveCurrent(Mat destination)
    {
        if (!_has) return false;
        return _current.CopyTo(destination);
    }

    protected override void Dispose(bool disposing)
    {
        _closed = true;
        if (_has) stream.Frames.Return(_current.Pixels);
        _has = false;
    }
}
