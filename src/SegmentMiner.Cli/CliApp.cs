using System.CommandLine;
using System.Globalization;
using SegmentMiner.Cli.Commands;
using SegmentMiner.Core;

namespace SegmentMiner.Cli;

/// <summary>The composition root of the command line: builds the command tree and maps errors to exit codes.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        // Globalization stays on (Microsoft.Data.SqlClient refuses to connect without it), and everything the program
        // writes is culture-invariant whatever the machine's locale: '.' for decimals, ISO dates.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        var root = new RootCommand("SegmentMiner: customer segments and personas from CRM and billing data.");
        root.Options.Add(CliContext.DataDirOption);
        root.Options.Add(CliContext.ConfigOption);
        root.Options.Add(CliContext.VerboseOption);
        root.Subcommands.Add(DemoCommand.Create(output));
        root.Subcommands.Add(SourcesCommand.Create(output));
        root.Subcommands.Add(SyncCommand.Create(output));
        root.Subcommands.Add(SqlCommand.Create(output));
        root.Subcommands.Add(DbCommand.Create(output));
        root.Subcommands.Add(ModelsCommand.Create(output));
        root.Subcommands.Add(PublishCommand.Create(output));
        root.Subcommands.Add(PublishCommand.Export(output));
        root.Subcommands.Add(RunOnceCommand.Create(output));
        root.Subcommands.Add(StatusCommand.Create(output));
        root.Subcommands.Add(XmlaCommand.Create(output));
        var config = new InvocationConfiguration { Output = output, Error = Console.Error };
        return await root.Parse(args).InvokeAsync(config, cancellationToken);
    }

    /// <summary>Runs a command body: a <see cref="SegmentMinerException"/> becomes one line on stderr and its exit code.</summary>
    internal static async Task<int> Guard(ParseResult parse, TextWriter output, Func<CliContext, Task<int>> body)
    {
        try
        {
            var context = CliContext.Create(parse, output);
            return await body(context);
        }
        catch (SegmentMinerException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (System.Data.Common.DbException ex)
        {
            await Console.Error.WriteLineAsync($"error: database: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not an error we anticipated: say so, with the detail a bug report needs.
            await Console.Error.WriteLineAsync($"error: internal error ({ex.GetType().Name}): {ex.Message}");
            await Console.Error.WriteLineAsync(ex.ToString());
            return 70;
        }
    }
}
