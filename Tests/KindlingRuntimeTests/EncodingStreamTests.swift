import CZlib
import KindlingRuntime
import Testing

@Suite("TextEncoderStream, TextDecoderStream, CompressionStream and DecompressionStream")
struct EncodingStreamTests {
    @Test("TextDecoderStream joins multi-byte characters split across chunks; TextEncoderStream joins surrogate pairs")
    func textStreams() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const bytes = new TextEncoder().encode("a✓b😀");
              const chunks = [bytes.slice(0, 2), bytes.slice(2, 3), bytes.slice(3, 6), bytes.slice(6)];
              const source = new ReadableStream({ start(c) { for (const chunk of chunks) c.enqueue(chunk); c.close(); } });
              const decoded = [];
              for await (const s of source.pipeThrough(new TextDecoderStream())) decoded.push(s);
              const emoji = "😀";
              const strings = new ReadableStream({ start(c) { c.enqueue("x" + emoji[0]); c.enqueue(emoji[1] + "y"); c.enqueue("\\ud800"); c.close(); } });
              const encoded = await new Response(strings.pipeThrough(new TextEncoderStream())).bytes();
              const decoder = new TextDecoderStream("utf-8", { fatal: true });
              const fatal = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([0xff])); c.close(); } }).pipeThrough(decoder);
              return [decoded, Array.from(encoded), decoder.encoding, decoder.fatal, await rejected(() => fatal.getReader().read()),
                      new TextEncoderStream().encoding, thrown(() => new TextDecoderStream("nope"))];
            })()
            """)
        #expect(
            result
                == #"[["a","✓b","😀"],[120,240,159,152,128,121,239,191,189],"utf-8",true,"TypeError: Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid for encoding utf-8","utf-8","RangeError: Failed to construct 'TextDecoder': The encoding label provided ('nope') is invalid."]"#
        )
    }

    @Test("gzip, deflate and deflate-raw round trips through CompressionStream and DecompressionStream")
    func roundTrip() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const text = "The same words, again and again. ".repeat(2000);
              const out = [];
              for (const format of ["gzip", "deflate", "deflate-raw"]) {
                const compressed = await new Response(new Response(text).body.pipeThrough(new CompressionStream(format))).bytes();
                const back = await new Response(new Response(compressed).body.pipeThrough(new DecompressionStream(format))).text();
                out.push([format, compressed.length < text.length / 20, back === text]);
              }
              out.push(thrown(() => new CompressionStream("brotli")));
              return out;
            })()
            """)
        #expect(
            result
                == #"[["gzip",true,true],["deflate",true,true],["deflate-raw",true,true],"TypeError: The compression format must be either 'deflate', 'deflate-raw' or 'gzip'."]"#
        )
    }

    /// gzip of "Kindling streams ✓\n" three times, made by Python's gzip module (mtime 0).
    static let gzipVector: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 243, 206, 204, 75, 201, 201, 204, 75, 87, 40, 46, 41, 74, 77, 204, 45, 86, 120,
        52, 103, 50, 151, 55, 209, 130, 0, 218, 231, 89, 198, 63, 0, 0, 0,
    ]

    @Test("DecompressionStream reads a known gzip vector, even fed one byte at a time")
    func knownVector() async throws {
        let bytes = Self.gzipVector.map(String.init).joined(separator: ",")
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const vector = new Uint8Array([\(bytes)]);
              const whole = await new Response(new Blob([vector]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
              const byByte = new ReadableStream({ start(c) { for (const b of vector) c.enqueue(new Uint8Array([b])); c.close(); } });
              const pieces = await new Response(byByte.pipeThrough(new DecompressionStream("gzip"))).text();
              return [whole, pieces === whole];
            })()
            """)
        #expect(result == #"["Kindling streams ✓\nKindling streams ✓\nKindling streams ✓\n",true]"#)
    }

    @Test("gzip made by CompressionStream is read by zlib itself")
    func zlibReadsOurGzip() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const bytes = await new Response(new Response("made in JS ✓".repeat(100)).body.pipeThrough(new CompressionStream("gzip"))).bytes();
              return Array.from(bytes);
            })()
            """)
        let compressed = result.dropFirst().dropLast().split(separator: ",").compactMap { UInt8($0) }
        #expect(compressed.count > 18)
        let text = try String(decoding: Self.gunzip(compressed), as: UTF8.self)
        #expect(text == String(repeating: "made in JS ✓", count: 100))
    }

    @Test("truncated, corrupt or trailing input errors the stream with a TypeError")
    func badInput() async throws {
        let bytes = Self.gzipVector.map(String.init).joined(separator: ",")
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const vector = new Uint8Array([\(bytes)]);
              const inflate = (input) => new Response(new Blob([input]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
              const corrupt = vector.slice();
              corrupt[12] ^= 0xff;
              const trailing = new Uint8Array(vector.length + 3);
              trailing.set(vector);
              const failures = [];
              for (const input of [vector.slice(0, 30), corrupt, trailing, new Uint8Array([1, 2, 3])]) {
                try { await inflate(input); failures.push("no error"); } catch (e) { failures.push(e.name); }
              }
              const refused = await rejected(() => new CompressionStream("gzip").writable.getWriter().write("text"));
              return [failures, refused];
            })()
            """)
        #expect(
            result
                == #"[["TypeError","TypeError","TypeError","TypeError"],"TypeError: This WritableStream only supports writing byte types."]"#
        )
    }

    /// Decompresses gzip with zlib directly (not through the runtime).
    static func gunzip(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        #expect(kindling_inflateInit2(&stream, 31) == Z_OK)
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: 1 << 20)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        #expect(status == Z_STREAM_END)
        return Array(output[0..<Int(stream.total_out)])
    }
}
