using System.Net.Http;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// The token realm could not answer for now (no connection, a timeout, 429 or a 5xx). Unlike a refusal it is a
/// failure of the transport: the retry handler sends the registry request again, within its budget, and reports
/// RegistryUnreachable with this reason once the budget is spent.
/// </summary>
internal sealed class TokenServerUnavailableException : HttpRequestException
{
    public TokenServerUnavailableException(string message)
        : base(message)
    {
    }
}
