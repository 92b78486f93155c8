using Chorus.Engine.Runtime;
using Microsoft.Extensions.Options;

namespace Chorus.Engine.Hosting;

/// <summary>Builds the options from the defaults and the application's <c>o =&gt; o with { ... }</c>: the options are an
/// immutable record, which the default factory (it changes one instance in place) cannot produce. Configure and
/// validate steps registered the usual way still run after it.</summary>
internal sealed class EngineOptionsFactory(Func<EngineOptions, EngineOptions>? configure,
    IEnumerable<IConfigureOptions<EngineOptions>> setups, IEnumerable<IPostConfigureOptions<EngineOptions>> postConfigures,
    IEnumerable<IValidateOptions<EngineOptions>> validations)
    : OptionsFactory<EngineOptions>(setups, postConfigures, validations)
{
    protected override EngineOptions CreateInstance(string name) =>
        configure?.Invoke(new EngineOptions()) ?? new EngineOptions();
}

/// <summary>The checks of <see cref="EngineOptionsValidation"/>, run when the host starts (<c>ValidateOnStart</c>), so a
/// bad value stops the application at start with a message naming the option.</summary>
internal sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options) =>
        EngineOptionsValidation.Describe(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
