namespace OciImage.Core.Model;

/// <summary>The OCI empty descriptor's content, <c>{}</c>: an artifact's config, a placeholder layer.</summary>
public static class EmptyJson
{
    private static readonly byte[] Content = { (byte)'{', (byte)'}' };

    public static byte[] Bytes => (byte[])Content.Clone();

    public static Descriptor Descriptor => new() { MediaType = MediaTypes.OciEmpty, Digest = Digest.Compute(Content), Size = Content.Length };
}
