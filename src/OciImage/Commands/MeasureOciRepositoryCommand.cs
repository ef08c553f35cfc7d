using System;
using System.Collections.Generic;
using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Measures a repository, layout or archive: per tag its unique and shared bytes, the bytes stored after
/// de-duplication, and, given tags to remove (-Remove, or OciTag objects piped in), the bytes that would then be
/// referenced by nothing kept. Read-only: it removes nothing.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "OciRepository")]
[OutputType(typeof(OciRepositoryMeasurement))]
public sealed class MeasureOciRepositoryCommand : OciRegistryCmdlet
{
    private readonly List<string> _remove = new();
    private OciImage.Core.Reference? _repository;

    /// <summary>The repository (REGISTRY/REPOSITORY), layout (oci:PATH) or archive; a tag or digest on it is ignored.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Repository")]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>Tags whose removal to measure; binds the Tag of piped OciTag objects.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Tag")]
    public string[]? Remove { get; set; }

    /// <summary>How many tags are read at once (each costs a manifest request, and one per index child).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Core.Registry.RegistryConcurrency.TagsAtOnce;

    protected override void ProcessRecord()
    {
        // Piped tags are gathered per repository: FreedBytes is about removing them all together.
        ForEachInput(Reference, () =>
        {
            var repository = ResolveReference(Reference).WithoutIdentifier();
            if (_repository is not null && _repository.ToString() != repository.ToString())
            {
                Measure();
            }

            _repository = repository;
            _remove.AddRange(Remove ?? Array.Empty<string>());
        });
    }

    protected override void EndProcessing()
    {
        if (_repository is not null)
        {
            Measure();
        }
    }

    private void Measure()
    {
        var repository = _repository!;
        var tags = _remove.ToArray();
        _repository = null;
        _remove.Clear();
        ForEachInput(repository.ToString(), () => RunCore(async (messages, ct) =>
        {
            var measured = await RepositoryMeasureVerb.MeasureAsync(repository, tags, StoreContext(messages), ct, ThrottleLimit).ConfigureAwait(false);
            foreach (var problem in measured.Problems)
            {
                messages.Error(problem, problem.Target ?? repository.ToString());
            }

            messages.Emit(new OciRepositoryMeasurement(measured));
        }));
    }
}
