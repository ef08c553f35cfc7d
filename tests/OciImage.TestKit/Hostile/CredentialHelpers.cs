using System.IO;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: programs run from the wrong place, and programs that never end or flood. Writes shell-script
/// docker credential helpers into a folder (each named docker-credential-NAME, executable): well-behaved ones and
/// hostile ones. The hostile ones give a credential only if the module reads past what it should, so a test that
/// sees it knows the bound failed.
/// </summary>
public static class CredentialHelpers
{
    /// <summary>Answers "helper-user" / <paramref name="secret"/> for every server.</summary>
    public static string Good(string folder, string name, string secret = "helper-secret") =>
        Write(folder, name, $"read server\necho '{{\"ServerURL\":\"'\"$server\"'\",\"Username\":\"helper-user\",\"Secret\":\"{secret}\"}}'\n");

    /// <summary>Never exits (nor closes its output): a helper waiting on a prompt nobody sees.</summary>
    public static string NeverExits(string folder, string name) =>
        Write(folder, name, "read server\nexec sleep 3600\n");

    /// <summary>Answers, then keeps its output open in a child that outlives it (a daemon it started).</summary>
    public static string LeavesAChildHoldingItsOutput(string folder, string name) =>
        Write(folder, name, "read server\necho '{\"Username\":\"u\",\"Secret\":\"from-child\"}'\nsleep 8 &\nexit 0\n");

    /// <summary>Writes 200 KiB to stderr before its answer (the pipe fills unless stderr is read alongside stdout).</summary>
    public static string FloodsStderrFirst(string folder, string name, int kibibytes = 200) =>
        Write(folder, name, $"read server\nhead -c {kibibytes * 1024} /dev/zero | tr '\\0' 'e' >&2\necho '{{\"Username\":\"u\",\"Secret\":\"after-the-flood\"}}'\n");

    /// <summary>Writes to stdout without end.</summary>
    public static string EndlessOutput(string folder, string name) =>
        Write(folder, name, "read server\nexec yes '{\"Username\":\"u\",\"Secret\":\"endless\"}'\n");

    /// <summary>Answers valid JSON of the wrong shape.</summary>
    public static string Answers(string folder, string name, string json) =>
        Write(folder, name, $"read server\necho '{json}'\n");

    private static string Write(string folder, string name, string body)
    {
        var path = Path.Combine(folder, "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
