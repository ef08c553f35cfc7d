using System;
using System.Diagnostics;
using System.IO;
using OciImage.Core.Registry;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>The current directory is changed here: nothing else may run beside these tests.</summary>
[CollectionDefinition(nameof(CurrentDirectory), DisableParallelization = true)]
public sealed class CurrentDirectory
{
}

/// <summary>
/// Docker credential helpers are programs the docker config names: found only on PATH by absolute entries (never
/// the current directory), only under program names, and run with bounds that hold whatever they do. A helper that
/// fails warns and the registry is asked anonymously, as for a missing helper.
/// </summary>
[Collection(nameof(CurrentDirectory))]
public sealed class CredentialHelperTests
{
    private static RegistryCredential? Find(string config, string searchPath, RecordingLog log, TimeSpan? timeout = null) =>
        new DockerConfigCredentials(config, log) { SearchPath = searchPath, HelperTimeout = timeout ?? TimeSpan.FromSeconds(30) }.Find("helped.example.com");

    private static string Config(TempDirectory temp, string helper)
    {
        var config = temp.Combine("config.json");
        File.WriteAllText(config, "{\"credsStore\":\"" + helper + "\"}");
        return config;
    }

    [Fact]
    public void AHelperInTheCurrentDirectoryOrOnARelativePathEntryIsNeverRun()
    {
        using var temp = new TempDirectory();
        var planted = Directory.CreateDirectory(temp.Combine("cloned-repo")).FullName;
        CredentialHelpers.Good(planted, "desktop", "planted-secret");
        Directory.CreateDirectory(Path.Combine(planted, "bin"));
        CredentialHelpers.Good(Path.Combine(planted, "bin"), "desktop", "planted-secret");
        var config = Config(temp, "desktop");
        var log = new RecordingLog();
        var before = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = planted;

            // An empty entry, ".", and a relative one all mean the current directory (or below it) to a shell.
            Assert.Null(Find(config, string.Join(Path.PathSeparator, "", ".", "bin", "/nonexistent"), log));
            Assert.Contains(log.Messages, m => m.Contains("docker-credential-desktop is not installed (not on PATH; the current directory is not searched)"));

            // The control: the same helper on an absolute entry is run.
            Assert.Equal("planted-secret", Find(config, planted, log)!.Secret);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    [Theory]
    [InlineData("../../tmp/evil")]
    [InlineData("desktop; rm -rf x")]
    [InlineData("a/b")]
    [InlineData("tab\there")]
    public void AHelperNameThatIsNotAProgramNameIsRefused(string name)
    {
        using var temp = new TempDirectory();
        var config = temp.Combine("config.json");
        File.WriteAllText(config, "{\"credsStore\":" + System.Text.Json.JsonSerializer.Serialize(name) + "}");
        var log = new RecordingLog();
        Assert.Null(Find(config, temp.Path, log));
        Assert.Contains(log.Messages, m => m.Contains("which is not a program name"));
    }

    [Fact]
    public void AHelperThatNeverExitsIsStoppedAtTheTimeout()
    {
        using var temp = new TempDirectory();
        CredentialHelpers.NeverExits(temp.Path, "sleeper");
        var log = new RecordingLog();
        var clock = Stopwatch.StartNew();
        Assert.Null(Find(Config(temp, "sleeper"), temp.Path, log, TimeSpan.FromSeconds(1)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains(log.Messages, m => m.Contains("did not answer within 1 s and was stopped"));
    }

    [Fact]
    public void AHelperWhoseChildHoldsItsOutputOpenCannotHoldTheCaller()
    {
        using var temp = new TempDirectory();
        CredentialHelpers.LeavesAChildHoldingItsOutput(temp.Path, "daemon");
        var log = new RecordingLog();
        var clock = Stopwatch.StartNew();
        Assert.Null(Find(Config(temp, "daemon"), temp.Path, log, TimeSpan.FromSeconds(1)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void AHelperThatFloodsStderrFailsFastInsteadOfHanging()
    {
        using var temp = new TempDirectory();
        CredentialHelpers.FloodsStderrFirst(temp.Path, "noisy");
        var log = new RecordingLog();
        var clock = Stopwatch.StartNew();
        Assert.Null(Find(Config(temp, "noisy"), temp.Path, log));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains(log.Messages, m => m.Contains("wrote more than 64 KiB to its error output and was stopped"));

        // Under the bound, stderr is read alongside stdout and the answer stands.
        CredentialHelpers.FloodsStderrFirst(temp.Path, "chatty", kibibytes: 48);
        Assert.Equal("after-the-flood", Find(Config(temp, "chatty"), temp.Path, log)!.Secret);
    }

    [Fact]
    public void AHelperWithEndlessOutputIsStoppedAndRefused()
    {
        using var temp = new TempDirectory();
        CredentialHelpers.EndlessOutput(temp.Path, "endless");
        var log = new RecordingLog();
        var clock = Stopwatch.StartNew();
        Assert.Null(Find(Config(temp, "endless"), temp.Path, log));
        // Under the helper timeout (30 s): the output cap stopped it, not the clock; the message below says which.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"took {clock.Elapsed}");
        Assert.True(log.Messages.Exists(m => m.Contains("wrote more than 1024 KiB to its output and was stopped")), "the log said: " + string.Join(" | ", log.Messages));
    }

    [Theory]
    [InlineData("[]", "is not a credential")]
    [InlineData("\"text\"", "is not a credential")]
    [InlineData("{\"Username\":5,\"Secret\":[1]}", "is not a credential")]
    [InlineData("{\"Username\":5,\"Secret\":\"x\"}", "is not a credential")]
    [InlineData("{\"Username\":[\"a\"],\"Secret\":null}", "is not a credential")]
    public void AHelperAnsweringTheWrongShapeMeansAnonymous(string json, string? warning)
    {
        using var temp = new TempDirectory();
        CredentialHelpers.Answers(temp.Path, "shape", json);
        var log = new RecordingLog();
        Assert.Null(Find(Config(temp, "shape"), temp.Path, log));
        if (warning is not null)
        {
            Assert.Contains(log.Messages, m => m.Contains(warning));
        }
    }
}
