using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace VideoDetect.Notify;

/// <summary>
/// A webhook: each payload is an HTTP POST of application/json to <see cref="Uri"/>, with Basic
/// authentication when credentials are given. 2xx is delivered; 408, 429 and 5xx (and no answer at
/// all) are worth a retry; another status is a refusal for good.
/// </summary>
public sealed class WebhookTransport : INotificationTransport
{
    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly AuthenticationHeaderValue? _auth;

    public WebhookTransport(Uri uri, string? userName = null, string? password = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) throw new ArgumentException($"A webhook is an http:// or https:// address, not '{uri}'.", nameof(uri));
        _uri = uri;
        _http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        if (userName is not null)
            _auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));
    }

    public string Target => _uri.ToString();

    public async Task SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ReadOnlyMemoryContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (_auth is not null) request.Headers.Authorization = _auth;
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return;
        int code = (int)response.StatusCode;
        string said = $"{_uri} answered {code} {response.ReasonPhrase}";
        if (code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests) throw new HttpRequestException(said, null, response.StatusCode);
        throw new NotificationRejectedException(said);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
