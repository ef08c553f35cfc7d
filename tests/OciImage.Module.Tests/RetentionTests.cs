using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Remove-OciTag -Keep on the test kit's <see cref="RetentionRepository"/> (a layout, and the CNCF registry with
/// and without storage.delete.enabled): what -WhatIf lists, that no kept tag loses its image, that the bytes said
/// to be freed are what the garbage collection frees; and Remove-OciManifest -IncludeReferrers.
/// </summary>
public sealed class RetentionTests
{
    private const string KeepRecipe = "-Keep -Newest 2 -CreatedSince ([datetimeoffset]'" + RetentionRepository.CutOff + "')";

    [Fact]
    public void ALayoutKeepsTheNewestAndTheRecentAndFreesWhatItSaid()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        var freed = repo.FreedBytes;
        using var host = new PowerShellHost();

        // -WhatIf: every tag left out, its digest and what it frees; nothing removed.
        var planned = host.Run($"Remove-OciTag oci:{repo.Layout} {KeepRecipe} -WhatIf");
        Assert.Empty(planned.Errors);
        var warning = Assert.Single(planned.Warnings);
        Assert.Contains("nightly", warning);
        var plan = Assert.Single(planned.Output);
        AssertPlan(repo, plan, removed: false);
        Assert.Equal(Tags(repo.Digests.Keys), Tags(host.RunClean($"(Get-OciTag oci:{repo.Layout}).Tag").Select(t => t.ToString())));

        var run = host.RunClean($"Remove-OciTag oci:{repo.Layout} {KeepRecipe}").Single();
        AssertPlan(repo, run, removed: true);
        AssertKeptTagsKeepTheirImages(host, $"oci:{repo.Layout}", repo);

        var collected = host.RunClean($"Remove-OciUnusedBlob oci:{repo.Layout} -GracePeriod 0 -Confirm:$false").Single();
        Assert.Equal(freed, (long)collected.Properties["BytesFreed"].Value);
        Assert.Equal(0, host.Run($"Test-OciImage oci:{repo.Layout}:legacy").Errors.Count);
    }

    [ToolFact("docker-registry")]
    public void ARegistryWithoutTagDeletionKeepsEveryKeptTagsImage()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        using var registry = new RegistryServer();
        using var host = new PowerShellHost();
        var repository = Push(host, repo, registry.Host + "/keep/app");

        var planned = host.RunClean($"Remove-OciTag {repository} {KeepRecipe} -WhatIf").Single();
        AssertPlan(repo, planned, removed: false);

        // The CNCF registry has no deletion by tag: each tag goes by the placeholder swap, and legacy keeps 1.2's image.
        var run = host.RunClean($"Remove-OciTag {repository} {KeepRecipe}").Single();
        AssertPlan(repo, run, removed: true);
        AssertKeptTagsKeepTheirImages(host, repository, repo);
    }

    [ToolFact("docker-registry")]
    public void ReferrerFallbackTagsStayWithTheirSubjectWhateverTheNameRules()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        using var registry = new RegistryServer();
        using var host = new PowerShellHost();
        var repository = Push(host, repo, registry.Host + "/fallback/app");
        var signature = AddReferrer(host, temp, $"{repository}:sig", $"{repository}:2.0");
        var fallback = "sha256-" + repo.Digests["2.0"].Substring(7);

        // A name rule judges every tag: sig goes (its manifest stays), 1.x go; sha256-HEX is no name anyone chose.
        var result = host.RunClean($"Remove-OciTag {repository} -Keep -Name '2.*', legacy, nightly").Single();
        Assert.Contains(fallback, (string[])result.Properties["KeptTags"].Value);
        Assert.Contains(fallback, Listing(host, repository).Keys);
        Assert.Equal(signature, host.RunClean($"(Get-OciReferrer {repository}:2.0).Digest").Single().ToString());
    }

    [ToolFact("docker-registry")]
    public void ARegistryRefusingDeletionChangesNothingOnEveryPath()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        using var registry = new RegistryServer(deleteEnabled: false);
        using var host = new PowerShellHost();
        var repository = Push(host, repo, registry.Host + "/refuse/app");
        AddReferrer(host, temp, $"{repository}:sig", $"{repository}:2.0");
        var before = Listing(host, repository);

        var keep = host.Run($"Remove-OciTag {repository} {KeepRecipe}");
        var refused = Assert.Single(keep.Errors);
        Assert.Equal("OperationNotSupported,OciImage.Commands.RemoveOciTagCommand", refused.FullyQualifiedErrorId);
        Assert.Contains("storage.delete.enabled", refused.ToString());
        Assert.Equal(0, (int)Assert.Single(keep.Output).Properties["TagsRemoved"].Value);

        var single = Assert.Single(host.Run($"Remove-OciTag {repository}:1.0").Errors);
        Assert.Equal("OperationNotSupported,OciImage.Commands.RemoveOciTagCommand", single.FullyQualifiedErrorId);

        var manifest = Assert.Single(host.Run($"Remove-OciManifest {repository}:2.0 -IncludeReferrers -Confirm:$false").Errors);
        Assert.Equal("OperationNotSupported,OciImage.Commands.RemoveOciManifestCommand", manifest.FullyQualifiedErrorId);
        Assert.Contains("storage.delete.enabled", manifest.ToString());

        Assert.Equal(before, Listing(host, repository));
    }

    [ToolFact("docker-registry")]
    public void ReferrersGoWithTheirSubjectAndNothingElseOnARegistry()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        using var registry = new RegistryServer();
        using var host = new PowerShellHost();
        var repository = Push(host, repo, registry.Host + "/referrers/app");
        ReferrersGoWithTheirSubject(host, temp, repo, repository, fallbackTags: true);
    }

    [Fact]
    public void ReferrersGoWithTheirSubjectAndNothingElseInALayout()
    {
        using var temp = new TempDirectory();
        var repo = new RetentionRepository(temp.Combine("layout"));
        using var host = new PowerShellHost();
        ReferrersGoWithTheirSubject(host, temp, repo, $"oci:{repo.Layout}", fallbackTags: false);
    }

    /// <summary>2.0 has an SBOM, which has a signature; 2.1 has a signature. Deleting 2.0 with its referrers leaves 2.1's alone.</summary>
    private static void ReferrersGoWithTheirSubject(PowerShellHost host, TempDirectory temp, RetentionRepository repo, string repository, bool fallbackTags)
    {
        var sbom = AddReferrer(host, temp, $"{repository}:sbom-20", $"{repository}:2.0", "application/spdx+json");
        AddReferrer(host, temp, $"{repository}:sig-sbom-20", $"{repository}@{sbom}");
        var other = AddReferrer(host, temp, $"{repository}:sig-21", $"{repository}:2.1");
        var subject = repo.Digests["2.0"];
        var fallback = "sha256-" + subject.Substring(7);
        var before = Listing(host, repository);
        Assert.Equal(fallbackTags, before.ContainsKey(fallback));

        host.RunClean($"Remove-OciManifest {repository}:2.0 -IncludeReferrers -Confirm:$false");

        var after = Listing(host, repository);
        // The fallback indexes of the subject and of its SBOM (which has a signature) go too; 2.1's stays.
        var gone = new[] { "2.0", "sbom-20", "sig-sbom-20" }.Concat(fallbackTags ? new[] { fallback, "sha256-" + sbom.Substring(7) } : Array.Empty<string>()).ToArray();
        Assert.Equal(Tags(before.Keys.Except(gone)), Tags(after.Keys));
        foreach (var tag in after.Keys)
        {
            Assert.Equal(before[tag], after[tag]);
        }

        Assert.Equal(other, host.RunClean($"(Get-OciReferrer {repository}:2.1).Digest").Single().ToString());
        Assert.Empty(host.RunClean($"Get-OciReferrer {repository}@{subject}"));
        if (fallbackTags)
        {
            Assert.Single(host.Run($"Get-OciManifest {repository}@{sbom}").Errors);
            Assert.Single(host.Run($"Get-OciManifest {repository}@{subject}").Errors);
        }
        else
        {
            // A layout drops the index.json entries; the blobs wait for Remove-OciUnusedBlob.
            var index = File.ReadAllText(Path.Combine(repo.Layout, "index.json"));
            Assert.DoesNotContain(sbom, index);
            Assert.DoesNotContain(subject, index);
            Assert.Contains(other, index);
        }
    }

    private static void AssertPlan(RetentionRepository repo, PSObject result, bool removed)
    {
        var removals = ((object[])result.Properties["Removals"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.Equal(Tags(RetentionRepository.Removed), Tags(removals.Select(r => (string)r.Properties["Tag"].Value)));
        Assert.Equal(Tags(RetentionRepository.Kept), Tags((string[])result.Properties["KeptTags"].Value));
        Assert.Equal(repo.FreedBytes, (long)result.Properties["FreedBytes"].Value);
        foreach (var removal in removals)
        {
            var tag = (string)removal.Properties["Tag"].Value;
            Assert.Equal(repo.Digests[tag], (string)removal.Properties["Digest"].Value);
            Assert.Equal(removed, (bool)removal.Properties["Removed"].Value);
            Assert.Equal(tag == "1.2" ? 0 : repo.Own(tag, tag == "1.0" ? 300 : 400), (long)removal.Properties["FreedBytes"].Value);
            Assert.Equal(tag == "1.2" ? new[] { "legacy" } : Array.Empty<string>(), (string[])removal.Properties["KeptAliases"].Value);
            Assert.Equal(tag == "1.2" ? "Newest" : "CreatedSince", (string)removal.Properties["DroppedBy"].Value);
        }

        Assert.Equal(removed ? 3 : 0, (int)result.Properties["TagsRemoved"].Value);
    }

    private static void AssertKeptTagsKeepTheirImages(PowerShellHost host, string repository, RetentionRepository repo)
    {
        var listing = Listing(host, repository);
        Assert.Equal(Tags(RetentionRepository.Kept), Tags(listing.Keys));
        foreach (var tag in RetentionRepository.Kept)
        {
            Assert.Equal(repo.Digests[tag], listing[tag]);
            Assert.Equal(repo.Digests[tag], host.RunClean($"(Get-OciManifest {repository}:{tag}).Digest").Single().ToString());
        }
    }

    private static string Push(PowerShellHost host, RetentionRepository repo, string repository)
    {
        foreach (var tag in repo.Digests.Keys)
        {
            host.RunClean($"Copy-OciImage oci:{repo.Layout}:{tag} {repository}:{tag}");
        }

        return repository;
    }

    /// <summary>A small artifact whose subject is the image named; returns its digest.</summary>
    private static string AddReferrer(PowerShellHost host, TempDirectory temp, string destination, string subject, string artifactType = "application/vnd.dev.cosign.artifact.sig.v1+json")
    {
        var file = temp.Combine(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, "{\"for\":\"" + subject + "\"}");
        host.RunClean($"New-OciImage {destination} -ArtifactType {artifactType} -Subject {subject} -File '{file}'");
        return host.RunClean($"(Get-OciManifest {destination}).Digest").Single().ToString();
    }

    private static Dictionary<string, string> Listing(PowerShellHost host, string repository) =>
        host.RunClean($"Get-OciTag {repository} -Detail Digest").ToDictionary(t => (string)t.Properties["Tag"].Value, t => t.Properties["Digest"].Value.ToString()!);

    private static string[] Tags(IEnumerable<string> tags) => tags.OrderBy(t => t, StringComparer.Ordinal).ToArray();
}
