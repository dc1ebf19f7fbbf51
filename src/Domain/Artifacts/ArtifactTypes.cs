namespace Tracing.Domain.Artifacts;

/// <summary>How a stored artifact is presented on download: media type, and inline or as an attachment.</summary>
public sealed record Presentation(string ContentType, bool Inline, string Extension);

/// <summary>The content-type allow-list, its aliases and file extensions, and how each type is served.</summary>
public static class ArtifactTypes
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string WebP = "image/webp";
    public const string Gif = "image/gif";
    public const string WebM = "video/webm";
    public const string Mp4 = "video/mp4";
    public const string Json = "application/json";
    public const string Text = "text/plain";
    public const string Html = "text/html";
    public const string Gzip = "application/gzip";
    public const string Zip = "application/zip";

    public static readonly IReadOnlyList<string> Allowed = [Png, Jpeg, WebP, Gif, WebM, Mp4, Json, Text, Html, Gzip, Zip];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpg"] = Jpeg, ["text/json"] = Json, ["application/x-gzip"] = Gzip, ["application/x-zip-compressed"] = Zip,
    };

    private static readonly Dictionary<string, string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = Png, [".jpg"] = Jpeg, [".jpeg"] = Jpeg, [".webp"] = WebP, [".gif"] = Gif, [".webm"] = WebM,
        [".mp4"] = Mp4, [".json"] = Json, [".txt"] = Text, [".log"] = Text, [".html"] = Html, [".htm"] = Html,
        [".gz"] = Gzip, [".zip"] = Zip,
    };

    /// <summary>True for a missing type or one that says nothing (application/octet-stream).</summary>
    public static bool IsUnspecified(string? declared) =>
        string.IsNullOrWhiteSpace(declared) || Essence(declared) is "application/octet-stream" or "binary/octet-stream";

    /// <summary>The canonical allowed type for a declared media type (parameters and case ignored), or null if not allowed.</summary>
    public static string? Canonical(string declared)
    {
        var essence = Essence(declared);
        if (Aliases.TryGetValue(essence, out var alias)) return alias;
        return Allowed.Contains(essence) ? essence : null;
    }

    /// <summary>The type a file name's extension claims, if it is one we know; other names claim nothing.</summary>
    public static string? ClaimedByName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName)) return null;
        var dot = fileName.LastIndexOf('.');
        return dot >= 0 && Extensions.TryGetValue(fileName[dot..], out var type) ? type : null;
    }

    /// <summary>
    /// Downloads are same-origin with the API, so nothing that a browser could run is served inline:
    /// HTML goes out as an octet-stream attachment, archives as attachments; images, video, JSON and text inline.
    /// </summary>
    public static Presentation ServeAs(string type) => type switch
    {
        Html => new("application/octet-stream", false, ".html"),
        Text => new("text/plain; charset=utf-8", true, ".txt"),
        Json => new("application/json; charset=utf-8", true, ".json"),
        Gzip => new(Gzip, false, ".gz"),
        Zip => new(Zip, false, ".zip"),
        Png => new(Png, true, ".png"),
        Jpeg => new(Jpeg, true, ".jpg"),
        WebP => new(WebP, true, ".webp"),
        Gif => new(Gif, true, ".gif"),
        WebM => new(WebM, true, ".webm"),
        Mp4 => new(Mp4, true, ".mp4"),
        _ => new("application/octet-stream", false, ".bin"),
    };

    private static string Essence(string mediaType) => mediaType.Split(';')[0].Trim().ToLowerInvariant();
}
