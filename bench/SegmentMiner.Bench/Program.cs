using SegmentMiner.Bench;

// Benchmarks print numbers to stdout; progress goes to stderr.
var command = args.FirstOrDefault() ?? "";
var options = BenchArgs.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "sync":
        return await SyncBenchmark.RunAsync(options.Get("--rows", 1_000_000), options.Get("--accounts", 50_000), args.Contains("--verbose"));
    default:
        Console.Error.WriteLine("usage: segminer-bench sync [--rows N] [--accounts N] [--verbose]");
        return 2;
}
