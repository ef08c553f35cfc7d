using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// Wraps the body of every response in a <see cref="SlowBodyGuardContent"/>: a body that stalls or trickles
/// (less than the minimum bytes in a window) fails with RegistryUnreachable instead of holding a copy for ever.
/// </summary>
internal sealed class SlowBodyHandler : DelegatingHandler
{
    private readonly string _registry;
    private readonly RegistryOptions _options;

    public SlowBodyHandler(string registry, RegistryOptions options)
    {
        _registry = registry;
        _options = options;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content is not null)
        {
            response.Content = new SlowBodyGuardContent(response.Content, _registry, _options.SlowBodyMinimumBytes, _options.SlowBodyWindow, _options.Clock);
        }

        return response;
    }
}
