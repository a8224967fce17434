namespace VideoDetect.Errors;

/// <summary>Clip planning options that can never make sense (a non-positive length, a start after the end…): <see cref="ErrorIds.InvalidClipRange"/>.</summary>
public sealed class InvalidClipRangeException(string message) : VideoDetectException(ErrorIds.InvalidClipRange, message);

/// <summary>Batching or preprocessing settings that cannot work (a zero size, a zero Std, a batch too big for one array…): <see cref="ErrorIds.InvalidPreprocessing"/>.</summary>
public sealed class InvalidPreprocessingException(string message, Exception? inner = null) : VideoDetectException(ErrorIds.InvalidPreprocessing, message, inner);

/// <summary>A -Shard that is not "k/n" with 0 ≤ k &lt; n: <see cref="ErrorIds.InvalidShard"/>.</summary>
public sealed class InvalidShardException(string message) : VideoDetectException(ErrorIds.InvalidShard, message);

/// <summary>A file planned with a root lies outside it, so it has no path relative to it: <see cref="ErrorIds.OutsideRoot"/>.</summary>
public sealed class OutsideRootException(string path, string root) : VideoDetectException(ErrorIds.OutsideRoot, $"'{path}' is not under the root '{root}'.")
{
    /// <summary>The file's full path.</summary>
    public string Path { get; } = path;

    /// <summary>The root it is not under.</summary>
    public string Root { get; } = root;
}

/// <summary>A -RecordingStartPattern that cannot read a time from a file name, or an unknown -TimeZone: <see cref="ErrorIds.InvalidRecordingStartPattern"/>.</summary>
public sealed class InvalidRecordingStartPatternException(string message) : VideoDetectException(ErrorIds.InvalidRecordingStartPattern, message);
