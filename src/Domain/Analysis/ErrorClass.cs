using System.Text.RegularExpressions;

namespace Tracing.Domain.Analysis;

/// <summary>
/// Classifies an error by keywords in its type and message. Providers spell the same condition many ways
/// (<c>rate_limit_error</c>, <c>RateLimitError</c>, HTTP 429, "Too Many Requests"), so matching is on
/// lower-cased substrings; the lists are part of the detector version.
/// </summary>
public static partial class ErrorClass
{
    private static readonly string[] RateLimit = ["rate_limit", "ratelimit", "rate limit", "too_many_requests", "too many requests", "throttl"];
    private static readonly string[] Retry = ["retry", "overloaded", "temporarily unavailable", "service_unavailable"];
    private static readonly string[] Timeout = ["timeout", "timed out", "time out", "deadline_exceeded", "deadline exceeded"];
    private static readonly string[] ContextLength =
    [
        "context_length", "context length", "context_window", "context window", "maximum context",
        "prompt is too long", "too many tokens", "token_limit", "token limit", "input is too long",
    ];

    public static bool IsRateLimit(ErrorInfo e) => Any(e.Text, RateLimit) || Http(e.Text, "429");

    /// <summary>Anything that says "try again": rate limits, explicit retries, overload / 503.</summary>
    public static bool IsRetrySignal(ErrorInfo e) => IsRateLimit(e) || Any(e.Text, Retry) || Http(e.Text, "503");

    public static bool IsTimeout(ErrorInfo e) => Any(e.Text, Timeout) || Http(e.Text, "408") || Http(e.Text, "504");

    public static bool IsContextLength(ErrorInfo e) => Any(e.Text, ContextLength);

    private static bool Any(string text, string[] words) => words.Any(w => text.Contains(w, StringComparison.Ordinal));

    // A status code only counts as a whole number ("HTTP 429", "429 Too Many"), never inside an id like req_4291.
    private static bool Http(string text, string code) =>
        text.Contains(code, StringComparison.Ordinal) && StatusCode().Matches(text).Any(m => m.Value == code);

    [GeneratedRegex(@"(?<![\w.])\d{3}(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex StatusCode();
}
