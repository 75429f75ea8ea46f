// `make bench`: a release build that prints one line per figure. Raw baselines and our figures
// are measured in the same run, since these machines are noisy; compare ratios, not absolutes.

print("# storage (issue 2)")
try StorageBenchmarks.run()
