using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SegmentMiner.Core;
using SegmentMiner.Core.Configuration;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli;

/// <summary>The options every command accepts, and what a command needs to run: settings, data folder, logger, stdout.</summary>
internal sealed class CliContext
{
    public static readonly Option<string?> DataDirOption = new("--data-dir")
    {
        Description = "The data folder (sources, warehouse, truth.csv). Default: ./segminer-data, or the DataDir setting.",
        Recursive = true,
    };

    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "A JSON settings file, applied over appsettings.json and under SEGMINER__ environment variables.",
        Recursive = true,
    };

    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "More detail on stderr.",
        Recursive = true,
    };

    private CliContext(SegmentMinerOptions options, TextWriter output, ILogger log)
    {
        Options = options;
        Output = output;
        Log = log;
        Folder = new DataFolder(options.DataDir);
    }

    public SegmentMinerOptions Options { get; }

    public DataFolder Folder { get; }

    public TextWriter Output { get; }

    public ILogger Log { get; }

    public static CliContext Create(ParseResult parse, TextWriter output)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(DataDirOption) is { } dir)
        {
            overrides["DataDir"] = dir;
        }

        var options = OptionsLoader.Load(parse.GetValue(ConfigOption), overrides);
        var level = parse.GetValue(VerboseOption) ? LogLevel.Debug : LogLevel.Information;
        // The provider filters by level itself: no logger factory, which would have to outlive the command.
        return new CliContext(options, output, new StderrLoggerProvider(level).CreateLogger("segminer"));
    }

    /// <summary>Parses a <c>yyyy-MM-dd</c> option value, or gives the setting / today (UTC) when it is absent.</summary>
    public DateOnly AsOf(string? value, string optionName = "--as-of")
    {
        if (value is null)
        {
            return Options.Sync.AsOf ?? DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new ConfigurationException([$"{optionName}: '{value}' is not a date in yyyy-MM-dd form."]);
    }
}
