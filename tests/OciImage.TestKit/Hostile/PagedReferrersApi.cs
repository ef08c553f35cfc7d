using System;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using OciImage.Core;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a referrers list read as whole from its first page. A registry whose referrers API pages its
/// answer with Link rel="next" (the distribution spec allows it, as for tag lists): page N holds
/// <c>perPage[N]</c> descriptors, and every page but the last names the next with the given Link form ({0} is the
/// port, {1} the next page's number). A client that reads page 1 only leaves the referrers of later pages behind
/// (a copy silently without its signatures), and checks its bound on page 1 only.
/// </summary>
public sealed class PagedReferrersApi : LoopbackHttpServer
{
    /// <summary>A next link on the registry's own origin, relative as registries write them.</summary>
    public const string Relative = "</v2/app/referrers/{2}?page={1}>; rel=\"next\"";

    /// <summary>A next link to another host: refused (another origin).</summary>
    public const string OtherHost = "<http://localhost:{0}/v2/app/referrers/{2}?page={1}>; rel=\"next\"";

    /// <summary>A next link to the page itself: the pages never end.</summary>
    public const string Itself = "</v2/app/referrers/{2}?page=1>; rel=\"next\"";

    private readonly int[] _perPage;
    private readonly string _link;

    public PagedReferrersApi(string link, params int[] perPage)
    {
        _perPage = perPage;
        _link = link;
        Subject = Digest.Compute(Encoding.UTF8.GetBytes("the subject"));
        Start();
    }

    public Digest Subject { get; }

    /// <summary>The highest page number asked for.</summary>
    public int LastPageRead { get; private set; }

    /// <summary>The digest page <paramref name="page"/> lists at <paramref name="index"/>.</summary>
    public static string DigestOf(int page, int index) => "sha256:" + (page.ToString("x4") + index.ToString("x8")).PadLeft(64, '0');

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var response = context.Response;
        byte[] body = Array.Empty<byte>();
        if (path == "/v2/app/referrers/" + Subject)
        {
            var page = int.TryParse(context.Request.QueryString["page"], out var n) ? n : 1;
            LastPageRead = Math.Max(LastPageRead, page);
            var entries = Enumerable.Range(0, page <= _perPage.Length ? _perPage[page - 1] : 0).Select(i =>
                "{\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"digest\":\"" + DigestOf(page, i) + "\",\"size\":100,\"artifactType\":\"application/example.signature\"}");
            body = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciIndex + "\",\"manifests\":[" + string.Join(",", entries) + "]}");
            response.ContentType = MediaTypes.OciIndex;
            if (page < _perPage.Length)
            {
                response.AddHeader("Link", string.Format(System.Globalization.CultureInfo.InvariantCulture, _link, Port, page + 1, Subject));
            }
        }
        else
        {
            response.StatusCode = path == "/v2/" ? 200 : 404;
        }

        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }
}
