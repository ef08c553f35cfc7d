using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Transports;

namespace OciImage;

/// <summary>
/// Base of the cmdlets that rewrite the image (or every image of an index) a reference names and move its tag
/// (Merge-OciLayer, Update-OciImageBase): the reference, -Tag, -Platform and the one flow they share. Set-OciImageConfig
/// and Add-OciLayer take the same parameters but derive from <see cref="OciComposeCmdlet"/> for its config
/// parameters (New-OciImage shares those); they share the target with these through <see cref="ImageChangeTarget"/>.
/// </summary>
public abstract class OciImageChangeCmdlet : OciRegistryCmdlet
{
    /// <summary>The image or index to change: REPOSITORY:TAG or oci:PATH:TAG. Its tag moves to the result.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>Writes the result under this tag instead of moving the reference's tag.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>The platforms of an index to change (by default every image; artifacts and attestations are left as they are).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string[]? Platform { get; set; }

    /// <summary>
    /// For the one input: resolves the target and what else the change needs (<paramref name="prepare"/>: bad input
    /// fails here, under -WhatIf too), asks ShouldProcess with the action <paramref name="describe"/> gives, runs the
    /// change in the engine and writes what it did.
    /// </summary>
    private protected void ChangeImage<TInputs>(
        Func<ImageChangeTarget, TInputs> prepare,
        Func<ImageChangeTarget, TInputs, string> describe,
        Func<ImageChangeTarget, TInputs, StoreContext, CancellationToken, Task<ImageChange>> change)
    {
        ForEachInput(Reference, () =>
        {
            var target = ImageChangeTarget.For(ResolveReference(Reference), Reference, Tag, Platform);
            var inputs = prepare(target);
            if (!ShouldProcess(target.Destination.ToString(), describe(target, inputs)))
            {
                return;
            }

            var result = RunCore((messages, ct) => change(target, inputs, StoreContext(messages), ct));
            WriteObject(new OciImageChange(result));
        });
    }
}
