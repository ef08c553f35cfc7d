using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Tests;

/// <summary>
/// The engine's clock for tests: a wait is recorded and passes at once (the time moves on by it), so a minute of
/// retries takes no time; a deadline is a real timer unless <see cref="HoldDeadlines"/>, when it is recorded for
/// the test to end itself.
/// </summary>
internal sealed class TestClock : EngineClock
{
    private readonly Action<TimeSpan>? _onDelay;
    private readonly object _gate = new();
    private DateTime _now = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public TestClock(Action<TimeSpan>? onDelay = null)
    {
        _onDelay = onDelay;
    }

    public bool HoldDeadlines { get; init; }

    /// <summary>The deadlines armed while <see cref="HoldDeadlines"/>: the delay, and the source to cancel when it ends.</summary>
    public List<(TimeSpan Delay, CancellationTokenSource Source)> Deadlines { get; } = new();

    public int Delays { get; private set; }

    public override DateTime UtcNow
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    public override Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _now += delay;
            Delays++;
            _onDelay?.Invoke(delay);
        }

        return Task.CompletedTask;
    }

    public override void CancelAfter(CancellationTokenSource source, TimeSpan delay)
    {
        if (!HoldDeadlines)
        {
            source.CancelAfter(delay);
            return;
        }

        lock (Deadlines)
        {
            Deadlines.Add((delay, source));
        }
    }
}
