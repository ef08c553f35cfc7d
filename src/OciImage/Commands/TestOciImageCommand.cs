using System.Linq;
using System.Management.Automation;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Checks an image: every digest and size, media types, config against manifest; -Deep checks DiffIDs. With
/// -MinimumEfficiency, -MaximumWastedBytes or -MaximumWastedPercent it checks dive --ci's rules instead; with
/// -BaseCurrent, whether the base it records is still what the base's name gives.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "OciImage", DefaultParameterSetName = ValidateSet)]
[OutputType(typeof(OciValidationResult), typeof(OciImageMeasurement), typeof(OciBaseStatus), typeof(bool))]
public sealed class TestOciImageCommand : OciRegistryCmdlet
{
    private const string ValidateSet = "Validate";
    private const string EfficiencySet = "Efficiency";
    private const string BaseSet = "Base";

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

    /// <summary>Fails (BaseImageOutdated) when the recorded base (base.name, base.digest annotations) is no longer what its name gives.</summary>
    [Parameter(Mandatory = true, ParameterSetName = BaseSet)]
    public SwitchParameter BaseCurrent { get; set; }

    /// <summary>The platform to check when the reference names a multi-platform index (efficiency rules; with -BaseCurrent, every image by default).</summary>
    [Parameter(ParameterSetName = EfficiencySet)]
    [Parameter(ParameterSetName = BaseSet)]
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
            ForEachInput(text, () => (ParameterSetName switch { EfficiencySet => (System.Action<string>)TestEfficiency, BaseSet => TestBase, _ => Validate })(text));
        }
    }

    private void TestEfficiency(string text)
    {
        var reference = ResolveReference(text);
        var rules = new EfficiencyRules { MinimumEfficiency = MinimumEfficiency, MaximumWastedBytes = MaximumWastedBytes, MaximumWastedPercent = MaximumWastedPercent };
        var (analysis, failures) = RunCore((messages, ct) => TestVerb.EfficiencyAsync(reference, ParsePlatform(Platform), rules, StoreContext(messages), ct));
        var measurement = new OciImageMeasurement(analysis);
        Answer(measurement, failures, () => new ImageInefficientException(measurement.Reference, failures) { Target = measurement }, text);
    }

    private void TestBase(string text)
    {
        var reference = ResolveReference(text);
        var platforms = Platform is null ? null : new[] { ParsePlatform(Platform)! };
        foreach (var status in RunCore((messages, ct) => TestVerb.BaseCurrentAsync(reference, platforms, StoreContext(messages), ct)).Select(s => new OciBaseStatus(s)))
        {
            var problems = status.IsCurrent ? new string[0] : new[] { status.ToString() };
            Answer(status, problems, () => new BaseImageOutdatedException(status.Reference, status.BaseName!, status.RecordedDigest!, status.CurrentDigest!) { Target = status }, text);
        }
    }

    private void Validate(string text)
    {
        var reference = ResolveReference(text);
        var problems = RunCore((messages, ct) => TestVerb.ValidateAsync(reference, Deep, StoreContext(messages), ct));
        Answer(new OciValidationResult(reference, Deep, problems.ToArray()), problems, null, text);
    }

    /// <summary>Each problem as a verbose line; with -Quiet, $true or $false alone; else the result, or the error a failing rule makes.</summary>
    private void Answer(object result, System.Collections.Generic.IReadOnlyList<string> problems, System.Func<OciException>? failure, string text)
    {
        foreach (var problem in problems)
        {
            WriteVerbose(problem);
        }

        if (Quiet)
        {
            WriteObject(problems.Count == 0);
        }
        else if (problems.Count > 0 && failure is not null)
        {
            WriteError(ErrorMapping.ToErrorRecord(failure(), text));
        }
        else
        {
            WriteObject(result);
        }
    }
}
