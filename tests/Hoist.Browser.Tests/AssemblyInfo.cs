// Each test class starts a server and a browser: one class at a time keeps them from competing
// for the machine and the timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
