using System;
using System.Collections.Generic;
using System.Text;

namespace OciImage.Core.Registry;

/// <summary>A parsed WWW-Authenticate header: the scheme (Bearer or Basic) and its parameters.</summary>
public sealed class AuthChallenge
{
    private AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    public string Scheme { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.TryGetValue("realm", out var v) ? v : null;

    public string? Service => Parameters.TryGetValue("service", out var v) ? v : null;

    public string? Scope => Parameters.TryGetValue("scope", out var v) ? v : null;

    /// <summary>RFC 6750's error, such as insufficient_scope or invalid_token.</summary>
    public string? Error => Parameters.TryGetValue("error", out var v) ? v : null;

    /// <summary>Parses <c>Scheme k="v", k2=v2</c>; returns null for anything without a scheme. Never throws.</summary>
    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var text = header!.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text.Substring(0, space);
        if (scheme.Length == 0 || scheme.IndexOf('=') >= 0)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = text.Substring(i, eq - i).Trim();
            i = eq + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                    i++;
                }

                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    value.Append(text[i]);
                    i++;
                }
            }

            if (key.Length > 0)
            {
                parameters[key] = value.ToString().Trim();
            }
        }

        return new AuthChallenge(scheme, parameters);
    }
}
