using System.Text;

namespace Tracing.Domain.Export;

/// <summary>
/// RFC 4180 fields with a formula-injection guard: a string that a spreadsheet would read as a formula (leading =, +, -,
/// @, TAB or CR) gets a leading apostrophe; numbers are written as numbers and never guarded.
/// </summary>
public static class CsvField
{
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var v = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }

    public static string Row(IEnumerable<string> fields) => string.Join(',', fields) + "\r\n";

    public static readonly byte[] Bom = Encoding.UTF8.GetPreamble();
}
