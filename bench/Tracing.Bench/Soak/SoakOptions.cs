using System.Globalization;

namespace Tracing.Bench.Soak;

/// <summary>Flags of <c>./tracing soak</c> (parsed here, inside the bench project: the API's CLI has its own parser).</summary>
public sealed class SoakOptions
{
    public bool Smoke { get; private set; }
    public TimeSpan Duration { get; private set; } = TimeSpan.FromMinutes(60);
    public TimeSpan SampleEvery { get; private set; } = TimeSpan.FromMinutes(1);
    public TimeSpan PeakDuration { get; private set; } = TimeSpan.FromSeconds(20);
    public double Fraction { get; private set; } = 0.5;
    public int Writers { get; private set; } = 4;
    public int Batch { get; private set; } = 10;
    public int EventsPerSession { get; private set; } = 2000;
    public int SseClients { get; private set; } = 5;
    public TimeSpan AnalyzeEvery { get; private set; } = TimeSpan.FromSeconds(20);
    public TimeSpan IncidentEvery { get; private set; } = TimeSpan.FromMinutes(10);
    public string Schema { get; private set; } = "tracing_soak";
    public string OutDir { get; private set; } = "soak-results";
    public string? ConnectionString { get; private set; }
    public bool Help { get; private set; }
    public List<string> ApiSettings { get; } = [];

    public const string Usage = """
        Usage: ./tracing soak [flags]

          --duration D         steady-load time: 60m (default), 90s, 2h
          --smoke              about 2 minutes: 90 s of load, a sample every 10 s, 200-event sessions (./tracing test runs this)
          --sample D           sampling interval (default 1m; smoke 10s)
          --peak D             closed-loop peak measurement before the soak (default 20s; smoke 6s)
          --fraction F         steady ingest as a fraction of the measured peak (default 0.5)
          --writers N          concurrent writer sessions (default 4); --batch N events a request (default 10)
          --session-events N   a writer ends its session (session.ended) and starts a new one after N events (default 2000)
          --sse-clients N      live-stream clients on the project (default 5)
          --analyze-every D    explicit analysis of a finished session (default 20s)
          --incident-every D   an incident status change (default 10m; smoke 30s)
          --schema NAME        database schema, dropped and recreated first (default tracing_soak)
          --out DIR            soak.json and soak.html (default soak-results)
          --db CONNSTR         PostgreSQL connection string (default: $TRACING_DB)
          --api-setting K=V    extra configuration for the API under test (repeatable), e.g. Tracing:Stream:MaxConnectionSeconds=120

        Fails (exit 1) when a figure trends beyond its tolerance (ADR 0030) or a request fails.
        """;

    public static SoakOptions Parse(string[] args)
    {
        var o = new SoakOptions();
        var explicitSample = false;
        var explicitIncident = false;
        var explicitPeak = false;
        var explicitDuration = false;
        var explicitSessionEvents = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--smoke": o.Smoke = true; break;
                case "--duration": o.Duration = ParseDuration(Next()); explicitDuration = true; break;
                case "--sample": o.SampleEvery = ParseDuration(Next()); explicitSample = true; break;
                case "--peak": o.PeakDuration = ParseDuration(Next()); explicitPeak = true; break;
                case "--fraction": o.Fraction = ParseDouble(Next(), 0.01, 1); break;
                case "--writers": o.Writers = ParseInt(Next(), 1, 64); break;
                case "--batch": o.Batch = ParseInt(Next(), 1, 1000); break;
                case "--session-events": o.EventsPerSession = ParseInt(Next(), 10, 1_000_000); explicitSessionEvents = true; break;
                case "--sse-clients": o.SseClients = ParseInt(Next(), 0, 1000); break;
                case "--analyze-every": o.AnalyzeEvery = ParseDuration(Next()); break;
                case "--incident-every": o.IncidentEvery = ParseDuration(Next()); explicitIncident = true; break;
                case "--schema": o.Schema = Next(); break;
                case "--out": o.OutDir = Next(); break;
                case "--db": o.ConnectionString = Next(); break;
                case "--api-setting": o.ApiSettings.Add(Next()); break;
                case "-h" or "--help": o.Help = true; break;
                default: throw new ArgumentException($"unknown flag {args[i]}");
            }
        }
        if (o.Smoke)
        {
            if (!explicitDuration) o.Duration = TimeSpan.FromSeconds(90);
            if (!explicitSample) o.SampleEvery = TimeSpan.FromSeconds(10);
            if (!explicitPeak) o.PeakDuration = TimeSpan.FromSeconds(6);
            if (!explicitIncident) o.IncidentEvery = TimeSpan.FromSeconds(30);
            // Short sessions, so sessions end (and get analysed) within 90 s even when a busy machine measures a low peak.
            if (!explicitSessionEvents) o.EventsPerSession = 200;
            if (o.Schema == "tracing_soak") o.Schema = "tracing_soak_smoke";
        }
        if (!System.Text.RegularExpressions.Regex.IsMatch(o.Schema, "^[a-z_][a-z0-9_]{0,40}$")) throw new ArgumentException("--schema: lower-case letters, digits, _");
        if (o.SampleEvery < TimeSpan.FromSeconds(1)) throw new ArgumentException("--sample: at least 1s");
        if (o.Duration < o.SampleEvery * 4) throw new ArgumentException("--duration: at least four samples long");
        return o;
    }

    /// <summary>"90s", "60m", "2h", "1h30m" or plain seconds.</summary>
    public static TimeSpan ParseDuration(string s)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0) return TimeSpan.FromSeconds(seconds);
        var m = System.Text.RegularExpressions.Regex.Match(s, @"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$");
        if (!m.Success || s.Length == 0) throw new ArgumentException($"not a duration: {s} (e.g. 90s, 60m, 2h)");
        var t = TimeSpan.FromHours(Num(1)) + TimeSpan.FromMinutes(Num(2)) + TimeSpan.FromSeconds(Num(3));
        return t > TimeSpan.Zero ? t : throw new ArgumentException($"not a duration: {s}");
        int Num(int g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static int ParseInt(string s, int min, int max) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v : throw new ArgumentException($"expected an integer in {min}..{max}: {s}");

    private static double ParseDouble(string s, double min, double max) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v : throw new ArgumentException($"expected a number in {min}..{max}: {s}");
}
