using System;
using System.Globalization;
using System.Net;

namespace OciImage.TestKit;

/// <summary>
/// Docker Hub's pull quota, for <see cref="FakeRegistry.Quota"/>: every manifest GET takes one pull, HEADs take
/// none; manifest answers carry <c>ratelimit-limit: 100;w=21600</c> and <c>ratelimit-remaining: 76;w=21600</c>
/// (or the <c>x-ratelimit-*</c> spelling, or headers of junk); a GET once the quota is spent answers 429
/// toomanyrequests with Retry-After the seconds left in the window (or without one, as Docker Hub may). The
/// window is fixed: it starts with the quota and the whole limit comes back when it ends.
/// </summary>
public sealed class PullQuota
{
    private readonly object _gate = new();
    private DateTime _windowEnds;
    private int _remaining;

    public PullQuota(int limit, int? remaining = null, int windowSeconds = 21600)
    {
        Limit = limit;
        WindowSeconds = windowSeconds;
        _remaining = remaining ?? limit;
        _windowEnds = DateTime.UtcNow.AddSeconds(windowSeconds);
    }

    public int Limit { get; }

    public int WindowSeconds { get; }

    /// <summary>The header prefix: "ratelimit" (Docker Hub) or "x-ratelimit" (others).</summary>
    public string Spelling { get; init; } = "ratelimit";

    /// <summary>A spent quota's 429 says Retry-After (the rest of the window); false answers without one.</summary>
    public bool SendRetryAfter { get; init; } = true;

    /// <summary>When set, these values are sent as the limit and remaining headers instead of the true ones (junk).</summary>
    public (string Limit, string Remaining)? Junk { get; init; }

    /// <summary>Pulls left now.</summary>
    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                Roll();
                return _remaining;
            }
        }
    }

    /// <summary>Manifest GETs refused with 429.</summary>
    public int Refused { get; private set; }

    /// <summary>Takes a pull for a GET; writes the headers; returns 429 (with its body written) when the quota is spent, else null.</summary>
    internal int? Answer(HttpListenerResponse response, bool get)
    {
        int left;
        double secondsLeft;
        var refuse = false;
        lock (_gate)
        {
            Roll();
            if (get && _remaining == 0)
            {
                refuse = true;
                Refused++;
            }
            else if (get)
            {
                _remaining--;
            }

            left = _remaining;
            secondsLeft = (_windowEnds - DateTime.UtcNow).TotalSeconds;
        }

        var window = ";w=" + WindowSeconds.ToString(CultureInfo.InvariantCulture);
        response.AddHeader(Spelling + "-limit", Junk?.Limit ?? Limit.ToString(CultureInfo.InvariantCulture) + window);
        response.AddHeader(Spelling + "-remaining", Junk?.Remaining ?? left.ToString(CultureInfo.InvariantCulture) + window);
        if (!refuse)
        {
            return null;
        }

        if (SendRetryAfter)
        {
            response.AddHeader("Retry-After", Math.Max(1, (int)Math.Ceiling(secondsLeft)).ToString(CultureInfo.InvariantCulture));
        }

        var body = System.Text.Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your pull rate limit.\"}]}");
        response.StatusCode = 429;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
        return 429;
    }

    /// <summary>A window that has ended gives the whole limit back.</summary>
    private void Roll()
    {
        if (DateTime.UtcNow >= _windowEnds)
        {
            _remaining = Limit;
            _windowEnds = DateTime.UtcNow.AddSeconds(WindowSeconds);
        }
    }
}
