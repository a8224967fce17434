using System.Management.Automation;
using VideoDetect.Notify;

namespace VideoDetect.Commands;

/// <summary>Send-DetectionEvent -MqttServer: host:port or host (Core's <see cref="MqttEndpoint.Parse"/>); anything else fails binding (ParameterArgumentValidationError).</summary>
public sealed class ValidateMqttServerAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object value = arguments is PSObject pso ? pso.BaseObject : arguments;
        try { _ = MqttEndpoint.Parse(value as string ?? ""); }
        catch (Exception e) when (e is FormatException or ArgumentException) { throw new ValidationMetadataException(e.Message, e); }
    }
}

/// <summary>Send-DetectionEvent -Uri: an absolute http:// or https:// address; anything else fails binding (ParameterArgumentValidationError).</summary>
public sealed class ValidateWebhookUriAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object value = arguments is PSObject pso ? pso.BaseObject : arguments;
        if (value is not Uri { IsAbsoluteUri: true } u || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            throw new ValidationMetadataException($"-Uri is an absolute http:// or https:// address, not '{value}'.");
    }
}
