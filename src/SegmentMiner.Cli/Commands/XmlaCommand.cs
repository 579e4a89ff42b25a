using System.CommandLine;
using Microsoft.Extensions.Logging;
using SegmentMiner.Pipeline.Serving;
using SegmentMiner.Warehouse;

namespace SegmentMiner.Cli.Commands;

/// <summary><c>segminer xmla serve</c>: the embedded engine over XMLA, for the client's tests and for other XMLA tools.</summary>
internal static class XmlaCommand
{
    public static Command Create(CliEnvironment output)
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:8390 (default: Mining:Endpoint:Urls, loopback). Port 0 picks a free port." };
        var serve = new Command("serve", "Serve the embedded mining engine over XMLA at /xmla and /olap/msmdpump.dll until Ctrl+C; prints the URL.") { urls };
        serve.SetAction((parse, ct) => CliApp.Guard(parse, output, async ctx =>
        {
            await using var endpoint = await ctx.Get<EndpointService>().StartAsync(parse.GetValue(urls), ct);
            foreach (var a in endpoint.Addresses)
            {
                ctx.Output.WriteLine(new Uri(a, "/xmla"));
            }

            ctx.Output.Flush();
            ctx.Log.LogInformation("serving {Folder}; press Ctrl+C to stop", ctx.Get<DataFolder>().Root);
            await endpoint.WaitAsync(ct);
            ctx.Log.LogInformation("stopped");
            return 0;
        }));
        var command = new Command("xmla", "The embedded XMLA endpoint.");
        command.Subcommands.Add(serve);
        return command;
    }
}
