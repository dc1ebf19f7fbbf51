using System.Globalization;
using System.Text.Json;

namespace Tracing.Domain.Artifacts;

/// <summary>A server-side process's request to register an object it already put in the artifact store.</summary>
public sealed record RegisterArtifact(string StoragePath, string Sha256, long Size, string ContentType, string Kind, long? Seq);

/// <summary>Validation of artifact request fields. Pure: raw values in, a value or (field, message) out.</summary>
public static class ArtifactInput
{
    public static (string? Kind, string? Error) Kind(string? raw) =>
        ArtifactKinds.IsValid(raw) ? (raw, null) : (null, $"kind is required and must be one of: {string.Join(", ", ArtifactKinds.All)}");

    public static (long? Seq, string? Error) Seq(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return (null, null);
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq >= 1
            ? (seq, null) : (null, "seq must be an integer >= 1 (the step the artifact belongs to)");
    }

    public static (RegisterArtifact? Command, string? Field, string? Error) ParseRegister(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "body", "body must be a JSON object");

        var sha = Str(body, "sha256")?.ToLowerInvariant();
        if (!StoragePaths.IsSha256(sha)) return (null, "sha256", "sha256 must be 64 hex digits");
        var path = Str(body, "storage_path");
        if (path is null || !StoragePaths.IsValid(path) || path != StoragePaths.For(sha!))
            return (null, "storage_path", $"storage_path must be the content address of sha256: {StoragePaths.For(sha!)}");
        if (!body.TryGetProperty("size", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var size) || size < 1)
            return (null, "size", "size must be an integer >= 1 (bytes)");
        var contentType = Str(body, "content_type");
        var type = contentType is null ? null : ArtifactTypes.Canonical(contentType);
        if (type is null) return (null, "content_type", $"content_type must be one of: {string.Join(", ", ArtifactTypes.Allowed)}");
        var (kind, kindError) = Kind(Str(body, "kind"));
        if (kindError is not null) return (null, "kind", kindError);

        long? seq = null;
        if (body.TryGetProperty("seq", out var q) && q.ValueKind != JsonValueKind.Null)
        {
            if (q.ValueKind != JsonValueKind.Number || !q.TryGetInt64(out var n) || n < 1)
                return (null, "seq", "seq must be an integer >= 1 (the step the artifact belongs to)");
            seq = n;
        }
        return (new RegisterArtifact(path, sha!, size, type, kind!, seq), null, null);
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
