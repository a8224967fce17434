using VideoDetect.Errors;
using VideoDetect.Inference;

namespace VideoDetect.Results;

/// <summary>
/// Runs one <see cref="ISourceSink"/> over the FrameDetections stream, the lifecycle every writer
/// shares: frames arrive in frame order, one source after another; a new Path ends the current
/// source (<see cref="ISourceOutput.Seal"/>) and starts the next: <see cref="ISourceSink.Claim"/> →
/// <see cref="ISinkHost.Confirm"/> → the target checked writable (<see cref="OutputLocation.CheckWritable"/>,
/// before the sink reads or decodes anything of the source) → <see cref="ISourceSink.Open"/> →
/// <see cref="ISourceOutput.Add"/> per frame. A source whose claim, confirmation, check or open failed
/// is skipped (its frames go nowhere); an output that fails is abandoned (nothing left that looks
/// finished). Each failure reaches <see cref="ISinkHost.Failed"/> once and the stream goes on; an I/O
/// error a sink lets through is its output's (OutputWriteFailed), so no sink ends the stream with one.
/// <para>
/// Several sources at once: a sealed output keeps completing in the background while the next
/// source's frames arrive; at most <see cref="ThrottleLimit"/> sealed outputs wait at once, and they
/// are committed in the order their sources came, so results and errors come in input order. With a
/// limit of 1 a source is committed before the next one opens.
/// </para>
/// <para>
/// With an outputs store (the result store, <see cref="SourceOutputs"/>), the driver records each
/// source's output there: Started when it opens, Done when it commits a finished file, Failed when
/// it fails; a stop leaves Started, so the store knows the output is missing. Each record carries
/// the source's version (size, last write) taken when its output started, so a source replaced
/// while its output was written is recorded as the version the output was made from. Every sink gets this
/// from the driver; a record that cannot be written is an OutputWriteFailed error for the source.
/// </para>
/// Cancellation and programming errors (anything not a <see cref="VideoDetectException"/> nor an I/O error) propagate;
/// <see cref="Dispose"/> then abandons what is open. Used on one thread; owns the outputs.
/// </summary>
public sealed class SourceSinkDriver : IDisposable
{
    private readonly ISourceSink _sink;
    private readonly OutputClaims _claims;
    private readonly ISinkHost _host;
    private readonly Queue<ISourceOutput> _sealed = new(); // oldest first
    private readonly HashSet<string> _swept = new(StringComparer.Ordinal); // folders whose orphans were removed
    private string? _source;          // the source whose frames are arriving
    private ISourceOutput? _current;  // null while the current source is skipped
    private readonly string? _outputsStore;
    // With an outputs store: each source's version (a stat) when its output started, recorded with every state of it.
    private readonly Dictionary<string, VideoDetect.Video.SourceIdentity?> _versions = new(StringComparer.Ordinal);

    /// <param name="throttleLimit">Sealed outputs completing at once (1..64).</param>
    /// <param name="outputsStore">The result store whose outputs record (<see cref="SourceOutputs"/>) this sink's outputs go into; null: none.</param>
    public SourceSinkDriver(ISourceSink sink, OutputClaims claims, ISinkHost host, int throttleLimit = 1, string? outputsStore = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        _sink = sink;
        _claims = claims;
        _host = host;
        ThrottleLimit = throttleLimit;
        _outputsStore = outputsStore;
    }

    /// <summary>The most sealed outputs that complete at once.</summary>
    public int ThrottleLimit { get; }

    /// <summary>Takes one frame: starts its source when its Path is new, adds it, commits what is due.</summary>
    public void Push(FrameDetections frame)
    {
        if (!string.Equals(frame.Path, _source, StringComparison.Ordinal))
        {
            EndSource();
            Start(frame);
        }
        if (_current is { } output)
        {
            try
            {
                if (output.Add(frame)) _host.Added(frame, output);
            }
            catch (FrameOutOfOrderException e)
            {
                _host.Failed(e, frame);
            }
            catch (Exception e) when (OutputError(e, output.SourcePath) is { } error)
            {
                _current = null;
                Fail(output, error, abandon: true);
            }
        }
        Commit(all: false);
    }

    /// <summary>The end of the input: ends the current source and commits every output, waiting for each.</summary>
    public void Complete()
    {
        EndSource();
        Commit(all: true);
    }

    private void Start(FrameDetections first)
    {
        string source = first.Path;
        _source = source;
        string? target = null;
        // The version the output is made from: taken before the sink reads anything of the source.
        if (_outputsStore is not null) _versions.TryAdd(source, SourceOutputs.IdentityOf(source));
        try
        {
            target = _sink.Claim(_claims, source);
            if (!_host.Confirm(source, target)) return;
            _claims.Location.CheckWritable(target); // early: before the sink probes, decodes or encodes anything
            SweepOnce(target);
            while (_sealed.Count >= ThrottleLimit) CommitOldest(); // makes room
            var output = _sink.Open(new SinkTarget(source, target, _claims.Location, _sealed.Count(o => !o.Completed)), first);
            _current = output;
            _host.Opened(output);
            Record(source, RecordedOutput.Started, target, null);
        }
        catch (Exception e) when (OutputError(e, source, target) is { } error)
        {
            _host.Failed(error, source);
        }
    }

    /// <summary>
    /// Before the first output in a folder opens (and before the first record in the outputs store's
    /// records folder): removes the temporary files killed writers left there (<see cref="OrphanSweep"/>;
    /// a live writer's, this command's own included, are kept).
    /// </summary>
    private void SweepOnce(string target)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(target)) is { } folder) SweepFolder(folder);
    }

    private void SweepFolder(string folder)
    {
        if (!_swept.Add(folder)) return;
        foreach (string orphan in OrphanSweep.Sweep(folder)) _host.Removed(orphan);
    }

    /// <summary>Seals the current output (queued for its commit), or abandons it when it has nothing.</summary>
    private void EndSource()
    {
        var output = _current;
        _current = null;
        if (output is null) return;
        bool any;
        try
        {
            any = output.Seal();
        }
        catch (Exception e) when (OutputError(e, output.SourcePath) is { } error)
        {
            Fail(output, error, abandon: true);
            return;
        }
        if (any) _sealed.Enqueue(output);
        else output.Dispose();
        _host.SourceEnded();
    }

    /// <summary>
    /// Commits the sealed outputs that are due, oldest first: the oldest has completed (no wait), the
    /// sealed ones fill <see cref="ThrottleLimit"/>, or, with <paramref name="all"/>, any is left.
    /// </summary>
    private void Commit(bool all)
    {
        while (_sealed.Count > 0 && (all || _sealed.Count >= ThrottleLimit || _sealed.Peek().Completed)) CommitOldest();
    }

    private void CommitOldest()
    {
        var output = _sealed.Dequeue();
        ISourceResult result;
        try
        {
            result = output.Commit();
        }
        catch (Exception e) when (OutputError(e, output.SourcePath) is { } error)
        {
            Fail(output, error, abandon: false); // disposed below
            return;
        }
        finally
        {
            output.Dispose();
        }
        // A file kept unfinished (a result file whose frames ended early) stays Started: not Done.
        if (result.File is { } file) Record(output.SourcePath, RecordedOutput.Done, file.FullName, null);
        _host.Committed(result);
    }

    /// <summary>
    /// An output that failed: with <paramref name="abandon"/>, disposed (nothing left that looks
    /// finished) and its source ended first; then the error reported and recorded as Failed.
    /// </summary>
    private void Fail(ISourceOutput output, VideoDetectException error, bool abandon)
    {
        if (abandon)
        {
            output.Dispose();
            _host.SourceEnded();
        }
        _host.Failed(error, output.SourcePath);
        Record(output.SourcePath, RecordedOutput.Failed, null, error.Message);
    }

    /// <summary>
    /// What a sink's exception means for its source: the module's own error as it is, an I/O error the
    /// sink let through as <see cref="ResultWriteFailedException"/> (OutputWriteFailed) about the
    /// source's output; null for anything else (cancellation, a bug), which propagates.
    /// </summary>
    private static VideoDetectException? OutputError(Exception e, string sourcePath, string? target = null) => e switch
    {
        VideoDetectException known => known,
        IOException or UnauthorizedAccessException => new ResultWriteFailedException(target ?? sourcePath,
            target is null ? $"Writing the output of '{sourcePath}' failed: {e.Message}" : $"Writing '{target}' (the output of '{sourcePath}') failed: {e.Message}", e),
        _ => null,
    };

    /// <summary>
    /// Records a source's output in the outputs store (when there is one), stamped with the source's
    /// version when its output started (none known: not recorded); a Done or Failed record is the
    /// last of that output. A failure to write the record is the source's OutputWriteFailed.
    /// </summary>
    private void Record(string source, RecordedOutput state, string? file, string? reason)
    {
        if (_outputsStore is null) return;
        if (state == RecordedOutput.Started) SweepFolder(SourceOutputs.FolderOf(_outputsStore)); // a record a killed run was replacing
        var version = _versions.GetValueOrDefault(source);
        if (state != RecordedOutput.Started) _versions.Remove(source);
        if (version is null) return;
        try
        {
            SourceOutputs.Record(_outputsStore, source, SourceOutputs.For(_sink.OutputKind, version, state, file, reason));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string path = SourceOutputs.PathFor(_outputsStore, source);
            _host.Failed(new ResultWriteFailedException(path, $"Recording the {_sink.OutputKind} output of '{source}' in '{path}' failed: {e.Message}", e), source);
        }
    }

    /// <summary>Abandons the current output and every sealed one not yet committed.</summary>
    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
        while (_sealed.TryDequeue(out var output)) output.Dispose();
    }
}
