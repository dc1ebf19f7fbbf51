using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracing.Domain.Events;
using Xunit;

namespace Tracing.Tests.Domain;

/// <summary>
/// The content hash decides duplicate against conflict for every stored key, so its digest must never move: it is checked
/// here against the formula written out independently (SHA-256 of "seq\ntype\n" + the serialised payload's UTF-8).
/// </summary>
public sealed class PayloadIdentityRules
{
    [Theory]
    [InlineData("""{"b": 1, "a": [true, null, 2.50]}""")]
    [InlineData("""{ "text" : "caf\u00e9 \u2014 \"quoted\" <tag> & 'single' \\ back", "n": -0.0 }""")]
    [InlineData("""{"emoji": "\ud83d\ude00", "nested": {"deep": {"x": "\u001f"}}}""")]
    [InlineData("""[]""")]
    public void the_content_hash_is_sha256_of_seq_type_and_the_serialised_payload(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"42\nllm.response\n{JsonSerializer.Serialize(doc.RootElement)}")));
        Assert.Equal(expected, EventIdentity.ContentHash(42, "llm.response", doc.RootElement));
    }

    /// <summary>The OTLP mapping serialises its DOM once and hashes those bytes: the same digest as the stored element's.</summary>
    [Theory]
    [InlineData("""{"b": 1, "a": [true, null, 2.50]}""")]
    [InlineData("""{ "text" : "caf\u00e9 \u2014 \"quoted\" <tag> & 'single' \\ back", "n": -0.0, "t": 0.1 }""")]
    [InlineData("""{"emoji": "\ud83d\ude00", "nested": {"deep": {"x": "\u001f", "+": "2026-03-01T09:00:00+00:00"}}}""")]
    public void a_payload_serialised_once_has_the_content_hash_of_its_stored_element(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["built"] = "caf\u00e9 \ud83d\ude00 \"q\" <b> \u0001"; // a value set in code, as the mapping does
        node["number"] = 0.1 + 0.2;
        var (payload, hash) = EventIdentity.Serialize(7, "tool.result", node);
        Assert.Equal(EventIdentity.ContentHash(7, "tool.result", payload), hash);
        Assert.Equal(JsonSerializer.Serialize(node), JsonSerializer.Serialize(payload));
    }

    [Fact]
    public void whitespace_does_not_change_the_content_hash_but_a_value_does()
    {
        using var a = JsonDocument.Parse("""{"a":1,"b":"x"}""");
        using var b = JsonDocument.Parse("""{ "a" : 1 , "b" : "x" }""");
        using var c = JsonDocument.Parse("""{"a":1,"b":"y"}""");
        Assert.Equal(EventIdentity.ContentHash(1, "log", a.RootElement), EventIdentity.ContentHash(1, "log", b.RootElement));
        Assert.NotEqual(EventIdentity.ContentHash(1, "log", a.RootElement), EventIdentity.ContentHash(1, "log", c.RootElement));
        Assert.NotEqual(EventIdentity.ContentHash(1, "log", a.RootElement), EventIdentity.ContentHash(2, "log", a.RootElement));
    }

    [Theory]
    [InlineData("""{"s": "a\u0000b"}""", true)]
    [InlineData("""{"a\u0000": 1}""", true)]
    [InlineData("""{"x": [1, {"y": "\u0000"}]}""", true)]
    [InlineData("""{"s": "a\\u0000b"}""", false)] // an escaped backslash, then the text "u0000"
    [InlineData("""{"s": "tab\there \u00e9", "k\u00e9": "v"}""", false)]
    [InlineData("""{"s": "plain"}""", false)]
    public void nul_is_found_wherever_it_is_spelled_and_only_there(string json, bool nul)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(nul, JsonSafety.ContainsNul(doc.RootElement));
    }

    [Fact]
    public void payload_size_is_counted_in_utf8_bytes()
    {
        using var doc = JsonDocument.Parse("{\"s\":\"\u00e9\u00e9\"}"); // two characters, four bytes
        Assert.Equal(Encoding.UTF8.GetByteCount("{\"s\":\"\u00e9\u00e9\"}"), JsonSafety.Utf8Length(doc.RootElement));
        Assert.Equal("{\"s\":\"\u00e9\u00e9\"}".Length + 2, JsonSafety.Utf8Length(doc.RootElement)); // not the UTF-16 length
    }
}
