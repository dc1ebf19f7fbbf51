using Microsoft.Playwright;
using Xunit;

namespace Tracing.Tests.Support;

/// <summary>
/// One headless Chromium per test collection, driven by Playwright (Debian's <c>chromium</c> package through
/// <c>ExecutablePath</c>: no browser download). Launched on first use, so a filtered run without browser tests never
/// starts it; each test takes a fresh context (own cookies and storage).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary><c>TRACING_CHROMIUM</c> overrides the binary; <c>./tracing test</c> installs the default one when missing.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("TRACING_CHROMIUM") is { Length: > 0 } path ? path : DefaultPath;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Fails with what to do when there is no browser: a browser test must fail then, never skip.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}, and the browser tests need it. `./tracing test` installs " +
                "Debian's chromium package when it runs as root with apt-get available; otherwise run `apt-get install chromium` " +
                "(or set TRACING_CHROMIUM to a Chromium binary).");
    }

    public async Task<IBrowserContext> NewContextAsync(int width = 1440, int height = 1000)
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                RequireInstalled();
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ExecutablePath,
                    Headless = true,
                    Args =
                    [
                        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                    ],
                });
            }
        }
        finally { _gate.Release(); }
        return await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}
