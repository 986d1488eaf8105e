using Hoist.Cli;

return await HoistCommandLine.RunAsync(args);
