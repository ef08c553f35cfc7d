using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using OciImage.Core.IO;

namespace OciImage.Benchmarks;

/// <summary>
/// A temp folder of the harness: the engine's <see cref="ClaimedFolder"/> (PREFIX-PID-RANDOM, claimed by a lock
/// file beside it that this process holds), removed on dispose, at exit, and on SIGTERM or SIGINT (a CI timeout,
/// kill, Ctrl+C), as the test kit's RegistryServer stops its registry. A harness killed outright (SIGKILL) cannot
/// clean up: the next one to make a folder of the prefix removes those whose lock is free, so the data (gigabytes
/// without --quick) does not pile up in /tmp. The lock, not the pid, tells a dead harness: a pid is reused. A signal
/// that lands while the data is being prepared may see another thread write into the folder again after it was
/// removed: its lock file then stays too, and the next start sweeps it as a killed harness's.
/// </summary>
public sealed class HarnessFolder : IDisposable
{
    private readonly ClaimedFolder _claim;
    private readonly PosixSignalRegistration[] _onSignals;
    private int _disposed;

    public HarnessFolder(string prefix)
    {
        ClaimedFolder.SweepAbandoned(System.IO.Path.GetTempPath(), stem => stem == prefix);
        _claim = ClaimedFolder.Create(System.IO.Path.GetTempPath(), prefix);
        AppDomain.CurrentDomain.ProcessExit += RemoveOnExit;

        // The handler runs to its end before the signal ends the process as it would have.
        _onSignals = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(signal => PosixSignalRegistration.Create(signal, _ => Dispose())).ToArray();
    }

    public string Path => _claim.Path;

    public string Combine(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= RemoveOnExit;
        foreach (var registration in _onSignals)
        {
            registration.Dispose();
        }

        _claim.Dispose();
    }

    private void RemoveOnExit(object? sender, EventArgs e) => Dispose();
}
