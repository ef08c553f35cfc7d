using System.Linq;
using System.Management.Automation;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Checks an image: every digest and size, media types, config against manifest; -Deep checks DiffIDs. With
/// -MinimumEfficiency, -MaximumWastedBytes or -MaximumWastedPercent it checks dive --ci's rules instead.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "OciImage", DefaultParameterSetName = ValidateSet)]
[OutputType(typeof(OciValidationResult), typeof(OciImageMeasurement), typeof(bool))]
public sealed class TestOciImageCommand : OciRegistryCmdlet
{
    private const string ValidateSet = "Validate";
    private const string EfficiencySet = "Efficiency";

    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Reference { get; set; } = null!;

    /// <summary>Also decompresses every layer and compares its DiffID with the config.</summary>
    [Parameter(ParameterSetName = ValidateSet)]
    public SwitchParameter Deep { get; set; }

    /// <summary>Fails when dive's efficiency (0 to 1) is below this (dive's rules.lowestEfficiency).</summary>
    [Parameter(ParameterSetName = EfficiencySet)]
    [ValidateRange(0.0, 1.0)]
    public double? MinimumEfficiency { get; set; }

    /// <summary>Fails when dive's wasted bytes are above this (dive's rules.highestWastedBytes), such as 20MB.</summary>
    [Parameter(ParameterSetName = EfficiencySet)]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaximumWastedBytes { get; set; }

    /// <summary>Fails when wasted bytes ÷ user bytes is above this fraction, 0.1 for 10% (dive's rules.highestUserWastedPercent).</summary>
    [Parameter(ParameterSetName = EfficiencySet)]
    [ValidateRange(0.0, double.MaxValue)]
    public double? MaximumWastedPercent { get; set; }

    /// <summary>The platform to check when the reference names a multi-platform index (efficiency rules).</summary>
    [Parameter(ParameterSetName = EfficiencySet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>Returns only $true or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                if (ParameterSetName == EfficiencySet)
                {
                    TestEfficiency(text);
                }
                else
                {
                    Validate(text);
                }
            });
        }
    }

    private void TestEfficiency(string text)
    {
        var reference = ResolveReference(text);
        var platform = ParsePlatform(Platform);
        var rules = new EfficiencyRules { MinimumEfficiency = MinimumEfficiency, MaximumWastedBytes = MaximumWastedBytes, MaximumWastedPercent = MaximumWastedPercent };
        var (analysis, failures) = RunCore((messages, ct) => TestVerb.EfficiencyAsync(reference, platform, rules, StoreContext(messages), ct));
        var measurement = new OciImageMeasurement(analysis);
        if (AnsweredQuietly(failures))
        {
            return;
        }

        if (failures.Count > 0)
        {
            WriteError(ErrorMapping.ToErrorRecord(new ImageInefficientException(measurement.Reference, failures) { Target = measurement }, text));
        }
        else
        {
            WriteObject(measurement);
        }
    }

    private void Validate(string text)
    {
        var reference = ResolveReference(text);
        var problems = RunCore((messages, ct) => TestVerb.ValidateAsync(reference, Deep, StoreContext(messages), ct));
        if (!AnsweredQuietly(problems))
        {
            WriteObject(new OciValidationResult(reference, Deep, problems.ToArray()));
        }
    }

    /// <summary>Writes each problem as a verbose line; with -Quiet, answers $true or $false alone.</summary>
    private bool AnsweredQuietly(System.Collections.Generic.IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            WriteVerbose(problem);
        }

        if (Quiet)
        {
            WriteObject(problems.Count == 0);
        }

        return Quiet;
    }
}
