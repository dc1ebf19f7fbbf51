using Microsoft.Playwright;

namespace Tracing.Tests.Console;

/// <summary>
/// Screenshots of the console's main pages, taken by the browser tests. With <c>TRACING_SCREENSHOTS=1</c> they are written
/// to <c>docs/screenshots/</c> (committed, shown in the README); otherwise to a temp folder, so a test run leaves the
/// working tree clean.
/// </summary>
public static class Screenshots
{
    public static Task TakeAsync(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder(), name + ".png"), FullPage = fullPage });

    private static string Folder()
    {
        if (Environment.GetEnvironmentVariable("TRACING_SCREENSHOTS") == "1")
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tracing.sln"))) dir = dir.Parent;
            if (dir is not null) return Path.Combine(dir.FullName, "docs", "screenshots");
        }
        return Path.Combine(Path.GetTempPath(), "tracing-screenshots");
    }
}
