import Foundation
import Testing

@testable import KindlingCLI

/// `kindling dev`'s log writer: a thread that writes queued lines ten milliseconds' worth at a time. Each test gives
/// a writer of its own the write end of a pipe and reads what arrives at the other end.
@Suite("kindling dev's log writer")
struct StandardErrorWriterTests {
    /// A pipe, closed when the test ends.
    final class Pipe {
        let readEnd: Int32
        let writeEnd: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
            readEnd = ends[0]
            writeEnd = ends[1]
        }

        deinit {
            close(readEnd)
            close(writeEnd)
        }

        /// Reads until `count` bytes have come; gives up after `seconds` (a guard against a hang, not a measurement)
        /// and returns what came by then.
        func read(count: Int, waitingAtMost seconds: Double = 10) -> String {
            var bytes: [UInt8] = []
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while bytes.count < count, Date() < deadline {
                var request = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                guard poll(&request, 1, 50) > 0 else { continue }
                let got = Foundation.read(readEnd, &buffer, buffer.count)
                if got <= 0 { break }
                bytes += buffer[0..<got]
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// What is in the pipe right now, without waiting.
        func readAvailable() -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            var request = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            while poll(&request, 1, 0) > 0 {
                let got = Foundation.read(readEnd, &buffer, buffer.count)
                if got <= 0 { break }
                bytes += buffer[0..<got]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test("a line is written without a flush, and so is one that comes after the writer went back to sleep")
    func wakesForLines() throws {
        let pipe = try Pipe()
        let writer = StandardErrorWriter(fileDescriptor: pipe.writeEnd)
        writer.writeLine { $0 += Array("GET / 200 OK (0.4 ms)".utf8) }
        #expect(pipe.read(count: 22) == "GET / 200 OK (0.4 ms)\n")
        // Fifty milliseconds without a line (several gathering times): the thread has written everything and sleeps
        // until a line wakes it.
        usleep(50_000)
        writer.write("second\n")
        #expect(pipe.read(count: 7) == "second\n")
    }

    @Test("flush() returns once everything queued before it is written")
    func flushWritesEverything() throws {
        let pipe = try Pipe()
        let writer = StandardErrorWriter(fileDescriptor: pipe.writeEnd)
        let lines = (0..<100).map { "line \($0)\n" }
        for line in lines { writer.write(line) }
        writer.flush()
        #expect(pipe.readAvailable() == lines.joined())
    }

    @Test("lines from two threads at once arrive whole, each thread's in the order it wrote them")
    func linesFromTwoThreads() throws {
        let pipe = try Pipe()
        let writer = StandardErrorWriter(fileDescriptor: pipe.writeEnd)
        let perThread = 2_000  // about 36 KB in all: within a pipe's buffer, so nobody needs to read meanwhile
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            for index in 0..<perThread {
                writer.writeLine { $0 += Array("thread \(thread) line \(index)".utf8) }
            }
        }
        let expectedBytes = (0..<2).reduce(0) { total, thread in
            total + (0..<perThread).reduce(0) { $0 + "thread \(thread) line \($1)\n".utf8.count }
        }
        let text = pipe.read(count: expectedBytes)
        var next = [0, 0]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let words = line.split(separator: " ")
            guard words.count == 4, words[0] == "thread", words[2] == "line", let thread = Int(words[1]),
                let index = Int(words[3]), (0..<2).contains(thread)
            else {
                Issue.record("a line arrived broken: \(line)")
                continue
            }
            #expect(index == next[thread], "thread \(thread)'s lines out of order")
            next[thread] = index + 1
        }
        #expect(next == [perThread, perThread])
        #expect(text.hasSuffix("\n"))
    }
}
