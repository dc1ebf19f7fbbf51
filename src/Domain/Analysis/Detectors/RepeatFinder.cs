namespace Tracing.Domain.Analysis.Detectors;

/// <summary>A block of <c>Length</c> items repeated <c>Repeats</c> times back to back.</summary>
public readonly record struct RepeatRun(int Length, int Repeats);

/// <summary>
/// Finds a periodic run starting at one position of a key sequence. The shortest period wins, so
/// A,A,A,A is one call repeated 4 times, never (A,A) twice.
/// </summary>
public static class RepeatFinder
{
    public static RepeatRun? Find(IReadOnlyList<string> keys, int start, int maxLength, int minRepeats)
    {
        for (var length = 1; length <= maxLength && start + length <= keys.Count; length++)
        {
            // Extend while each key equals the key one period earlier.
            var end = start + length;
            while (end < keys.Count && string.Equals(keys[end], keys[end - length], StringComparison.Ordinal)) end++;
            var repeats = (end - start) / length;
            if (repeats >= minRepeats) return new RepeatRun(length, repeats);
        }
        return null;
    }
}
