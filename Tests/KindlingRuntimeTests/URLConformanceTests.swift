import Foundation
import KindlingRuntime
import Testing

/// The WHATWG URL conformance data from web-platform-tests, read from `../shared/wpt/url` beside the repository
/// or from the folder named by `KINDLING_WPT_DIR`. The data is not part of the repository.
enum WPTURLData {
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["KINDLING_WPT_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        // <repo>/Tests/KindlingRuntimeTests/URLConformanceTests.swift → <repo>/../shared/wpt/url
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/wpt/url", isDirectory: true)
    }

    static func text(_ name: String) -> String? {
        try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static var available: Bool {
        text("urltestdata.json") != nil && text("setters_tests.json") != nil
    }
}

// Skipped, and reported as skipped, when the WPT data is not on this machine: it stays outside the repository.
@Suite(
    "URL: web-platform-tests conformance data",
    .enabled(if: WPTURLData.available, "WPT URL data not found in ../shared/wpt/url; set KINDLING_WPT_DIR to its folder")
)
struct URLConformanceTests {
    @Test("urltestdata.json: at least 95% of the entries parse as expected")
    func urlTestData() async throws {
        let data = try #require(WPTURLData.text("urltestdata.json"))
        let result = try await evaluateWebAPI(
            """
            (() => {
              const data = \(data);
              const keys = ["href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"];
              let passed = 0, total = 0;
              const failures = [];
              for (const t of data) {
                if (typeof t === "string") continue;
                total++;
                let ok;
                try {
                  const url = t.base === null || t.base === undefined ? new URL(t.input) : new URL(t.input, t.base);
                  ok = !t.failure && keys.every((k) => url[k] === t[k]) && (t.origin === undefined || url.origin === t.origin);
                  if (ok && t.searchParams !== undefined) ok = url.searchParams.toString() === t.searchParams;
                } catch (e) {
                  ok = t.failure === true && e instanceof TypeError;
                }
                // URL.canParse must agree with the constructor.
                const parses = t.base == null ? URL.canParse(t.input) : URL.canParse(t.input, t.base);
                if (parses === Boolean(t.failure)) ok = false;
                if (ok) passed++; else if (failures.length < 20) failures.push([t.input, t.base]);
              }
              return { passed, total, failures };
            })()
            """)
        try Counts.check(result, file: "urltestdata.json", moreThan: 800, passing: 0.95)
    }

    @Test("setters_tests.json: at least 90% of the entries give the expected components")
    func setters() async throws {
        let data = try #require(WPTURLData.text("setters_tests.json"))
        let result = try await evaluateWebAPI(
            """
            (() => {
              const data = \(data);
              let passed = 0, total = 0;
              const failures = [];
              for (const property of Object.keys(data)) {
                if (property === "comment") continue;
                for (const t of data[property]) {
                  total++;
                  let ok;
                  try {
                    const url = new URL(t.href);
                    url[property] = t.new_value;
                    ok = Object.entries(t.expected).every(([k, v]) => url[k] === v);
                  } catch (e) {
                    ok = false;
                  }
                  if (ok) passed++; else if (failures.length < 20) failures.push([property + " " + t.href + " ← " + t.new_value]);
                }
              }
              return { passed, total, failures };
            })()
            """)
        try Counts.check(result, file: "setters_tests.json", moreThan: 200, passing: 0.90)
    }

    @Test(
        "toascii.json: at least 90% of the hosts go through IDNA as expected",
        .enabled(if: WPTURLData.text("toascii.json") != nil, "toascii.json not found"))
    func toASCII() async throws {
        let data = try #require(WPTURLData.text("toascii.json"))
        let result = try await evaluateWebAPI(
            """
            (() => {
              const data = \(data);
              let passed = 0, total = 0;
              const failures = [];
              for (const t of data) {
                if (typeof t === "string") continue;
                total++;
                let ok;
                try {
                  // Through the parser and through the host setter, which must agree.
                  const url = new URL(`https://${t.input}/x`);
                  ok = t.output !== null && url.host === t.output;
                  const other = new URL("https://x/");
                  other.host = t.input;
                  if (ok) ok = other.host === t.output;
                } catch (e) {
                  ok = t.output === null && e instanceof TypeError;
                }
                if (ok) passed++; else if (failures.length < 20) failures.push([t.input, t.output]);
              }
              return { passed, total, failures };
            })()
            """)
        try Counts.check(result, file: "toascii.json", moreThan: 40, passing: 0.90)
    }

    struct Counts: Decodable {
        /// Prints the pass count of one WPT file (and the first failures), then asserts the threshold.
        static func check(_ result: String, file: String, moreThan minimum: Int, passing fraction: Double) throws {
            let counts = try JSONDecoder().decode(Counts.self, from: Data(result.utf8))
            print("WPT \(file): \(counts.passed)/\(counts.total) passed")
            if !counts.failures.isEmpty { print("first failures: \(counts.failures)") }
            #expect(counts.total > minimum)
            #expect(Double(counts.passed) >= fraction * Double(counts.total))
        }

        let passed: Int
        let total: Int
        let failures: [[String?]]
    }
}
