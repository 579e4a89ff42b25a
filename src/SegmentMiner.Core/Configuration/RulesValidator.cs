using Microsoft.Extensions.Options;

namespace SegmentMiner.Core.Configuration;

/// <summary>
/// One section's rules (<see cref="SettingsRules"/>) as an Options validator, run at start by <c>ValidateOnStart</c>:
/// each failure names the setting's full path and the rejected value, cross-field rules included.
/// </summary>
public sealed class RulesValidator<T>(Func<T, IEnumerable<string>> rules) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = rules(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
