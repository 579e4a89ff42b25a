using SegmentMiner.Cli;

return await CliApp.RunAsync(args, Console.Out);
