using System;
using System.Linq;
using System.Text.RegularExpressions;
using OciImage.Core.Errors;
using OciImage.Core.Transports;

namespace OciImage.Core;

/// <summary>
/// An image reference: <c>[REGISTRY/]REPOSITORY[:TAG][@DIGEST]</c> (Docker Hub names normalised as docker does),
/// <c>oci:PATH[:NAME|@DIGEST]</c> for an image layout, <c>oci-archive:PATH[:NAME]</c> and
/// <c>docker-archive:PATH[:NAME:TAG]</c> for archives, as skopeo names its transports. Immutable. The prefixes
/// are those of the transports in <see cref="TransportTable"/>; this class holds the two grammars they share.
/// </summary>
public sealed class Reference : IEquatable<Reference>
{
    public const string DockerHub = "docker.io";

    /// <summary>The layout transport's prefix, oci: (cmdlets add it to a bare layout path).</summary>
    public static string LayoutPrefix => TransportTable.Layout.Prefix;
    private const int MaxNameLength = 255;

    private static readonly Regex PathComponent = new("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$", RegexOptions.CultureInvariant);
    private static readonly Regex TagPattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant);

    // The image spec's grammar for org.opencontainers.image.ref.name: skopeo and podman write whole references there.
    private static readonly Regex RefNamePattern = new(
        @"^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$",
        RegexOptions.CultureInvariant);
    private static readonly Regex DomainPattern = new(
        @"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$",
        RegexOptions.CultureInvariant);

    private Reference(ImageTransport transport, string? registry, string? repository, string? layoutPath, string? tag, Digest? digest)
    {
        Transport = transport;
        Registry = registry;
        Repository = repository;
        LayoutPath = layoutPath;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The transport the reference names (by its prefix; a registry without one).</summary>
    public ImageTransport Transport { get; }

    public bool IsLayout => Transport is LayoutTransport;

    /// <summary>An oci-archive: or docker-archive: file.</summary>
    public bool IsArchive => Transport is ArchiveTransport;

    /// <summary>On this machine (a layout or an archive): its path is in <see cref="LayoutPath"/>.</summary>
    public bool IsLocal => Transport.NamesAPath;

    /// <summary>The registry host[:port] (docker.io for Docker Hub); null for a layout.</summary>
    public string? Registry { get; }

    /// <summary>The repository path inside the registry (library/ubuntu); null for a layout.</summary>
    public string? Repository { get; }

    /// <summary>The layout directory or archive file, as given or resolved; null for a registry reference.</summary>
    public string? LayoutPath { get; }

    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary>The repository (or layout) without tag or digest.</summary>
    public string Name => Transport.NameOf(this);

    /// <summary>What to ask a registry's manifests endpoint for: the digest when pinned, else the tag, else latest.</summary>
    public string RegistryIdentifier => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary>The host to connect to: Docker Hub's API lives on registry-1.docker.io.</summary>
    public string? RegistryEndpointHost => Registry is null ? null : EndpointHostOf(Registry);

    /// <summary>Docker Hub is named docker.io but served from registry-1.docker.io; other hosts are themselves.</summary>
    public static string EndpointHostOf(string registry) => registry == DockerHub ? "registry-1.docker.io" : registry;

    /// <summary>Text no registry reference can start with: /, ./, ../, ~/, \\, C:\ or C:/.</summary>
    internal static bool LooksLikeAPath(string text) =>
        text[0] is '/' or '\\' or '~'
        || text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith(".\\", StringComparison.Ordinal) || text.StartsWith("..", StringComparison.Ordinal)
        || (text.Length >= 3 && char.IsLetter(text[0]) && text[1] == ':' && text[2] is '/' or '\\');

    public static Reference Parse(string value) => Parse(value, TransportTable.Default);

    /// <param name="paths">How a layout or archive path is read; this system's when null (tests inject the other's).</param>
    internal static Reference Parse(string value, TransportTable table, PathSemantics? paths = null)
    {
        if (value is null)
        {
            throw new InvalidReferenceException("(null)", "it is empty");
        }

        var text = value.Trim();
        if (text.Length == 0)
        {
            throw new InvalidReferenceException(value, "it is empty");
        }

        if (table.FindByPrefix(text) is { } transport)
        {
            return transport.Parse(value, text.Substring(transport.Prefix.Length), paths ?? PathSemantics.Current);
        }

        if (LooksLikeAPath(text))
        {
            var forms = string.Join(", ", table.PathTransports.Select(t => t.Prefix + "PATH"));
            throw new InvalidReferenceException(value, $"it is a file path, not an image reference; name a layout or an archive with its transport ({forms}; a file piped in from Get-ChildItem is not an image)");
        }

        return TransportTable.Registry.Parse(value, text);
    }

    public static bool TryParse(string value, out Reference? reference)
    {
        try
        {
            reference = Parse(value);
            return true;
        }
        catch (InvalidReferenceException)
        {
            reference = null;
            return false;
        }
    }

    /// <summary>A layout reference built from parts, for callers that already hold a path.</summary>
    public static Reference ForLayout(string path, string? tag = null, Digest? digest = null)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidReferenceException(TransportTable.Layout.Prefix, "the layout path is empty");
        }

        if (tag is not null && !IsLayoutName(tag))
        {
            throw new InvalidReferenceException(TransportTable.Layout.Prefix + path + ":" + tag, $"'{tag}' is not a valid image name (the image spec's ref.name grammar)");
        }

        return new Reference(TransportTable.Layout, null, null, path, tag, digest);
    }

    /// <summary>An archive reference built from parts: the archive file, the image's name in it (when it is a valid one) and its digest.</summary>
    public static Reference ForArchive(bool dockerSave, string path, string? name, Digest? digest) =>
        new(dockerSave ? TransportTable.DockerArchive : TransportTable.OciArchive, null, null, path,
            name is not null && IsLayoutName(name) ? name : null, digest);

    /// <summary>
    /// True for a name an OCI layout's index.json may give an image: a docker tag, or anything the image spec's
    /// ref.name grammar allows (such as a whole reference, <c>docker.io/library/app:1.0</c>).
    /// </summary>
    public static bool IsLayoutName(string name) => TagPattern.IsMatch(name) || (name.Length <= MaxNameLength && RefNamePattern.IsMatch(name));

    /// <summary>
    /// The registry tag a layout's image name stands for: the name itself when it is a tag, the tag of a whole
    /// reference (<c>localhost/app:1.0</c> gives 1.0), else null.
    /// </summary>
    public static string? TagOfLayoutName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (TagPattern.IsMatch(name))
        {
            return name;
        }

        return TryParse(name, out var parsed) && !parsed!.IsLayout ? parsed.Tag : null;
    }

    public Reference WithTag(string? tag)
    {
        // PowerShell passes $null to a string parameter as "": both mean no tag.
        tag = string.IsNullOrEmpty(tag) ? null : tag;
        if (tag is not null && IsLocal && !IsLayoutName(tag))
        {
            throw new InvalidReferenceException(tag, "an image name in a layout follows the image spec's ref.name grammar: letters and digits, separated by '-', '.', '_', ':', '@', '+' or '--', in '/'-separated components");
        }

        if (tag is not null && !IsLocal && !TagPattern.IsMatch(tag))
        {
            throw new InvalidReferenceException(tag, "a tag is up to 128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'");
        }

        return new Reference(Transport, Registry, Repository, LayoutPath, tag, Digest);
    }

    public Reference WithDigest(Digest? digest) => new(Transport, Registry, Repository, LayoutPath, Tag, digest);

    /// <summary>The same reference with the layout path replaced (used to resolve a relative path once).</summary>
    public Reference WithLayoutPath(string path) =>
        IsLocal ? new Reference(Transport, null, null, path, Tag, Digest) : this;

    /// <summary>Only the repository or layout, with neither tag nor digest.</summary>
    public Reference WithoutIdentifier() => new(Transport, Registry, Repository, LayoutPath, null, null);

    public override string ToString()
    {
        var text = Name;
        if (Tag is not null)
        {
            text += ":" + Tag;
        }

        if (Digest is { } d)
        {
            text += "@" + d;
        }

        return text;
    }

    public bool Equals(Reference? other) => other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj switch
    {
        Reference r => Equals(r),
        string s => TryParse(s, out var parsed) && Equals(parsed),
        _ => false,
    };

    public override int GetHashCode() => ToString().GetHashCode();

    /// <summary>
    /// <c>oci:PATH[:NAME][@DIGEST]</c> (and the archive forms): PATH ends at the first ':' after its root (a drive's
    /// or a device path's, as <paramref name="paths"/> reads them), so NAME may hold ':', '/' and '@' as the image
    /// spec allows; a trailing '@' and a valid digest is the digest. Paths that contain ':' are not supported, as in
    /// skopeo. A path this system cannot open (a UNC path off Windows) is InvalidReference, a per-item error.
    /// </summary>
    internal static Reference ParsePathForm(ImageTransport transport, string original, string rest, PathSemantics paths)
    {
        Digest? digest = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var after = rest.Substring(at + 1);
            if (OciImage.Core.Digest.TryParse(after, out var d))
            {
                digest = d;
                rest = rest.Substring(0, at);
            }
            else if (LooksLikeDigest(after))
            {
                throw new InvalidReferenceException(original, $"'{after}' is not a valid digest");
            }
        }

        string? name = null;
        var colon = rest.IndexOf(':', paths.RootLength(rest));
        if (colon >= 0)
        {
            name = rest.Substring(colon + 1);
            rest = rest.Substring(0, colon);
            if (!IsLayoutName(name))
            {
                throw new InvalidReferenceException(original, name.Length == 0 ? "the image name after the layout path is empty" : $"'{name}' is not a valid image name (the image spec's ref.name grammar)");
            }
        }

        if (rest.Length == 0)
        {
            throw new InvalidReferenceException(original, $"the path after '{transport.Prefix}' is empty");
        }

        if (paths.Refusal(rest) is { } refusal)
        {
            throw new InvalidReferenceException(original, refusal);
        }

        return new Reference(transport, null, null, rest, name, digest);
    }

    /// <summary>ALGORITHM:HEX with a known algorithm: meant as a digest, even if malformed.</summary>
    private static bool LooksLikeDigest(string text) =>
        text.StartsWith(OciImage.Core.Digest.Sha256 + ":", StringComparison.Ordinal) || text.StartsWith(OciImage.Core.Digest.Sha512 + ":", StringComparison.Ordinal);

    /// <summary><c>[REGISTRY/]REPOSITORY[:TAG][@DIGEST]</c>, Docker Hub names normalised as docker does.</summary>
    internal static Reference ParseRegistryForm(ImageTransport transport, string original, string text)
    {
        Digest? digest = null;
        var at = text.IndexOf('@');

        // USER:PASSWORD@HOST/...: refused, and never repeated (an error would carry the password into logs).
        var firstSlash = text.IndexOf('/');
        if (at >= 0 && firstSlash > at)
        {
            var shown = "(credentials)@" + text.Substring(at + 1);
            throw new InvalidReferenceException(shown, "a reference carries no user name or password; give them with -Credential or Connect-OciRegistry") { Target = shown };
        }

        if (at >= 0)
        {
            var digestText = text.Substring(at + 1);
            if (!OciImage.Core.Digest.TryParse(digestText, out var d))
            {
                throw new InvalidReferenceException(original, $"'{digestText}' is not a valid digest");
            }

            digest = d;
            text = text.Substring(0, at);
        }

        string? tag = null;
        var lastColon = text.LastIndexOf(':');
        if (lastColon >= 0 && text.IndexOf('/', lastColon) < 0)
        {
            var candidate = text.Substring(lastColon + 1);
            var beforeColon = text.Substring(0, lastColon);

            // "localhost:5000" alone is a host and port, not a repository with a tag.
            if (!TagPattern.IsMatch(candidate))
            {
                throw new InvalidReferenceException(original, $"'{candidate}' is not a valid tag");
            }

            if (beforeColon.Length == 0)
            {
                throw new InvalidReferenceException(original, "the repository name is empty");
            }

            tag = candidate;
            text = beforeColon;
        }

        string registry;
        string repository;
        var slash = text.IndexOf('/');
        var first = slash < 0 ? text : text.Substring(0, slash);
        if (slash >= 0 && (first.Contains(".") || first.Contains(":") || first == "localhost" || first.ToLowerInvariant() != first))
        {
            registry = first;
            repository = text.Substring(slash + 1);
            // The grammar admits hosts no URL carries (port 65536, [1.2.3.4]): what the transport builds must parse.
            if (!DomainPattern.IsMatch(registry) || !Uri.TryCreate("https://" + registry + "/", UriKind.Absolute, out _))
            {
                throw new InvalidReferenceException(original, $"'{registry}' is not a valid registry host");
            }
        }
        else
        {
            registry = DockerHub;
            repository = text;
        }

        if (registry == "index.docker.io" || registry == "registry-1.docker.io")
        {
            registry = DockerHub;
        }

        if (registry == DockerHub && repository.IndexOf('/') < 0)
        {
            repository = "library/" + repository;
        }

        if (repository.Length == 0)
        {
            throw new InvalidReferenceException(original, "the repository name is empty");
        }

        foreach (var component in repository.Split('/'))
        {
            if (component.ToLowerInvariant() != component)
            {
                throw new InvalidReferenceException(original, "repository names must be lowercase");
            }

            if (!PathComponent.IsMatch(component))
            {
                throw new InvalidReferenceException(original, $"'{component}' is not a valid repository path component (lowercase letters, digits and single separators . _ __ -)");
            }
        }

        if (registry.Length + 1 + repository.Length > MaxNameLength)
        {
            throw new InvalidReferenceException(original, $"the name is longer than {MaxNameLength} characters");
        }

        return new Reference(transport, registry, repository, null, tag, digest);
    }
}
