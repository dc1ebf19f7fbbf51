using System.Diagnostics;
using System.Runtime;

namespace Tracing.Bench;

/// <summary>
/// The share of the cores the process's JIT used since it was started, from the runtime's own compilation clock
/// (<see cref="JitInfo.GetCompilationTime"/>): how the bench knows its code is warm (tiered compilation has promoted
/// what the workload runs) instead of guessing a warm-up length (ADR 0035).
/// </summary>
public readonly struct JitClock
{
    /// <summary>A warm-up round that spent less than this in the JIT (cores) counts as warm.</summary>
    public const double SettledCores = 0.03;

    private readonly TimeSpan _jit;
    private readonly long _methods;
    private readonly long _started;

    private JitClock(TimeSpan jit, long methods, long started) => (_jit, _methods, _started) = (jit, methods, started);

    public static JitClock Start() => new(JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount(), Stopwatch.GetTimestamp());

    /// <summary>Methods compiled since <see cref="Start"/> (every tier counts; not inflated by a busy machine, unlike the time).</summary>
    public long Methods => JitInfo.GetCompiledMethodCount() - _methods;

    /// <summary>Cores spent compiling since <see cref="Start"/>: JIT time over wall time.</summary>
    public double Cores => (JitInfo.GetCompilationTime() - _jit) / Stopwatch.GetElapsedTime(_started);
}
