using SegmentMiner.Cli;

namespace SegmentMiner.Tests.Shared;

/// <summary>Runs the command line in-process as a user would, capturing stdout and stderr apart.</summary>
internal sealed class CliRun : IDisposable
{
    private readonly TextWriter _stderr = Console.Error;
    private readonly StringWriter _errors = new();

    public CliRun() => Console.SetError(_errors);

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        _errors.GetStringBuilder().Clear();
        var output = new StringWriter();
        var code = await CliApp.RunAsync(args, output);
        return (code, output.ToString(), _errors.ToString());
    }

    public void Dispose()
    {
        Console.SetError(_stderr);
        _errors.Dispose();
    }
}
