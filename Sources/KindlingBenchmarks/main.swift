// `make bench`: a release build that prints one line per figure. Raw baselines and our figures
// are measured in the same run, since these machines are noisy; compare ratios, not absolutes.
// `make bench ONLY=storage` (or runtime, crypto, fetch, http, dispatch, bodies) runs one group; a second word runs one
// figure of it (`ONLY="dispatch counter"`, `ONLY="runtime startup"`), which is handy under a profiler, as are
// KINDLING_BENCH_REQUESTS=N (fewer requests) and KINDLING_BENCH_BASELINES=0 (the counter figure without its raw
// SQLite context line).

let only = CommandLine.arguments.dropFirst().first
let onlyFigure = CommandLine.arguments.dropFirst(2).first
func wants(_ group: String) -> Bool { only == nil || only == group }
/// Whether figure `name` of the chosen group runs.
func wantsFigure(_ name: String) -> Bool { onlyFigure == nil || onlyFigure == name }

if wants("storage") {
    print("# storage (issue 2)")
    try StorageBenchmarks.run()
}
if wants("runtime") {
    try await RuntimeBenchmarks.run()
}
if wants("crypto") {
    try await CryptoBenchmarks.run()
}
if wants("fetch") {
    try await FetchBenchmarks.run()
}
var bareHTTP: HTTPBenchmarks.Measurement? = nil
if wants("http") || (wants("dispatch") && wantsFigure("http")) {
    bareHTTP = try await HTTPBenchmarks.run()
}
if wants("dispatch") {
    try await DispatchBenchmarks.run(bareHTTP: bareHTTP)
}
if wants("bodies") {
    try await BodyBenchmarks.run()
}
