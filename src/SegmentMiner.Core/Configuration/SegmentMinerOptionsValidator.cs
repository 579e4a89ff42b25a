using Microsoft.Extensions.Options;

namespace SegmentMiner.Core.Configuration;

/// <summary>
/// The settings' rules for the Options pattern (run at start by <c>ValidateOnStart</c>): each failure names the
/// setting's full path and the rejected value, cross-field rules included (a connection string that a provider needs).
/// </summary>
public sealed class SegmentMinerOptionsValidator : IValidateOptions<SegmentMinerOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentMinerOptions options)
    {
        var errors = OptionsLoader.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
