import Foundation
import Kindling
import NIOCore
import NIOPosix

/// Issue 5's streaming figure: a worker answers `new Response(readableStream)` of 100 MiB in 64 KiB chunks, served
/// over HTTP by a Kindling instance as `kindling dev` serves it, read by a client on 127.0.0.1 that counts bytes.
///
/// Target: ≥ 500 MiB/s with memory flat. Memory is the peak resident size during the transfer (the kernel's high
/// water mark, reset first) minus the resident size before it: a buffered body would add 100 MiB.
enum BodyBenchmarks {
    static let mebibytes = 100
    static let chunkKiB = Int(ProcessInfo.processInfo.environment["KINDLING_BENCH_CHUNK_KIB"] ?? "") ?? 64

    static let worker = """
        export default {
          fetch() {
            const chunk = \(chunkKiB) * 1024;
            let left = \(mebibytes) * 1024 * 1024;
            return new Response(new ReadableStream({
              type: "bytes",
              pull(controller) {
                if (left === 0) return controller.close();
                controller.enqueue(new Uint8Array(chunk));
                left -= chunk;
              },
            }));
          },
        };
        """

    static func run() async throws {
        print("# bodies (issue 5)")
        guard wantsFigure("stream") else { return }
        let kindling = try await Kindling(
            KindlingOptions(port: 0, workers: [WorkerOptions(name: "stream", script: worker, modules: true)]),
            logger: DispatchBenchmarks.quiet)
        let port = Int(kindling.url?.split(separator: ":").last ?? "") ?? 0
        _ = try await download(port: port)  // warm-up: JIT, allocator, connection setup
        var best = 0.0
        var growth = 0
        for _ in 0..<3 {
            let before = Memory.resident()
            Memory.resetPeak()
            let start = ContinuousClock.now
            let received = try await download(port: port)
            let seconds = (ContinuousClock.now - start).seconds
            guard received >= mebibytes << 20 else {
                throw HTTPBenchmarks.BenchmarkFailure(message: "received \(received) bytes of \(mebibytes) MiB")
            }
            best = max(best, Double(mebibytes) / seconds)
            growth = max(growth, Memory.peak() - before)
        }
        var inProcess = 0.0
        for _ in 0..<3 {
            let start = ContinuousClock.now
            var received = 0
            for try await chunk in try await kindling.dispatchFetch("http://localhost/").body.stream { received += chunk.count }
            inProcess = max(inProcess, Double(received >> 20) / (ContinuousClock.now - start).seconds)
        }
        await kindling.dispose()
        print(String(format: "stream %d MiB worker → dispatchFetch, in process: %.0f MiB/s", mebibytes, inProcess))
        print(
            String(
                format: "stream %d MiB worker → kindling dev → client: %.0f MiB/s (target >= 500), peak RSS +%.1f MiB over %.0f MiB before",
                mebibytes, best, Double(growth) / 1_048_576, Double(Memory.resident()) / 1_048_576))
    }

    /// GETs `/` with `Connection: close` and counts every byte until the server closes (chunk framing included:
    /// 10 bytes per 64 KiB).
    static func download(port: Int) async throws -> Int {
        let counter = ByteCounter()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
        return try await counter.done.futureResult.get()
    }

    /// Counts the bytes a connection reads until it closes.
    private final class ByteCounter: ChannelInboundHandler, @unchecked Sendable {
        // Safety: `count` is touched only on the channel's event loop.
        typealias InboundIn = ByteBuffer
        private var count = 0
        let done = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Int.self)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            count += Self.unwrapInboundIn(data).readableBytes
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.succeed(count)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            done.fail(error)
            context.close(promise: nil)
        }
    }
}

/// This process's resident memory, from /proc (Linux).
enum Memory {
    /// The resident size now, in bytes.
    static func resident() -> Int { field("VmRSS:") }

    /// The peak resident size since the last ``resetPeak()``, in bytes.
    static func peak() -> Int { field("VmHWM:") }

    /// Resets the peak to the current size (`echo 5 > /proc/self/clear_refs`).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let kilobytes = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                .flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
