using System;
using System.Collections.Generic;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using OciImage.Core;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a listing that stops early and is taken as complete. A registry without the referrers API whose
/// tags come in two pages; page 1 holds tag 1.0 (an image) and a next-page link of the given form, page 2 holds that
/// image's fallback tag sha256-HEX, whose index names one signature. A client that drops the link silently ends the
/// listing after page 1 and, trusting it as every tag, reports no referrers for 1.0.
/// </summary>
public sealed class RefusedPageLinks : LoopbackHttpServer
{
    /// <summary>The Link header forms of page 1; {0} is the registry's port.</summary>
    public static readonly IReadOnlyDictionary<string, string> Refused = new Dictionary<string, string>
    {
        ["another host"] = "<http://localhost:{0}/v2/inv/app/tags/list?last=1.0&n=1000>; rel=\"next\"",
        ["another scheme"] = "<https://127.0.0.1:{0}/v2/inv/app/tags/list?last=1.0&n=1000>; rel=\"next\"",
        ["not a URL"] = "<http://127.0.0.1:99999999/v2/inv/app/tags/list?last=1.0>; rel=\"next\"",
        ["no target"] = "/v2/inv/app/tags/list?last=1.0&n=1000; rel=\"next\"",
    };

    /// <summary>A form that is read and followed: a comma inside the target is part of its query.</summary>
    public const string CommaInTarget = "</v2/inv/app/tags/list?last=1.0,x&n=1000>; rel=\"next\", </docs>; rel=\"help\"";

    private readonly string _link;
    private readonly byte[] _manifest;
    private readonly byte[] _index;

    public RefusedPageLinks(string link)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        _manifest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OciConfig + "\",\"digest\":\"" + Digest.Compute(config) + "\",\"size\":" + config.Length + "},\"layers\":[]}");
        Subject = Digest.Compute(_manifest);
        Signature = "sha256:" + new string('2', 64);
        _index = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciIndex + "\",\"manifests\":[{\"mediaType\":\""
            + MediaTypes.OciManifest + "\",\"digest\":\"" + Signature + "\",\"size\":100,\"artifactType\":\"application/example.signature\"}]}");
        Start();
        _link = string.Format(System.Globalization.CultureInfo.InvariantCulture, link, Port);
    }

    /// <summary>The manifest tag 1.0 names.</summary>
    public Digest Subject { get; }

    /// <summary>The one referrer of <see cref="Subject"/>, in the fallback tag on page 2.</summary>
    public string Signature { get; }

    public string FallbackTag => "sha256-" + Subject.Hex;

    /// <summary>Whether page 2 was asked for.</summary>
    public bool SecondPageRead { get; private set; }

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var response = context.Response;
        byte[] body = Array.Empty<byte>();
        if (path == "/v2/inv/app/tags/list")
        {
            var second = (context.Request.QueryString["last"] ?? string.Empty).StartsWith("1.0", StringComparison.Ordinal);
            SecondPageRead |= second;
            if (!second)
            {
                response.AddHeader("Link", _link);
            }

            body = Encoding.UTF8.GetBytes("{\"name\":\"inv/app\",\"tags\":[\"" + (second ? FallbackTag : "1.0") + "\"]}");
            response.ContentType = "application/json";
        }
        else if (path == "/v2/inv/app/manifests/1.0" || path == "/v2/inv/app/manifests/" + Subject)
        {
            body = _manifest;
            response.ContentType = MediaTypes.OciManifest;
            response.AddHeader("Docker-Content-Digest", Subject.ToString());
        }
        else if (path == "/v2/inv/app/manifests/" + FallbackTag)
        {
            body = _index;
            response.ContentType = MediaTypes.OciIndex;
            response.AddHeader("Docker-Content-Digest", Digest.Compute(_index).ToString());
        }
        else
        {
            response.StatusCode = path == "/v2/" ? 200 : 404;
        }

        response.ContentLength64 = body.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            await response.OutputStream.WriteAsync(body);
        }

        response.Close();
    }
}
