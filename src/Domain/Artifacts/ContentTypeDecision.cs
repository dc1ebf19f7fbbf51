namespace Tracing.Domain.Artifacts;

/// <summary>
/// Decides an upload's content type from what the client declared, the file name it gave, and the bytes. Pure.
/// Every claim (declared type, known file extension) must be on the allow-list and match the bytes; with no
/// claim, a binary signature decides. Anything else is refused (the endpoint answers 415).
/// </summary>
public static class ContentTypeDecision
{
    public static (string? Type, string? Error) Decide(string? declared, string? fileName, ReadOnlySpan<byte> head, bool complete)
    {
        string? declaredType = null;
        if (!ArtifactTypes.IsUnspecified(declared))
        {
            declaredType = ArtifactTypes.Canonical(declared!);
            if (declaredType is null)
                return (null, $"Content type '{Shorten(declared!)}' is not allowed. Allowed: {string.Join(", ", ArtifactTypes.Allowed)}.");
        }
        var namedType = ArtifactTypes.ClaimedByName(fileName);

        if (declaredType is null && namedType is null)
        {
            var detected = MagicBytes.Detect(head, complete);
            return detected is null
                ? (null, $"The content is not recognised; declare its Content-Type. Allowed: {string.Join(", ", ArtifactTypes.Allowed)}.")
                : (detected, null);
        }

        foreach (var claim in new[] { declaredType, namedType })
            if (claim is not null && !MagicBytes.Matches(claim, head, complete))
                return (null, $"The content does not match {claim}: its leading bytes are not a valid {claim} signature.");
        return (declaredType ?? namedType, null);
    }

    private static string Shorten(string s) => s.Length <= 100 ? s : s[..100] + "...";
}
