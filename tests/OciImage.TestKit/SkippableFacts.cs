using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OciImage.TestKit;

/// <summary>
/// Thrown by a test (through <see cref="Skip.Because"/>) when something it needs turns out, while it runs, not to
/// work on this machine (a container runtime without the privileges, a gap the test names): reported as skipped
/// with the reason, not as failed. Only tests marked <see cref="RuntimeToolFactAttribute"/> or
/// <see cref="RuntimeToolTheoryAttribute"/> turn it into a skip.
/// </summary>
public sealed class SkipException : Exception
{
    public SkipException(string reason)
        : base(reason)
    {
    }
}

public static class Skip
{
    /// <summary>Ends the test as skipped, saying why.</summary>
    public static Exception Because(string reason) => throw new SkipException(reason);
}

/// <summary>
/// Like <see cref="ToolFactAttribute"/> (skipped when a program is not installed), and the test may also skip
/// itself while running with <see cref="Skip.Because"/> when an installed program cannot do its work here.
/// </summary>
[XunitTestCaseDiscoverer("OciImage.TestKit.RuntimeSkipDiscoverer", "OciImage.TestKit")]
public sealed class RuntimeToolFactAttribute : FactAttribute
{
    public RuntimeToolFactAttribute(params string[] tools) => Skip = MissingTool(tools);

    internal static string? MissingTool(string[] tools)
    {
        var missing = tools.FirstOrDefault(t => !ExternalTool.IsInstalled(t));
        return missing is null ? null : $"'{missing}' is not installed (.ci/run installs it with apt-get).";
    }
}

/// <summary>The theory form of <see cref="RuntimeToolFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("OciImage.TestKit.RuntimeSkipTheoryDiscoverer", "OciImage.TestKit")]
public sealed class RuntimeToolTheoryAttribute : TheoryAttribute
{
    public RuntimeToolTheoryAttribute(params string[] tools) => Skip = RuntimeToolFactAttribute.MissingTool(tools);
}

public sealed class RuntimeSkipDiscoverer : IXunitTestCaseDiscoverer
{
    private readonly IMessageSink _diagnostics;

    public RuntimeSkipDiscoverer(IMessageSink diagnosticMessageSink) => _diagnostics = diagnosticMessageSink;

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new RuntimeSkipTestCase(_diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

public sealed class RuntimeSkipTheoryDiscoverer : TheoryDiscoverer
{
    public RuntimeSkipTheoryDiscoverer(IMessageSink diagnosticMessageSink)
        : base(diagnosticMessageSink)
    {
    }

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
    {
        yield return new RuntimeSkipTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow);
    }
}

/// <summary>A test case whose failures by <see cref="SkipException"/> are reported as skips with the reason.</summary>
public sealed class RuntimeSkipTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public RuntimeSkipTestCase()
    {
    }

    public RuntimeSkipTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod, object[]? testMethodArguments = null)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod, testMethodArguments)
    {
    }

    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new SkippingBus(messageBus);
        var summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource).ConfigureAwait(false);
        if (bus.Skipped > 0)
        {
            summary.Failed -= bus.Skipped;
            summary.Skipped += bus.Skipped;
        }

        return summary;
    }

    private sealed class SkippingBus : IMessageBus
    {
        private readonly IMessageBus _inner;

        public SkippingBus(IMessageBus inner) => _inner = inner;

        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == typeof(SkipException).FullName)
            {
                Skipped++;
                return _inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages.FirstOrDefault() ?? "skipped"));
            }

            return _inner.QueueMessage(message);
        }

        public void Dispose()
        {
        }
    }
}
