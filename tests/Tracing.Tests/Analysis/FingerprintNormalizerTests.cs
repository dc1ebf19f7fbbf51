using Tracing.Domain.Analysis;
using Xunit;

namespace Tracing.Tests.Analysis;

public class FingerprintNormalizerTests
{
    [Theory]
    [InlineData("Request timed out after 30000 ms", "request timed out after <num> ms")]
    [InlineData("No such file: '/srv/app/config.yml'", "no such file: '<str>'")]
    [InlineData("can't open \"report 2024.pdf\"", "can't open \"<str>\"")]
    [InlineData("run `rm -rf build` failed", "run `<str>` failed")]
    [InlineData("session 3f2b8c1e-9a4d-4e5f-8a6b-1c2d3e4f5a6b not found", "session <uuid> not found")]
    [InlineData("at 2025-03-01T12:34:56.789Z the job failed", "at <ts> the job failed")]
    [InlineData("on 2025-03-01 12:34:56+02:00 and 2025-03-02", "on <ts> and <ts>")]
    [InlineData("started 09:15:02 stopped", "started <ts> stopped")]
    [InlineData("GET https://api.example.com/v1/search?q=x&page=2 failed", "get <url> failed")]
    [InlineData("cannot read /var/lib/app/data.db", "cannot read <path>")]
    [InlineData("cannot read ./data/in.csv or ~/x/y", "cannot read <path> or <path>")]
    [InlineData(@"cannot read C:\Users\bot\file.txt", "cannot read <path>")]
    [InlineData("and/or stays, a lone / too", "and/or stays, a lone / too")]
    [InlineData("segfault at 0x7ffd5e8a", "segfault at <hex>")]
    [InlineData("sha deadbeef0123456789 mismatch", "sha <hex> mismatch")]
    [InlineData("Internal error (request_id: req_011CXyZ9abc)", "internal error (request_id: <id>)")]
    [InlineData("completion chatcmpl-9xYzAbC failed", "completion <id> failed")]
    [InlineData("token sk2938fjs02kd9 rejected", "token <id> rejected")]
    [InlineData("mail bot@agents.example.com bounced", "mail <email> bounced")]
    [InlineData("model gpt-4o returned 3 items in 1.25s", "model gpt-<num>o returned <num> items in <num>s")]
    [InlineData("could not connect to 10.0.0.12:5432", "could not connect to <num>:<num>")]
    [InlineData("  many\n\tspaces   here ", "many spaces here")]
    [InlineData("MiXeD CaSe", "mixed case")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void masks_variable_parts(string? message, string expected) =>
        Assert.Equal(expected, FingerprintNormalizer.Normalize(message));

    [Fact]
    public void messages_that_differ_only_in_ids_and_numbers_normalize_the_same()
    {
        var a = FingerprintNormalizer.Normalize("Timeout after 3000ms calling /v1/search (req_8f3k2lq9) at 2025-01-01T00:00:00Z");
        var b = FingerprintNormalizer.Normalize("Timeout after 5000ms calling /v1/lookup (req_x1y2z3w4) at 2026-12-31T23:59:59Z");
        Assert.Equal(a, b);
    }

    [Fact]
    public void different_error_shapes_stay_different()
    {
        Assert.NotEqual(
            FingerprintNormalizer.Normalize("connection refused"),
            FingerprintNormalizer.Normalize("connection reset"));
    }

    [Fact]
    public void output_is_capped() =>
        Assert.Equal(FingerprintNormalizer.MaxLength, FingerprintNormalizer.Normalize(new string('x', 5000)).Length);

    [Fact]
    public void fingerprint_is_sixteen_lower_hex_and_separates_parts()
    {
        var f = Fingerprint.Of("tool_error", "search", "timeout");
        Assert.Matches("^[0-9a-f]{16}$", f);
        Assert.Equal(f, Fingerprint.Of("tool_error", "search", "timeout"));
        Assert.NotEqual(Fingerprint.Of("d", "a b", "c"), Fingerprint.Of("d", "a", "b c"));
        Assert.NotEqual(f, Fingerprint.Of("llm_error", "search", "timeout"));
    }
}
