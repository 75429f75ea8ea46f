import CZlib

/// One zlib compression or decompression stream in a format of the Compression Streams standard:
/// `"gzip"` (RFC 1952), `"deflate"` (the zlib format, RFC 1950) or `"deflate-raw"` (RFC 1951).
///
/// Behind `CompressionStream` / `DecompressionStream`: the JS transform feeds each chunk to
/// ``process(_:finish:)`` and enqueues what comes out. Confined to its isolate's thread (it is reached
/// only from host functions), so it needs no locking.
final class ZlibStream {
    enum Format: String {
        case gzip
        case deflate
        case deflateRaw = "deflate-raw"

        /// zlib's windowBits for the format: 15 selects the zlib wrapper, -15 none, 15 + 16 gzip.
        var windowBits: Int32 {
            switch self {
            case .deflate: 15
            case .deflateRaw: -15
            case .gzip: 31
            }
        }
    }

    /// What went wrong, as the TypeError message the stream errors with.
    struct Failure: Error {
        let message: String
    }

    let format: Format
    let compresses: Bool
    private let stream: UnsafeMutablePointer<z_stream>
    /// Decompression reached the end of the compressed data.
    private var ended = false
    private var open = true

    /// Output is produced in pieces of this size.
    private static let outputPiece = 64 * 1024

    init(format: Format, compresses: Bool) throws(Failure) {
        self.format = format
        self.compresses = compresses
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status =
            compresses
            ? kindling_deflateInit2(stream, Z_DEFAULT_COMPRESSION, format.windowBits)
            : kindling_inflateInit2(stream, format.windowBits)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw Failure(message: "zlib could not start a \(format.rawValue) stream (error \(status)).")
        }
    }

    deinit {
        close()
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Frees zlib's state; the stream cannot be used afterwards.
    func close() {
        guard open else { return }
        open = false
        if compresses { deflateEnd(stream) } else { inflateEnd(stream) }
    }

    /// Feeds `input` through the stream and returns the output it produced; with `finish`, also the
    /// rest (the compressed stream's end, or a check that the compressed input was complete).
    /// - Throws: ``Failure`` for corrupt or truncated compressed data and for data after its end.
    func process(_ input: UnsafeRawBufferPointer, finish: Bool) throws(Failure) -> [UInt8] {
        guard open else { throw Failure(message: "The \(format.rawValue) stream has already finished.") }
        var output: [UInt8] = []
        if compresses {
            try run(input, flush: finish ? Z_FINISH : Z_NO_FLUSH, into: &output)
        } else {
            if ended, !input.isEmpty { throw trailingData() }
            try run(input, flush: Z_NO_FLUSH, into: &output)
            if finish, !ended {
                close()
                throw Failure(message: "The compressed data ended before the end of the \(format.rawValue) stream (it is truncated).")
            }
        }
        if finish { close() }
        return output
    }

    private func trailingData() -> Failure {
        close()
        return Failure(message: "Junk found after the end of the compressed \(format.rawValue) data.")
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32, into output: inout [UInt8]) throws(Failure) {
        let base = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        var piece = [UInt8](repeating: 0, count: Self.outputPiece)
        while true {
            let (status, produced) = piece.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                let status = compresses ? deflate(stream, flush) : inflate(stream, flush)
                return (status, buffer.count - Int(stream.pointee.avail_out))
            }
            stream.pointee.next_out = nil
            if produced > 0 { output.append(contentsOf: piece[0..<produced]) }
            switch status {
            case Z_STREAM_END:
                if !compresses {
                    ended = true
                    if stream.pointee.avail_in > 0 { throw trailingData() }
                }
                return
            case Z_OK:
                // More output may be waiting when zlib filled the whole piece; otherwise it needs input.
                if stream.pointee.avail_out == 0 { continue }
                if compresses, flush == Z_FINISH { continue }
                if stream.pointee.avail_in == 0 { return }
            case Z_BUF_ERROR:
                // No progress possible: all input consumed and nothing more to write out.
                return
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                close()
                throw Failure(message: "The compressed data is not valid \(format.rawValue) data (\(detail)).")
            }
        }
    }
}
