using System;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: one failure serialising many workers. A registry whose referrers API fails its first question
/// (a 500, or no answer until the client gives up) and answers later ones with an empty index, each held until a
/// second one is under way (or <see cref="Hold"/> passed): callers that ask in parallel meet there, callers that
/// queue behind the first failure do not. Counts the referrers questions seen at once, at most.
/// </summary>
public sealed class FailingReferrersApi : LoopbackHttpServer
{
    private readonly bool _firstNeverAnswers;
    private int _asked;
    private int _inFlight;
    private int _maxInFlight;

    /// <param name="firstNeverAnswers">True: the first question is held until the client leaves; false: it is answered 500 at once.</param>
    public FailingReferrersApi(bool firstNeverAnswers = false)
    {
        _firstNeverAnswers = firstNeverAnswers;
        Start();
    }

    /// <summary>How long a later question waits for two to have been under way at once before it is answered anyway.</summary>
    public TimeSpan Hold { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most referrers questions that were under way at one time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Referrers questions seen.</summary>
    public int Asked => Volatile.Read(ref _asked);

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        if (!path.Contains("/referrers/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = path == "/v2/" ? 200 : 404;
            return;
        }

        if (Interlocked.Increment(ref _asked) == 1)
        {
            if (_firstNeverAnswers)
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
            }

            context.Response.StatusCode = 500;
            return;
        }

        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        var until = DateTime.UtcNow + Hold;
        while (MaxInFlight < 2 && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }

        Interlocked.Decrement(ref _inFlight);
        var body = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
    }
}
