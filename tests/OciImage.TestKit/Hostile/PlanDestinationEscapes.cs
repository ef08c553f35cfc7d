using System.Collections.Generic;
using System.IO;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a saved mirror plan, edited to write (or prune) outside the place it was made for. Each entry
/// is a destination that looks under a root by its text, or is near it, but is not: a sibling sharing the
/// root's prefix, a '..' walk out, a symbolic link inside the root to a folder outside (whole, dangling, or
/// walked back out of with '..'), a link loop, a relative path, another port or host, another transport with
/// the same registry and repository. Applying the plan under the root must refuse every one.
/// </summary>
public static class PlanDestinationEscapes
{
    /// <summary>Registry destinations that a root of <c>{host}/team</c> must refuse.</summary>
    public static IEnumerable<(string Attack, string Destination)> Registry(string host, int port) => new[]
    {
        ("sibling sharing the prefix", $"{host}:{port}/team-evil/app:1"),
        ("longer first component", $"{host}:{port}/teamx:1"),
        ("prefix deeper in the path", $"{host}:{port}/other/team/app:1"),
        ("another port", $"{host}:{port + 1}/team/app:1"),
        ("the default port", $"{host}/team/app:1"),
        ("another host", $"evil.{host}:{port}/team/app:1"),
        ("host as a path component", $"evil.example/{host}/team/app:1"),
        ("the docker daemon, same name", $"docker-daemon:{host}:{port}/team/app:1"),
        ("an archive named like the registry", $"oci-archive:/{host}:{port}/team/app.tar"),
    };

    /// <summary>
    /// Layout destinations that a root of <paramref name="root"/> must refuse, with what they need on disk made:
    /// links inside the root to <paramref name="outside"/>, which exists.
    /// </summary>
    public static IEnumerable<(string Attack, string Destination)> Layout(string root, string outside)
    {
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(outside, "dir"));
        Link(Path.Combine(root, "escape"), outside);
        Link(Path.Combine(root, "dangling"), Path.Combine(outside, "not-yet"));
        Link(Path.Combine(root, "deep"), Path.Combine(outside, "dir"));
        Link(Path.Combine(root, "loop"), Path.Combine(root, "loop"));
        return new[]
        {
            ("sibling sharing the prefix", $"oci:{root}-evil/mirror:1"),
            ("dot-dot out", $"oci:{root}/../evil:1"),
            ("dot-dot out, deeper", $"oci:{root}/a/../../evil:1"),
            ("link to a folder outside", $"oci:{root}/escape/mirror:1"),
            ("link to a folder outside, itself", $"oci:{root}/escape:1"),
            ("dangling link", $"oci:{root}/dangling:1"),
            ("archive through a link", $"oci-archive:{root}/escape/out.tar"),
            ("dot-dot after a link", $"oci:{root}/deep/../mirror:1"),
            ("link loop", $"oci:{root}/loop/mirror:1"),
            ("relative path", "oci:mirror:1"),
            ("a registry", "127.0.0.1:5000/mirror:1"),
        };
    }

    private static void Link(string path, string target)
    {
        if (!File.Exists(path) && !Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            File.CreateSymbolicLink(path, target);
        }
    }
}
