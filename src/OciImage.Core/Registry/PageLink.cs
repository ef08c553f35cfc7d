using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;

namespace OciImage.Core.Registry;

/// <summary>
/// The next page a list answer names in its Link header (RFC 8288), or why it is not followed. A header that names
/// a next page the client will not or cannot follow is never read as "no next page": the listing would look
/// complete, and a listing read to its end is taken as every tag (a referrers fallback tag not in it is taken as
/// absent).
/// </summary>
internal readonly struct PageLink
{
    private PageLink(Uri? next, string? refused)
    {
        Next = next;
        Refused = refused;
    }

    /// <summary>The page to read next, on the registry's own origin.</summary>
    public Uri? Next { get; }

    /// <summary>Why a next page the registry named is not read; null when it is read or there is none.</summary>
    public string? Refused { get; }

    /// <summary>The last page: no Link names a next one.</summary>
    public bool IsLast => Next is null && Refused is null;

    public static PageLink Of(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return default;
        }

        foreach (var value in values)
        {
            if (!TryParse(value, out var links))
            {
                // Unreadable: whether it names a next page cannot be told, so the listing is not taken as whole.
                return value.IndexOf("next", StringComparison.OrdinalIgnoreCase) >= 0
                    ? new PageLink(null, $"its Link header '{Errors.OciException.Printable(Cut(value))}' cannot be read")
                    : default;
            }

            foreach (var (target, parameters) in links)
            {
                if (IsNext(parameters))
                {
                    return Resolve(target, current);
                }
            }
        }

        return default;
    }

    private static PageLink Resolve(string target, Uri current)
    {
        Uri? absolute = null;
        if (Uri.TryCreate(target, UriKind.RelativeOrAbsolute, out var uri) && !(uri.IsAbsoluteUri ? Uri.TryCreate(target, UriKind.Absolute, out absolute) : Uri.TryCreate(current, uri, out absolute)))
        {
            absolute = null;
        }

        if (absolute is null || (absolute.Scheme != Uri.UriSchemeHttp && absolute.Scheme != Uri.UriSchemeHttps))
        {
            return new PageLink(null, $"its next-page link <{Errors.OciException.Printable(Cut(target))}> is not a URL");
        }

        // Pages stay on the registry's origin (scheme, host and port): a link elsewhere is not followed with its credentials.
        return Origin.Of(absolute) == Origin.Of(current)
            ? new PageLink(absolute, null)
            : new PageLink(null, $"its next-page link leads to another origin ({Origin.Of(absolute)}), which is not followed");
    }

    /// <summary>Whether a link's parameters say rel next: quoted or not, among other relation types.</summary>
    private static bool IsNext(string parameters)
    {
        foreach (var parameter in parameters.Split(';'))
        {
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter.Substring(0, equals).Trim().Equals("rel", StringComparison.OrdinalIgnoreCase)
                && parameter.Substring(equals + 1).Trim().Trim('"').Split(' ').Any(r => r.Equals("next", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Link: &lt;target&gt;; params, &lt;target&gt;; params. The target runs to its '&gt;' (a comma in a query stays
    /// in it); the parameters run to the next comma outside quotes.
    /// </summary>
    private static bool TryParse(string value, out List<(string Target, string Parameters)> links)
    {
        links = new List<(string, string)>();
        var i = 0;
        while (true)
        {
            while (i < value.Length && (value[i] == ',' || char.IsWhiteSpace(value[i])))
            {
                i++;
            }

            if (i == value.Length)
            {
                return true;
            }

            var close = value[i] == '<' ? value.IndexOf('>', i + 1) : -1;
            if (close < 0)
            {
                return false;
            }

            var target = value.Substring(i + 1, close - i - 1).Trim();
            var start = close + 1;
            var quoted = false;
            for (i = start; i < value.Length && (quoted || value[i] != ','); i++)
            {
                quoted ^= value[i] == '"';
            }

            links.Add((target, value.Substring(start, i - start)));
        }
    }

    private static string Cut(string text) => text.Length > 200 ? text.Substring(0, 200) + "…" : text;
}
