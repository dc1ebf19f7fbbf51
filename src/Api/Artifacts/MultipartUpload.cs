using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Artifacts;

/// <summary>An upload spooled to a temporary file, with what the client said about it.</summary>
public sealed record IncomingUpload(SpooledFile File, string? DeclaredType, string? FileName, string? Kind, string? Seq);

/// <summary>
/// Reads a <c>multipart/form-data</c> upload section by section with <see cref="MultipartReader"/> straight off the
/// request body: the file part is streamed to a temp file, <c>kind</c> and <c>seq</c> are small fields, anything else
/// is skipped. The body is never buffered whole.
/// </summary>
public static class MultipartUpload
{
    private const int MaxFieldBytes = 256;

    public static async Task<(IncomingUpload? Upload, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, ArtifactOptions options, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
            return (null, Problems.BadRequest("multipart/form-data needs a boundary parameter (1-70 characters)."));

        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 8 * 1024 };
        SpooledFile? file = null;
        string? declared = null, fileName = null, kind = null, seq = null;
        var handedOn = false;
        try
        {
            for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;

                if (disposition.IsFileDisposition() || name == "file")
                {
                    if (file is not null) return (null, Problems.Validation("file", "Send exactly one file part per request."));
                    var (spooled, failure) = await SpooledFile.WriteAsync(section.Body, options.TempDir, options.MaxBytes, ct);
                    if (failure is not null) return (null, failure.Problem);
                    file = spooled;
                    declared = section.ContentType;
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                }
                else if (name is "kind" or "seq")
                {
                    var value = await ReadFieldAsync(section.Body, ct);
                    if (value is null) return (null, Problems.Validation(name, $"Form field '{name}' is too long."));
                    if (name == "kind") kind = value; else seq = value;
                }
            }
            if (file is null) return (null, Problems.Validation("file", "A file part is required (a part with a filename, or named 'file')."));
            handedOn = true;
            return (new IncomingUpload(file, declared, fileName, kind, seq), null);
        }
        catch (Exception ex) when (BodyErrors.TryDescribe(ex, options.MaxBytes, out var failure))
        {
            return (null, failure.Problem);
        }
        finally
        {
            // Only a complete, successful read hands the temp file on; every other way out deletes it.
            if (!handedOn && file is not null) await file.DisposeAsync();
        }
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += n;
        if (total > MaxFieldBytes) return null;
        return Encoding.UTF8.GetString(buffer, 0, total).Trim();
    }
}
