using System.Collections;
using System.Management.Automation;
using VideoDetect.Batching;
using VideoDetect.Errors;
using VideoDetect.Inference;
using VideoDetect.Portable;
using VideoDetect.Video;

namespace VideoDetect.Commands;

/// <summary>
/// The one place that knows which module types cross a process boundary (Start-Job, remoting,
/// Export-Clixml, ConvertTo-Json) and how they are read back, and which cannot cross and what to
/// send instead. <see cref="PortableObjectTransformationAttribute"/> uses it for parameters;
/// scripts (a Should operator) call <see cref="ConvertTo{T}"/>. The PSObject → <see cref="PropertyBag"/>
/// step is here; reading a bag into a typed object is plain Core code beside each type.
/// <para>
/// To make one more type portable (e.g. DetectionEvent): write its <c>ToX(PropertyBag)</c> in Core
/// beside the type, add one line to <see cref="Rebuilders"/>, and give it a SerializationDepth in
/// module/VideoDetect.types.ps1xml when it holds objects (a list of detections).
/// </para>
/// </summary>
public static class PortableObjects
{
    private static readonly Dictionary<Type, Func<PropertyBag, object>> Rebuilders = new()
    {
        [typeof(FrameDetections)] = DetectionRecords.ToFrameDetections,
        [typeof(Detection)] = DetectionRecords.ToDetection,
        [typeof(VideoClip)] = ClipRecords.ToClip,
        [typeof(Events.DetectionEvent)] = Events.EventRecords.ToEvent,
    };

    /// <summary>Types that hold process-local state: what the error says to send instead.</summary>
    private static readonly Dictionary<Type, (string ErrorId, string Advice)> CannotCross = new()
    {
        [typeof(FrameBatch)] = (Errors.ErrorIds.BatchCannotCrossProcess,
            "A FrameBatch cannot cross a process boundary (a job, remoting, CliXml or JSON): its tensor stays in the process that decoded it. " +
            "Send the clips (Split-VideoClip's output) and run ConvertTo-FrameBatch | Invoke-FrameDetection where the detection runs, or send the FrameDetections back."),
        [typeof(DetectionModel)] = (Errors.ErrorIds.ModelCannotCrossProcess,
            "A loaded DetectionModel cannot cross a process boundary (a job, remoting, CliXml or JSON): its inference session lives in the process that loaded it. " +
            "Send the model's path (its Path property) instead and load it where it runs, with -Model <path> or Import-DetectionModel."),
    };

    /// <summary>
    /// <paramref name="input"/> as a <typeparamref name="T"/>: a live object as it is, a travelled one
    /// rebuilt; throws <see cref="CannotCrossProcessException"/> or <see cref="InputObjectNotRebuiltException"/>.
    /// </summary>
    public static T ConvertTo<T>(object? input) where T : class =>
        Convert(typeof(T), input) as T ?? throw new InputObjectNotRebuiltException($"Cannot use {Describe(input)} as a {typeof(T).Name}.");

    /// <summary>
    /// For a parameter of type <paramref name="target"/>: a live object or anything that is not a
    /// property bag is returned as it is (PowerShell's binder then judges it); a bag serialised from
    /// a type that cannot cross throws what to send instead; a bag of a portable target is rebuilt.
    /// </summary>
    public static object? Convert(Type target, object? input)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        if (value is null || target.IsInstanceOfType(value)) return value;
        if (!IsBag(input)) return input;
        var bag = ToBag(input!);
        if (bag.DeserializedTypeName is { } typeName)
        {
            foreach (var (type, (id, advice)) in CannotCross)
                if (type.FullName == typeName) throw new CannotCrossProcessException(id, typeName, advice);
            var other = Rebuilders.Keys.FirstOrDefault(t => t.FullName == typeName && t != target);
            if (other is not null)
                throw new InputObjectNotRebuiltException($"Cannot use a deserialized {other.Name} as a {target.Name}.");
        }
        if (Rebuilders.TryGetValue(target, out var rebuild)) return rebuild(bag);
        // A bag where a process-local object is wanted (a batch after JSON, a model's Select-Object).
        if (CannotCross.TryGetValue(target, out var refusal)) throw new CannotCrossProcessException(refusal.ErrorId, target.FullName!, refusal.Advice);
        return input;
    }

    /// <summary>A property bag: a PSCustomObject (what CliXml, jobs, remoting and JSON give back) or a dictionary.</summary>
    private static bool IsBag(object? input) =>
        (input is PSObject pso ? pso.BaseObject : input) is PSCustomObject or IDictionary;

    /// <summary>Plain data for Core: nested PSObjects become bags, lists arrays, wrappers their base values.</summary>
    private static PropertyBag ToBag(object input)
    {
        if (input is PSObject pso && pso.BaseObject is PSCustomObject)
        {
            var properties = pso.Properties
                .Where(p => p.IsGettable && p.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property)
                .Select(p => new KeyValuePair<string, object?>(p.Name, Plain(p.Value)));
            return new PropertyBag(properties.ToList(), pso.TypeNames.ToArray());
        }
        var dict = (IDictionary)(input is PSObject wrapped ? wrapped.BaseObject : input);
        var entries = dict.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(k.ToString() ?? "", Plain(dict[k])));
        return new PropertyBag(entries.ToList());
    }

    private static object? Plain(object? value)
    {
        if (IsBag(value)) return ToBag(value!);
        object? v = value is PSObject pso ? pso.BaseObject : value;
        return v switch
        {
            string or null => v,
            IEnumerable items => items.Cast<object?>().Select(Plain).ToArray(),
            _ => v,
        };
    }

    private static string Describe(object? input) => input is null ? "null" : $"{input} ({(input is PSObject p ? p.TypeNames.FirstOrDefault() : input.GetType().FullName)})";
}
