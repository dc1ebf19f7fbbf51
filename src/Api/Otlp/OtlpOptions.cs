namespace Tracing.Api.Otlp;

/// <summary><c>Tracing:Otlp:*</c>: the limits of one export request (docs/otlp.md).</summary>
public sealed class OtlpOptions
{
    /// <summary>The body as sent (compressed or not).</summary>
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The body after gzip: a small compressed body can expand far beyond what was sent.</summary>
    public long MaxDecompressedBytes { get; set; } = 32 * 1024 * 1024;

    public int MaxSpans { get; set; } = 5_000;

    public static OtlpOptions From(IConfiguration config)
    {
        var o = new OtlpOptions();
        config.GetSection("Tracing:Otlp").Bind(o);
        // A body is held in one array (pooled as sent, grown when inflated), so no cap may pass the largest array.
        if (o.MaxBodyBytes < 1 || o.MaxDecompressedBytes < o.MaxBodyBytes || o.MaxDecompressedBytes > Array.MaxLength || o.MaxSpans < 1)
            throw new InvalidOperationException("Tracing:Otlp: MaxBodyBytes and MaxSpans must be positive, MaxDecompressedBytes at least " +
                                                $"MaxBodyBytes and at most {Array.MaxLength} bytes.");
        return o;
    }
}
