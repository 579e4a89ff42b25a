using Microsoft.Extensions.Logging;
using SegmentMiner.Pipeline.Jobs;
using SegmentMiner.Pipeline.Querying;
using SegmentMiner.Warehouse;
using SegmentMiner.Warehouse.Demo;

namespace SegmentMiner.Pipeline.Demo;

/// <summary>
/// <c>segminer sources generate</c> and <c>segminer demo</c>: demo sources with planted groups, and the main job on
/// them (the same chain <c>run-once</c> and the worker run), ending with the current segments.
/// </summary>
public sealed partial class DemoService(DataFolder folder, JobSteps steps, JobChain chain, QueryService query, ILogger<DemoService> log)
{
    /// <summary>The as-of date when none is given: the Sync:AsOf setting, else today (UTC).</summary>
    public DateOnly DefaultAsOf => steps.DefaultAsOf;

    public DemoResult Generate(DemoRequest request, string? outDir = null)
    {
        var sources = outDir is null ? folder.Sources : Path.GetFullPath(outDir);
        var truth = outDir is null ? folder.TruthFile : Path.Combine(sources, "truth.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(truth)!);
        if (request.Increment == 0)
        {
            LogGenerating(log, request.Customers, request.Seed, request.AsOf, request.Months, sources);
        }
        else
        {
            LogIncrement(log, request.Increment, request.Seed, request.AsOf, sources);
        }

        var result = new DemoGenerator(request).Write(sources, truth, m => LogLine(log, m));
        LogWrote(log, result.Files.Count, result.Files.Sum(f => f.Rows), result.Customers);
        return result;
    }

    public async Task<(ChainResult Chain, QueryResult Segments)> RunAsync(int customers, int seed, CancellationToken cancellationToken)
    {
        var asOf = DefaultAsOf;
        var crm = folder.SourceFolder("crm");
        if (Directory.Exists(crm) && Directory.EnumerateFiles(crm, "accounts*").Any())
        {
            LogLine(log, $"using the sources already in {folder.Sources}");
        }
        else
        {
            Generate(new DemoRequest(customers, seed, asOf));
        }

        var result = await chain.RunAsync(asOf, "demo", cancellationToken);
        return (result, await query.CurrentSegmentsAsync(cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "generating {Customers} customers (seed {Seed}, as of {AsOf:yyyy-MM-dd}, {Months} months) into {Folder}")]
    private static partial void LogGenerating(ILogger logger, int customers, int seed, DateOnly asOf, int months, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "generating increment {Increment} (seed {Seed}, as of {AsOf:yyyy-MM-dd}) into {Folder}")]
    private static partial void LogIncrement(ILogger logger, int increment, int seed, DateOnly asOf, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "wrote {Files} files, {Rows} rows, {Customers} customers in truth.csv")]
    private static partial void LogWrote(ILogger logger, int files, long rows, int customers);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger logger, string line);
}
