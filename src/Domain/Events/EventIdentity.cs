using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tracing.Domain.Events;

/// <summary>Deterministic identities: the event id is derived from the idempotency key, so the
/// database's unique index on event id rejects a second copy of the same key.</summary>
public static class EventIdentity
{
    public static string DefaultIdempotencyKey(string sessionId, long seq) => $"{sessionId}:{seq}";

    /// <summary>Name-based UUID (RFC 9562 version 8 layout) over workspace, stream key and idempotency key.</summary>
    public static Guid EventId(string workspaceId, string streamKey, string idempotencyKey)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{workspaceId}\n{streamKey}\n{idempotencyKey}"));
        var g = bytes.AsSpan(0, 16).ToArray();
        g[6] = (byte)((g[6] & 0x0F) | 0x80);
        g[8] = (byte)((g[8] & 0x3F) | 0x80);
        return new Guid(g, bigEndian: true);
    }

    /// <summary>
    /// Hash of what makes two deliveries of a key "the same event": seq, type and payload (whitespace-insensitive): SHA-256
    /// of <c>"{seq}\n{type}\n"</c> and the payload as <see cref="JsonSerializer"/> writes it, hashed from the writer's
    /// bytes (no intermediate strings; the same digest as hashing the serialised string's UTF-8).
    /// </summary>
    public static string ContentHash(long seq, string type, JsonElement payload) =>
        Hashed(seq, type, Math.Max(256, JsonSafety.Utf8Length(payload)), payload, static (w, e) => e.WriteTo(w)).Hash;

    /// <summary>
    /// A payload built as a DOM (the OTLP mapping), serialised once: the element to store, parsed from the very bytes
    /// its <see cref="ContentHash(long, string, JsonElement)"/> covers (writing the parsed element again gives the same
    /// bytes; a test holds the two digests equal).
    /// </summary>
    public static (JsonElement Payload, string Hash) Serialize(long seq, string type, System.Text.Json.Nodes.JsonNode payload)
    {
        var (text, start, hash) = Hashed(seq, type, 1024, payload, static (w, node) => node.WriteTo(w));
        var reader = new Utf8JsonReader(text.WrittenSpan[start..]);
        return (JsonElement.ParseValue(ref reader), hash);
    }

    /// <summary>SHA-256 of <c>"{seq}\n{type}\n"</c> and what <paramref name="write"/> writes of <paramref name="payload"/>, from one buffer.</summary>
    private static (ArrayBufferWriter<byte> Text, int PayloadStart, string Hash) Hashed<T>(long seq, string type, int sizeHint, T payload,
        Action<Utf8JsonWriter, T> write)
    {
        var prefix = $"{seq}\n{type}\n";
        var text = new ArrayBufferWriter<byte>(Encoding.UTF8.GetMaxByteCount(prefix.Length) + sizeHint);
        text.Advance(Encoding.UTF8.GetBytes(prefix, text.GetSpan(Encoding.UTF8.GetMaxByteCount(prefix.Length))));
        var start = text.WrittenCount;
        using (var w = new Utf8JsonWriter(text)) write(w, payload);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(text.WrittenSpan, digest);
        return (text, start, Convert.ToHexStringLower(digest));
    }
}
