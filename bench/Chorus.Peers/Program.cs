using Chorus.Peers;

// dotnet run -c Release --project bench/Chorus.Peers -- --workloads W2,W3 --store sqlite|postgres --runs 3 [--n 1000]
//     [--peer-n hangfire=100] [--peer-repeats hangfire=20]
// Runs Chorus (bench/Chorus.Benchmarks) and the .NET tools a user would pick instead on the same W2 and W3 shapes,
// each run in its own child process, and prints every contender's median with its ratio to Chorus on that store.
// --peer-n and --peer-repeats: W3's n and W2's repeats for some peers (or, as a bare number, all of them) instead of
// Chorus's 1,000 and 200, for a peer too slow to run that many chains in reasonable time; every line says its n.
// A child is this same program with --peer NAME (one workload, one run, one fresh store).
var options = BenchOptions.Parse(args);
if (options.Peer is { } peer)
{
    Console.WriteLine(await PeerProcess.RunAsync(peer, options));
    return 0;
}
return await Comparison.RunAsync(options);
