using Microsoft.Extensions.DependencyInjection;

namespace SegmentMiner.Cli;

/// <summary>Where a command writes its result, and (for tests) services that replace the registered ones.</summary>
public sealed record CliEnvironment(TextWriter Output, Action<IServiceCollection>? Configure = null);
