using System.CommandLine;
using System.Globalization;
using Tracing.Workers.Analysis;

namespace Tracing.Api.Cli;

/// <summary><c>analysis rerun</c>: re-analyse stored sessions with the current detectors, with a progress bar and a summary.</summary>
public static class AnalysisCommand
{
    public static Command Build(CliContext context)
    {
        var workspace = CliOptions.Name("--workspace", "only this workspace (default: all)", required: false);
        var project = CliOptions.Name("--project", "only this project", required: false);
        var since = new Option<DateTimeOffset?>("--since")
        {
            Description = "only sessions created at or after this time (ISO 8601; UTC unless it says otherwise)", HelpName = "ISO-TIME",
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed;
                r.AddError($"--since '{text}' is not an ISO 8601 time (e.g. 2026-11-27T10:00:00Z)");
                return null;
            },
        };
        var rerun = new Command("rerun", "Re-analyse stored sessions with the current detector set; one new result per changed analysis.")
        {
            workspace, project, since,
        };
        rerun.SetAction(async (parse, ct) =>
        {
            var runner = (await context.ServicesAsync()).GetRequiredService<AnalysisRerun>();
            var scope = new RerunScope(parse.GetValue(workspace), parse.GetValue(project), parse.GetValue(since));
            var report = await CliProgress.RunAsync("re-analysing", progress => runner.RunAsync(scope, ct, progress));
            context.Output.WriteLine($"re-analysed {report.Sessions} sessions with {report.DetectorVersion}: {report.Recorded} new results, " +
                                     $"{report.Elapsed.TotalSeconds:F1} s ({report.SessionsPerSecond:F1} sessions/s)");
            return CliRunner.Ok;
        });
        return new Command("analysis", "Session analyses.") { rerun };
    }
}
