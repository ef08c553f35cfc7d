namespace OciImage.TestKit.Hostile;

/// <summary>
/// Values a hostile or careless user types into the cmdlets' parameters (red team 11): each names the class of
/// fault it attacks. The cmdlet must answer each with one per-item error whose ErrorId is in the README's table.
/// </summary>
public static class HostileParameterValues
{
    /// <summary>The password of <see cref="UserInfoReferences"/>: it must appear in no stream, error or object.</summary>
    public const string UserInfoPassword = "Pa55-in-the-reference";

    /// <summary>Registry hosts the reference grammar admits but no URL can carry: a port past 65535, a bracketed literal that is no IPv6 address.</summary>
    public static readonly string[] HostsNoUrlCarries =
    {
        "127.0.0.1:65536/team/app:1",
        "localhost:99999999999999999999/team/app:1",
        "[:::::]:5000/team/app:1",
        "[1.2.3.4]/team/app:1",
    };

    /// <summary>References that carry a user name and password before the host, as a URL may (docker and skopeo refuse them).</summary>
    public static readonly string[] UserInfoReferences =
    {
        $"bob:{UserInfoPassword}@127.0.0.1:1/team/app:1",
        $"docker://bob:{UserInfoPassword}@127.0.0.1:1/team/app@sha256:{new string('a', 64)}",
    };

    /// <summary>A NUL character in a layout, archive or file path: the runtime's file APIs throw ArgumentException at it.</summary>
    public const string NulPath = "./in\0valid";
}
