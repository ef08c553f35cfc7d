using System;
using System.Net.Http;
using OciImage.Core.Stores;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// One logical request to a registry as the handlers of the transport chain see it: what the caller asked for
/// (method, URL, token scope, headers, a body factory, whether to retry), the <see cref="RetryBudget"/> its
/// retries come out of, and the little state the handlers share across its attempts (challenge answered,
/// redirects followed, the credential once looked up). It travels in <see cref="HttpRequestMessage.Properties"/>;
/// since a message cannot be sent twice, a handler that sends again makes a fresh one with <see cref="NewMessage"/>.
/// </summary>
internal sealed class RegistryRequest
{
    private const string Key = "OciImage.RegistryRequest";
    private readonly Action<HttpRequestMessage>? _configure;
    private readonly Func<HttpContent>? _content;
    private RegistryCredential? _credential;
    private bool _credentialLooked;

    public RegistryRequest(HttpMethod method, Uri uri, string scope, RetryBudget budget,
        Action<HttpRequestMessage>? configure = null, Func<HttpContent>? content = null, bool retry = true)
    {
        Method = method;
        Uri = uri;
        Scope = scope;
        Budget = budget;
        _configure = configure;
        _content = content;
        Retry = retry;
    }

    public HttpMethod Method { get; }

    /// <summary>The URL the caller asked for (before any redirect).</summary>
    public Uri Uri { get; }

    /// <summary>The token scope, e.g. "repository:team/app:pull"; empty for registry-wide requests.</summary>
    public string Scope { get; }

    /// <summary>False when the body cannot be made again: no retry of any kind.</summary>
    public bool Retry { get; }

    /// <summary>The one budget every retry of this request (after redirects too) draws from.</summary>
    public RetryBudget Budget { get; }

    /// <summary>Set once a 401 challenge has been answered: a request answers at most one.</summary>
    public bool Authenticated { get; set; }

    /// <summary>Redirects followed so far.</summary>
    public int Redirects { get; set; }

    /// <summary>The request carried by a message (made by <see cref="NewMessage"/>).</summary>
    public static RegistryRequest Of(HttpRequestMessage message) =>
        message.Properties.TryGetValue(Key, out var value) && value is RegistryRequest request
            ? request
            : throw new InvalidOperationException("The message was not made by RegistryRequest.NewMessage.");

    /// <summary>
    /// A fresh message for one attempt: the method, <paramref name="target"/> (HTTP/2 over https), the caller's
    /// headers and a fresh body from the factory, carrying this request. No Authorization: that is the
    /// authentication handler's to add.
    /// </summary>
    public HttpRequestMessage NewMessage(Uri target)
    {
        var message = new HttpRequestMessage(Method, target);
        if (target.Scheme == Uri.UriSchemeHttps)
        {
            message.Version = new Version(2, 0);
        }

        _configure?.Invoke(message);
        if (_content is not null)
        {
            message.Content = _content();
        }

        message.Properties[Key] = this;
        return message;
    }

    /// <summary>Whether the request a message carries was sent with a credential; null when that was never decided (or the message is not ours).</summary>
    public static bool? CredentialSent(HttpRequestMessage? message) =>
        message is not null && message.Properties.TryGetValue(Key, out var value) && value is RegistryRequest { _credentialLooked: true } request
            ? request._credential is not null
            : null;

    /// <summary>The credential for the request's repository, looked up (a helper may run) once, when first needed.</summary>
    public RegistryCredential? Credential(Func<string?, RegistryCredential?> lookup)
    {
        if (!_credentialLooked)
        {
            _credential = lookup(RepositoryOf(Scope));
            _credentialLooked = true;
        }

        return _credential;
    }

    /// <summary>"repository:team/app:pull,push repository:team/base:pull" names team/app; null for registry-wide scopes.</summary>
    public static string? RepositoryOf(string scope)
    {
        var first = scope.Split(' ')[0];
        if (!first.StartsWith("repository:", StringComparison.Ordinal))
        {
            return null;
        }

        var last = first.LastIndexOf(':');
        return last > "repository:".Length ? first.Substring("repository:".Length, last - "repository:".Length) : null;
    }
}
