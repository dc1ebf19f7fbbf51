using System.CommandLine;
using Tracing.Domain.Access;

namespace Tracing.Api.Cli;

/// <summary>Options several commands share, with their validation (precise errors instead of a generic usage line).</summary>
public static class CliOptions
{
    public static Option<string> Name(string name, string description, bool required = true, string? defaultValue = null)
    {
        var option = new Option<string>(name) { Description = description, Required = required, HelpName = name.TrimStart('-').ToUpperInvariant() };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } v && !Membership.IsValidName(v))
                r.AddError($"{name} '{v}' is not a valid name: 1-64 characters of A-Z a-z 0-9 . _ -");
        });
        return option;
    }

    public static Option<string> Role(string defaultRole)
    {
        var option = new Option<string>("--role")
        {
            Description = "the console role granted", HelpName = "admin|member|viewer", DefaultValueFactory = _ => defaultRole,
        };
        option.AcceptOnlyFromAmong(Roles.Viewer, Roles.Member, Roles.Admin);
        return option;
    }
}
