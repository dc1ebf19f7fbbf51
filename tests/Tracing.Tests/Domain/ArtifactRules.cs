using System.Text;
using System.Text.Json;
using Tracing.Domain.Artifacts;
using Xunit;

namespace Tracing.Tests.Domain;

/// <summary>The pure artifact rules, without a host: content-type decisions, content addresses, link signatures.</summary>
public sealed class ArtifactRules
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("k");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static byte[] B(params int[] bytes) => bytes.Select(b => (byte)b).Concat(new byte[32]).ToArray();
    private static byte[] T(string text) => Encoding.UTF8.GetBytes(text);

    public static TheoryData<string, byte[]> Signatures => new()
    {
        { "image/png", B(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) },
        { "image/jpeg", B(0xFF, 0xD8, 0xFF, 0xDB) },
        { "image/gif", T("GIF89a......") },
        { "image/webp", T("RIFF\u0001\u0002\u0003\u0004WEBPVP8 ") },
        { "video/webm", B(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm') },
        { "video/mp4", B(0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm') },
        { "application/gzip", B(0x1F, 0x8B, 0x08) },
        { "application/zip", B(0x50, 0x4B, 0x03, 0x04) },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void binary_types_are_recognised_by_signature_whether_declared_or_not(string type, byte[] head)
    {
        Assert.Equal((type, null), ContentTypeDecision.Decide(type, null, head, complete: true));
        Assert.Equal((type, null), ContentTypeDecision.Decide(null, null, head, complete: true));
        Assert.Equal((type, null), ContentTypeDecision.Decide("application/octet-stream", null, head, complete: true));
    }

    [Theory]
    [InlineData("application/json", "  {\"a\": 1}")]
    [InlineData("application/json", "\uFEFF[1,2]")]
    [InlineData("text/plain", "line one\nzwei €\n")]
    [InlineData("text/html", "<!DOCTYPE html><p>hi</p>")]
    [InlineData("text/plain; charset=utf-8", "ok")]
    public void text_types_need_a_declaration_and_utf8_without_nul(string declared, string text)
    {
        Assert.NotNull(ContentTypeDecision.Decide(declared, null, T(text), complete: true).Type);
        Assert.Null(ContentTypeDecision.Decide(null, null, T(text), complete: true).Type);
    }

    [Theory]
    [InlineData("application/json", "not json")]
    [InlineData("text/html", "plain words")]
    [InlineData("text/plain", "nul\0inside")]
    [InlineData("image/png", "<svg/>")]
    [InlineData("image/svg+xml", "<svg/>")]
    [InlineData("application/pdf", "%PDF-1.7")]
    public void a_wrong_or_disallowed_claim_is_refused(string declared, string text) =>
        Assert.NotNull(ContentTypeDecision.Decide(declared, null, T(text), complete: true).Error);

    [Fact]
    public void a_file_name_claims_its_type_too()
    {
        var gif = T("GIF89a......");
        Assert.NotNull(ContentTypeDecision.Decide(null, "shot.png", gif, complete: true).Error);
        Assert.NotNull(ContentTypeDecision.Decide("image/gif", "shot.png", gif, complete: true).Error);
        Assert.Equal("image/gif", ContentTypeDecision.Decide(null, "shot.GIF", gif, complete: true).Type);
        Assert.Equal("image/gif", ContentTypeDecision.Decide("image/gif", "shot.unknown", gif, complete: true).Type);
    }

    [Fact]
    public void a_head_cut_inside_a_utf8_character_is_still_text_but_invalid_utf8_is_not()
    {
        var euro = T("€€€"); // 3 bytes each
        Assert.True(MagicBytes.IsText(euro.AsSpan(0, 7), complete: false));
        Assert.False(MagicBytes.IsText(euro.AsSpan(0, 7), complete: true));
        Assert.False(MagicBytes.IsText([0x61, 0xC3, 0x28, 0x61], complete: false));
    }

    [Fact]
    public void html_is_never_served_inline_and_images_are()
    {
        Assert.Equal(new Presentation("application/octet-stream", false, ".html"), ArtifactTypes.ServeAs("text/html"));
        Assert.True(ArtifactTypes.ServeAs("image/png").Inline);
        Assert.False(ArtifactTypes.ServeAs("application/zip").Inline);
    }

    [Theory]
    [InlineData("sha256/ab/cd/abcd000000000000000000000000000000000000000000000000000000000000", true)]
    [InlineData("sha256/ab/ce/abcd000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha256/AB/CD/ABCD000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha256/ab/cd/../../../../etc/passwd", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("", false)]
    public void only_well_formed_content_addresses_are_storage_paths(string path, bool valid) =>
        Assert.Equal(valid, StoragePaths.IsValid(path));

    [Fact]
    public void a_signature_is_valid_until_its_expiry_and_binds_id_expiry_and_workspace()
    {
        var exp = Now.ToUnixTimeSeconds() + 60;
        var sig = UrlSignature.Sign(Key, "art_1", exp, "ws");
        var e = exp.ToString();

        Assert.Equal(SignatureCheck.Valid, UrlSignature.Check(Key, "art_1", e, "ws", sig, Now));
        Assert.Equal(SignatureCheck.Valid, UrlSignature.Check(Key, "art_1", e, "ws", sig, Now.AddSeconds(60)));
        Assert.Equal(SignatureCheck.Expired, UrlSignature.Check(Key, "art_1", e, "ws", sig, Now.AddSeconds(61)));
        Assert.Equal(SignatureCheck.Invalid, UrlSignature.Check(Key, "art_2", e, "ws", sig, Now));
        Assert.Equal(SignatureCheck.Invalid, UrlSignature.Check(Key, "art_1", (exp + 1).ToString(), "ws", sig, Now));
        Assert.Equal(SignatureCheck.Invalid, UrlSignature.Check(Key, "art_1", e, "ws2", sig, Now));
        Assert.Equal(SignatureCheck.Invalid, UrlSignature.Check("other"u8.ToArray(), "art_1", e, "ws", sig, Now));
        Assert.Equal(SignatureCheck.Invalid, UrlSignature.Check(Key, "art_1", e, "ws", sig + "A", Now.AddSeconds(61)));
        Assert.Equal(SignatureCheck.Invalid, UrlSignature.Check(Key, "art_1", "-5", "ws", sig, Now));
        Assert.Equal(SignatureCheck.Invalid, UrlSignature.Check(Key, "art_1", e, "ws", null, Now));
    }

    [Fact]
    public void register_input_must_name_the_content_address_of_its_hash()
    {
        const string sha = "abcd000000000000000000000000000000000000000000000000000000000000";
        JsonElement Body(string path) => JsonSerializer.SerializeToElement(new
        {
            storage_path = path, sha256 = sha.ToUpperInvariant(), size = 10, content_type = "IMAGE/PNG", kind = "screenshot", seq = 3,
        });

        var (ok, _, _) = ArtifactInput.ParseRegister(Body(StoragePaths.For(sha)));
        Assert.Equal(new RegisterArtifact(StoragePaths.For(sha), sha, 10, "image/png", "screenshot", 3), ok);
        Assert.Equal("storage_path", ArtifactInput.ParseRegister(Body("sha256/00/00/" + sha)).Field);
    }
}
