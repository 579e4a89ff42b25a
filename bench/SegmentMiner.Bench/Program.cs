global using SegmentMiner.Core.Mining;
using SegmentMiner.Bench;

// Benchmarks print numbers to stdout; progress goes to stderr.
var command = args.FirstOrDefault() ?? "";
var options = BenchArgs.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "sync":
        return await SyncBenchmark.RunAsync(options.Get("--rows", 1_000_000), options.Get("--accounts", 50_000), args.Contains("--verbose"));
    case "scale":
        return await ScaleBenchmark.RunAsync(options.Get("--customers", 200_000), options.GetText("--data-dir"), args.Contains("--keep"));
    case "engine":
        return EngineBenchmark.Run(options.Get("--cases", 1_000_000), options.Get("--attributes", 20), options.Get("--clusters", 10),
            args.Contains("--skip-mlnet"), args.Contains("--memory"), args.Contains("--kmeans-only"), options.Get("--seed", 0), options.Get("--seeds", 1), args.Contains("--verbose"));
    case "soak":
        return await SoakBenchmark.RunAsync(options.Get("--customers", 20_000), options.Get("--increments", 200), options.GetText("--data-dir"));
    case "kernels":
        return KernelProbe.Run(options.Get("--cases", 1_000_000), options.Get("--attributes", 20), options.Get("--clusters", 10));
    case "engine-child":
        return EngineBenchmark.Child(options.Get("--cases", 1_000_000), options.Get("--attributes", 20), options.Get("--clusters", 10));
    default:
        Console.Error.WriteLine("usage: segminer-bench sync [--rows N] [--accounts N] [--verbose]");
        Console.Error.WriteLine("       segminer-bench scale [--customers N] [--data-dir DIR] [--keep]");
        Console.Error.WriteLine("       segminer-bench soak [--customers N] [--increments N] [--data-dir DIR]");
        Console.Error.WriteLine("       segminer-bench engine [--cases N] [--attributes D] [--clusters K] [--seed S] [--seeds N] [--skip-mlnet] [--kmeans-only] [--memory] [--verbose]");
        return 2;
}
