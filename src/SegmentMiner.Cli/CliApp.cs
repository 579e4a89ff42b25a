using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using SegmentMiner.Cli.Commands;
using SegmentMiner.Core;

namespace SegmentMiner.Cli;

/// <summary>The composition root of the command line: builds the command tree and maps errors to exit codes.</summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliEnvironment(output), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliEnvironment output, CancellationToken cancellationToken = default)
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
        root.Subcommands.Add(ReportCommand.Create(output));
        root.Subcommands.Add(RunOnceCommand.Create(output));
        root.Subcommands.Add(StatusCommand.Create(output));
        root.Subcommands.Add(XmlaCommand.Create(output));
        root.Subcommands.Add(RunCommand.Create(output));
        root.Subcommands.Add(RetentionCommand.Create(output));
        // Ctrl+C (SIGINT) or SIGTERM cancels the command's token: it stops at its next safe point, rolls back what is
        // open and exits 130. A second signal ends the process at once.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, stop));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, stop));
        var config = new InvocationConfiguration { Output = output.Output, Error = Console.Error, ProcessTerminationTimeout = null };
        Stopping.Value = stop.Token;
        return await root.Parse(args).InvokeAsync(config, stop.Token);
    }

    /// <summary>The running command's stop signal, so that a database error caused by the stop counts as the stop.</summary>
    private static readonly AsyncLocal<CancellationToken> Stopping = new();

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = !stop.IsCancellationRequested;
        stop.Cancel();
    }

    /// <summary>
    /// Runs a command body on a fresh host: a <see cref="SegmentMinerException"/> becomes one line on stderr and its
    /// exit code. The host is disposed (its log flushed) before the error line, so that line is the last one.
    /// </summary>
    internal static async Task<int> Guard(ParseResult parse, CliEnvironment env, Func<CliContext, Task<int>> body, Action<Microsoft.Extensions.Hosting.HostApplicationBuilder>? worker = null)
    {
        CliContext? context = null;
        string? error = null;
        int code;
        try
        {
            context = CliContext.Create(parse, env, worker);
            code = await body(context);
        }
        catch (Exception ex) when (ex is OperationCanceledException || (Stopping.Value.IsCancellationRequested && ex is System.Data.Common.DbException or SegmentMinerException))
        {
            // stopped by Ctrl+C or SIGTERM (the database may have interrupted the statement that was running)
            (error, code) = ("cancelled", 130);
        }
        catch (SegmentMinerException ex)
        {
            (error, code) = ($"error: {ex.Message}", ex.ExitCode);
        }
        catch (System.Data.Common.DbException ex)
        {
            (error, code) = ($"error: database: {ex.Message}", 1);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not an error we anticipated: say so, with the detail a bug report needs.
            (error, code) = ($"error: internal error ({ex.GetType().Name}): {ex.Message}{Environment.NewLine}{ex}", 70);
        }
        finally
        {
            if (context is not null)
            {
                await context.DisposeAsync();
            }
        }

        if (error is not null)
        {
            await Console.Error.WriteLineAsync(Identifiers.Printable(error));
        }

        return code;
    }
}
