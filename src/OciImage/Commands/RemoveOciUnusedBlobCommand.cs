using System;
using System.Linq;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Stores;
using OciImage.Core.Verbs;
using OciImage.Core.Layout;

namespace OciImage.Commands;

/// <summary>Garbage collection for an OCI layout: removes the blobs no index.json entry reaches.</summary>
[Cmdlet(VerbsCommon.Remove, "OciUnusedBlob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OciUnusedBlobRemoval))]
public sealed class RemoveOciUnusedBlobCommand : OciCmdlet
{
    /// <summary>The layout: oci:PATH or a folder path.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Layout", "Path")]
    [ValidateNotNullOrEmpty]
    public string[] LayoutPath { get; set; } = null!;

    /// <summary>Blobs younger than this are kept, reachable or not (a copy writes blobs before naming them). Default: one hour.</summary>
    [Parameter]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(1);

    protected override void ProcessRecord()
    {
        if (GracePeriod < TimeSpan.Zero)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(GracePeriod), "-GracePeriod cannot be negative."), "InvalidGracePeriod", ErrorCategory.InvalidArgument, GracePeriod));
        }

        foreach (var text in LayoutPath)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text.StartsWith(Reference.LayoutPrefix, StringComparison.Ordinal) ? text : Reference.LayoutPrefix + text);
                var report = RunCore((messages, ct) => LayoutVerb.FindUnusedAsync(reference, GracePeriod, messages, ct));
                // One question a blob: -WhatIf lists each with its size, -Confirm asks each (Yes to All ends it).
                var approved = report.Unused
                    .Where(b => ShouldProcess(b.Digest.ToString(), $"Remove unused blob ({SizeFormat.Human(b.Size)}, last used {b.Modified.ToLocalTime():g})"))
                    .Select(b => b.Digest)
                    .ToList();
                var removed = approved.Count == 0 ? Array.Empty<UnusedBlob>() : RunCore((messages, ct) => LayoutVerb.RemoveUnusedAsync(reference, approved, GracePeriod, messages, ct));

                // Always a result, under -WhatIf too: what is unused and what went, so a script can read the total.
                WriteObject(new OciUnusedBlobRemoval(reference, report.Unused.Count, report.Unused.Sum(b => b.Size), removed.Count, removed.Sum(b => b.Size), report.Unused.Count - removed.Count, report.ReachableBlobs, report.YoungBlobs));
            });
        }
    }
}
