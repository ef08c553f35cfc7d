using System;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core;

/// <summary>
/// The engine's one clock (TimeProvider is not in netstandard2.0): the time, a wait, and a deadline on a token
/// source. Everything that waits or times out takes it from where it is configured (registry options, a layout
/// store), so a test can run a minute of retries or a 30 s stall window without waiting for it.
/// </summary>
internal abstract class EngineClock
{
    /// <summary>The machine's clock and timers.</summary>
    public static EngineClock System { get; } = new SystemClock();

    public abstract DateTime UtcNow { get; }

    public abstract Task Delay(TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Cancels <paramref name="source"/> once <paramref name="delay"/> has passed (re-arming moves the deadline).</summary>
    public abstract void CancelAfter(CancellationTokenSource source, TimeSpan delay);

    private sealed class SystemClock : EngineClock
    {
        public override DateTime UtcNow => DateTime.UtcNow;

        public override Task Delay(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);

        public override void CancelAfter(CancellationTokenSource source, TimeSpan delay) => source.CancelAfter(delay);
    }
}
