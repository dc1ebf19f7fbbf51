using Microsoft.AspNetCore.Http.Features;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Artifacts;
using Tracing.Domain.Sessions;

namespace Tracing.Api.Artifacts;

/// <summary>
/// POST /api/traces/{id}/artifacts. Three modes, told apart by the request alone:
/// <c>multipart/form-data</c> (file part + <c>kind</c>, <c>seq</c> fields); a raw body with its own Content-Type and
/// <c>?kind=&amp;seq=</c>; or, for <c>application/json</c> without <c>?kind</c>, register mode (service credential only).
/// </summary>
public static class UploadArtifactEndpoint
{
    public static async Task<IResult> Handle(string id, HttpRequest request, Caller caller, ArtifactOptions options,
        IArtifactStore objects, ArtifactRecorder recorder, CancellationToken ct, string? kind = null, string? seq = null)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var multipart = mediaType == "multipart/form-data";
        if (mediaType == "application/json" && kind is null)
            return await RegisterArtifactEndpoint.Handle(id, request, caller, objects, recorder, ct);
        if (caller.IsService)
            return Problems.Forbidden("The service credential only registers stored objects (a JSON body without ?kind).");

        if (!multipart)
        {
            // Everything a raw upload says about itself is in the query and headers: refuse before reading the body.
            if (ArtifactInput.Kind(kind).Error is { } kindError) return Problems.Validation("kind", kindError);
            if (ArtifactInput.Seq(seq).Error is { } seqError) return Problems.Validation("seq", seqError);
            if (!ArtifactTypes.IsUnspecified(request.ContentType) && ArtifactTypes.Canonical(request.ContentType!) is null)
                return Problems.UnsupportedMediaType($"Content type '{mediaType}' is not allowed. Allowed: {string.Join(", ", ArtifactTypes.Allowed)}.");
        }
        if (!await recorder.SessionExistsAsync(caller, id, ct)) return Problems.SessionNotFound(id);

        var limit = options.MaxBytes + (multipart ? ArtifactOptions.MultipartAllowance : 0);
        if (request.ContentLength > limit) return Problems.TooLarge($"The artifact exceeds the limit of {options.MaxBytes} bytes.");
        var used = options.WorkspaceQuotaBytes > 0 ? await recorder.WorkspaceBytesAsync(caller, ct) : 0;
        var declared = Math.Max(1, (request.ContentLength ?? 1) - (multipart ? ArtifactOptions.MultipartAllowance : 0));
        if (QuotaExceeded(options, used, declared) is { } full) return full; // refused before reading the body
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = limit;

        IncomingUpload upload;
        if (multipart)
        {
            var (read, problem) = await MultipartUpload.ReadAsync(request, options, ct);
            if (problem is not null) return problem;
            upload = read! with { Kind = read.Kind ?? kind, Seq = read.Seq ?? seq }; // form fields, else the query
        }
        else
        {
            var (file, failure) = await SpooledFile.WriteAsync(request.Body, options.TempDir, options.MaxBytes, ct);
            if (failure is not null) return failure.Problem;
            upload = new IncomingUpload(file!, request.ContentType, null, kind, seq);
        }

        await using (upload.File)
        {
            var (artifactKind, kindError) = ArtifactInput.Kind(upload.Kind);
            if (kindError is not null) return Problems.Validation("kind", kindError);
            var (artifactSeq, seqError) = ArtifactInput.Seq(upload.Seq);
            if (seqError is not null) return Problems.Validation("seq", seqError);
            if (upload.File.Size == 0) return Problems.Validation("file", "The artifact is empty.");
            if (QuotaExceeded(options, used, upload.File.Size) is { } full2) return full2;

            var (type, typeError) = ContentTypeDecision.Decide(upload.DeclaredType, upload.FileName, upload.File.Head, upload.File.Complete);
            if (typeError is not null) return Problems.UnsupportedMediaType(typeError);

            var stored = await objects.PutFileAsync(upload.File.Path, upload.File.Sha256, ct);
            return await recorder.RecordAsync(caller, id, stored, type!, artifactKind!, artifactSeq, ct);
        }
    }

    /// <summary>
    /// 507 when the workspace's artifacts plus this one pass <see cref="ArtifactOptions.WorkspaceQuotaBytes"/>. Checked
    /// against the stored sum before the upload is kept; concurrent uploads can overshoot by what is in flight.
    /// </summary>
    private static IResult? QuotaExceeded(ArtifactOptions options, long used, long incoming) =>
        options.WorkspaceQuotaBytes > 0 && used + incoming > options.WorkspaceQuotaBytes
            ? Problems.Problem(507, "artifact-quota-exceeded", "Artifact quota exceeded",
                $"This workspace holds {used} bytes of artifacts; its quota is {options.WorkspaceQuotaBytes} bytes. Nothing was stored.")
            : null;
}
