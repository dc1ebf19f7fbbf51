using System.Security.Cryptography;

namespace Tracing.Api.Access;

/// <summary>
/// The development-only JWT signing secret under <c>.tracing/dev-jwt-secret</c>: created on first use (owner-only file
/// mode), shared by <c>./tracing token</c> and <c>./tracing run</c>. Never configure it on a shared server.
/// </summary>
public static class DevJwtSecret
{
    public const string DefaultPath = ".tracing/dev-jwt-secret";

    public static string LoadOrCreate(string path)
    {
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var w = new StreamWriter(path, options);
            w.Write(secret);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
        return File.ReadAllText(path).Trim();
    }
}
