using Hoist.Bench;
using Hoist.Bench.Clients;
using Hoist.Bench.Runs;

// One executable, several roles: `run` orchestrates; the others are the measured clients,
// each started as its own process so that its CPU is its own (see bench/run.sh).
var verb = args.Length > 0 ? args[0] : "help";
var options = BenchArgs.Parse(args.Skip(1));
try
{
    return verb switch
    {
        "run" => await BenchRun.RunAsync(options),
        "direct" => await DirectUpload.RunAsync(options),
        "hoist" => await HoistUpload.RunAsync(options),
        "many" => await ManyUploads.RunAsync(options),
        "cleanup" => await BucketCleaner.RunAsync(options),
        _ => Usage(),
    };
}
catch (BenchArgsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        Hoist.Bench — use bench/run.sh, which builds, starts the S3 server and passes these.
          run      --server-dll D --tus-dir T --results R [--size 1G] [--runs 3] [--compare] [--small] [--sweep] [--fs] [--load] ...
          direct   --file F --key K [--mode sdk|sdk-unchunked|transfer-utility|presigned] [--part-size N] [--parallel 4]
          hoist    --server URL --file F [--parallel 4] [--name N]
          many     --target hoist|direct (--dir D | --file F --copies N) [--concurrency 16] [--server URL] [--key-prefix P] [--parallel 4]
          cleanup  --prefix P [--ceph-conf C]
        """);
    return 2;
}
