using Tracing.Domain.Fixes;
using Xunit;

namespace Tracing.Tests.Incidents;

public sealed class UnifiedDiffRules
{
    private const string Config = "model: gpt-4o\nmax_steps: 80\ntools:\n  - search\n  - open_page\n";

    [Fact]
    public void a_hand_written_diff_applies_at_its_line_and_at_an_offset()
    {
        const string diff = "--- a/agent-config\n+++ b/agent-config\n@@ -1,5 +1,6 @@\n model: gpt-4o\n max_steps: 80\n+max_repeated_tool_calls: 2\n tools:\n   - search\n   - open_page\n";
        var applied = UnifiedDiff.Apply(Config, diff);
        Assert.True(applied.Applies, applied.Error);
        Assert.Equal("model: gpt-4o\nmax_steps: 80\nmax_repeated_tool_calls: 2\ntools:\n  - search\n  - open_page\n", applied.Text);

        var shifted = UnifiedDiff.Apply("# header\n# more\n" + Config, diff);
        Assert.True(shifted.Applies, shifted.Error);
        Assert.StartsWith("# header\n# more\nmodel: gpt-4o\nmax_steps: 80\nmax_repeated_tool_calls: 2\n", shifted.Text);
    }

    [Theory]
    [InlineData("@@ -1,2 +1,2 @@\n model: gpt-3.5\n-max_steps: 80\n+max_steps: 40\n", "does not match")]
    [InlineData("@@ -1,3 +1,3 @@\n model: gpt-4o\n-max_steps: 80\n+max_steps: 40\n", "ends before")]
    [InlineData("just some prose", "no hunks")]
    [InlineData("--- a/x\n+++ b/x\n@@ -1,1 +1,1 @@\n-model: gpt-4o\n+model: x\n--- a/y\n+++ b/y\n", "more than one file")]
    [InlineData("@@ -1,1 +1,1 @@\n-model: gpt-4o\n+model: x\nstray text\n", "unexpected line")]
    public void a_diff_that_does_not_apply_cleanly_says_why(string diff, string why)
    {
        var applied = UnifiedDiff.Apply(Config, diff);
        Assert.False(applied.Applies);
        Assert.Contains(why, applied.Error);
    }

    [Theory]
    [InlineData("", "a: 1\n")]
    [InlineData("a: 1\n", "")]
    [InlineData("a: 1", "a: 1\nb: 2\n")]
    [InlineData("a: 1\nb: 2", "a: 1\nb: 3")]
    [InlineData("x\n", "x")]
    [InlineData("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n")]
    [InlineData("1\n2\n3\n", "0\n1\n2\n3\n")]
    [InlineData("a\r\nb\r\n", "a\nc\n")]
    public void a_generated_diff_round_trips(string original, string modified)
    {
        var diff = UnifiedDiff.Create(original, modified);
        var applied = UnifiedDiff.Apply(original, diff);
        Assert.True(applied.Applies, applied.Error + "\n" + diff);
        Assert.Equal(modified.Replace("\r\n", "\n"), applied.Text);
    }

    [Fact]
    public void equal_texts_have_an_empty_diff()
    {
        Assert.Equal("", UnifiedDiff.Create(Config, Config));
    }

    [Fact]
    public void a_model_reply_is_read_from_json_or_from_a_fenced_diff()
    {
        var json = FixPrompt.ReadReply("```json\n{\"plan\": \"lower it\", \"diff\": \"@@ -1 +1 @@\\n-a\\n+b\\n\"}\n```");
        Assert.Equal(("lower it", "@@ -1 +1 @@\n-a\n+b\n"), json);
        var fenced = FixPrompt.ReadReply("Lower the limit.\n```diff\n@@ -1 +1 @@\n-a\n+b\n```\n");
        Assert.Equal(("Lower the limit.", "@@ -1 +1 @@\n-a\n+b\n"), fenced);
        Assert.Null(FixPrompt.ReadReply("I cannot help with that."));
        Assert.Null(FixPrompt.ReadReply("{\"plan\": 3}"));
    }
}
