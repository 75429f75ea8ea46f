import Foundation
import HTTPTypes
import KindlingHTTP
import NIOCore
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("HTTPServer with URLSession as the client", .timeLimit(.minutes(1)))
struct URLSessionTests {
    /// Echoes the method, the body length and a header back.
    static let echo = responder { request, body, _, writer in
        let bytes = try await body.collect(upTo: 1 << 20)
        let fields: HTTPFields = [.contentType: "text/plain", HTTPField.Name("x-method")!: request.method.rawValue]
        try await writer.write(HTTPResponse(status: .ok, headerFields: fields), body: "got \(bytes.readableBytes) bytes")
    }

    @Test("GET and POST round-trip through URLSession on one session")
    func roundTrip() async throws {
        try await withServer(responder: Self.echo) { _, port in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/echo"))

            let (getData, getResponse) = try await session.data(from: url)
            let get = try #require(getResponse as? HTTPURLResponse)
            #expect(get.statusCode == 200)
            #expect(get.value(forHTTPHeaderField: "X-Method") == "GET")
            #expect(String(decoding: getData, as: UTF8.self) == "got 0 bytes")

            var post = URLRequest(url: url)
            post.httpMethod = "POST"
            post.httpBody = Data(repeating: 42, count: 100_000)
            let (postData, postResponse) = try await session.data(for: post)
            #expect((postResponse as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: postData, as: UTF8.self) == "got 100000 bytes")
        }
    }

    @Test("a streamed chunked response arrives whole through URLSession")
    func chunkedResponse() async throws {
        let streaming = responder { _, _, _, writer in
            let body = try await writer.writeHead(HTTPResponse(status: .ok))
            for index in 0..<50 { try await body.write("line \(index)\n") }
            try await body.finish()
        }
        try await withServer(responder: streaming) { _, port in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
            let (data, _) = try await session.data(from: url)
            #expect(String(decoding: data, as: UTF8.self) == (0..<50).map { "line \($0)\n" }.joined())
        }
    }
}
