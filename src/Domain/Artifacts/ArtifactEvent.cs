using System.Text.Json;
using Tracing.Domain.Events;

namespace Tracing.Domain.Artifacts;

/// <summary>
/// The <c>artifact.registered</c> trace event that records an artifact in its session (ADR 0006): a trace event
/// like any other, with its own seq (the session's next), so replay shows it in order. The step the client
/// attached the artifact to is the payload's <c>seq</c>.
/// </summary>
public static class ArtifactEvent
{
    public static string IdempotencyKey(string artifactId) => "artifact:" + artifactId;

    public static JsonElement Payload(Artifact a) => JsonSerializer.SerializeToElement(new Dictionary<string, object?>
    {
        ["artifact_id"] = a.Id,
        ["storage_path"] = a.StoragePath,
        ["sha256"] = a.Sha256,
        ["size"] = a.Size,
        ["content_type"] = a.ContentType,
        ["kind"] = a.Kind,
        ["seq"] = a.Seq,
    });

    /// <summary>The event for the artifact at the session's next seq.</summary>
    public static IncomingEvent At(Artifact a, long seq)
    {
        var payload = Payload(a);
        return new IncomingEvent(0, seq, IdempotencyKey(a.Id), EventTypes.ArtifactRegistered, null, null, null, payload,
            EventIdentity.ContentHash(seq, EventTypes.ArtifactRegistered, payload));
    }
}
