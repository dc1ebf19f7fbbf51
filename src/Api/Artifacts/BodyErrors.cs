namespace Tracing.Api.Artifacts;

/// <summary>Maps failures of reading a request body to what the client did wrong (too large, cut off, malformed).</summary>
public static class BodyErrors
{
    public static SpoolFailure TooLarge(long maxBytes) => new(true, $"The artifact exceeds the limit of {maxBytes} bytes.");

    public static bool TryDescribe(Exception ex, long maxBytes, out SpoolFailure failure)
    {
        failure = ex switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(maxBytes),
            BadHttpRequestException b => new SpoolFailure(false, "The request body could not be read: " + b.Message),
            InvalidDataException d => new SpoolFailure(false, "Malformed multipart body: " + d.Message),
            IOException io => new SpoolFailure(false, "The request body could not be read: " + io.Message),
            _ => null!,
        };
        return failure is not null;
    }
}
