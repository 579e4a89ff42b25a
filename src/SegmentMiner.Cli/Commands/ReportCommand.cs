using System.CommandLine;
using SegmentMiner.Pipeline.Reporting;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer report</c>: the persona report, one self-contained HTML file, from the current published runs; prints where it went.</summary>
internal static class ReportCommand
{
    public static Command Create(CliEnvironment output)
    {
        var outFile = new Option<string?>("--out") { Description = "The HTML file to write; default Report:Path (report.html in the data folder)." };
        var command = new Command("report", "Write the persona report (one self-contained HTML page: overview, persona cards, the map, persona details) from the current published runs.") { outFile };
        command.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await ctx.EnsureWarehouseAsync(ct);
            var service = ctx.Get<ReportService>();
            var path = parse.GetValue(outFile) ?? service.ConfiguredPath
                ?? throw new Core.ConfigurationException(["report: name the file with --out FILE.html (Report:Path is empty)."]);
            var result = await service.WriteAsync(path, ct);
            ctx.Output.WriteLine(result.Path);
            return 0;
        }));
        return command;
    }
}
