using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Artifacts;

namespace Tracing.Api.Artifacts;

/// <summary>
/// Register mode of POST /api/traces/{id}/artifacts: a trusted server-side process already put the object in the
/// store and registers it for a session. Service credential only; the object must exist and match size and SHA-256.
/// </summary>
public static class RegisterArtifactEndpoint
{
    public const long MaxBodyBytes = 16 * 1024;

    public static async Task<IResult> Handle(string id, HttpRequest request, Caller caller, IArtifactStore objects,
        ArtifactRecorder recorder, CancellationToken ct)
    {
        if (!caller.IsService)
            return Problems.Forbidden("Registering a stored object needs the service credential. " +
                                      "To upload a JSON artifact with an API key, pass ?kind= (or use multipart/form-data).");
        if (!await recorder.SessionExistsAsync(caller, id, ct)) return Problems.SessionNotFound(id);

        var (doc, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, ct);
        if (problem is not null) return problem;
        using var _ = doc;
        var (command, field, error) = ArtifactInput.ParseRegister(doc!.RootElement);
        if (command is null) return Problems.Validation(field!, error!);

        var size = await objects.SizeAsync(command.StoragePath, ct);
        if (size is null) return Problems.Validation("storage_path", $"There is no object at {command.StoragePath}.");
        if (size != command.Size) return Problems.Validation("size", $"The stored object has {size} bytes, not {command.Size}.");

        await using (var content = await objects.OpenReadAsync(command.StoragePath, ct))
        {
            if (content is null) return Problems.Validation("storage_path", $"There is no object at {command.StoragePath}.");
            using var digest = await ContentDigest.OfAsync(content, ct);
            if (digest.Sha256() != command.Sha256) return Problems.Validation("sha256", "The stored object's SHA-256 differs.");
            var (_, typeError) = ContentTypeDecision.Decide(command.ContentType, null, digest.Head, digest.Complete);
            if (typeError is not null) return Problems.UnsupportedMediaType(typeError);
        }

        var stored = new StoredObject(command.StoragePath, command.Sha256, command.Size);
        return await recorder.RecordAsync(caller, id, stored, command.ContentType, command.Kind, command.Seq, ct);
    }
}
