import Foundation
import MultipartKit
import NIOCore
import SlipwayRuntime

/// One part of a `multipart/form-data` body: its form name, file name and bytes.
struct FormPart: Sendable {
    var name: String
    var filename: String?
    var contentType: String?
    var body: [UInt8]
}

/// Reads `multipart/form-data` bodies with MultipartKit's parser.
enum FormData {
    /// The boundary of a `multipart/form-data` content type; nil for any other content type.
    static func boundary(contentType: String) throws(InferenceError) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let kind = pieces.first, kind.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let boundary = unquote(pair[1])
            guard !boundary.isEmpty, boundary.utf8.count <= 200 else { break }
            return boundary
        }
        throw .badRequest("Content-Type multipart/form-data needs a boundary parameter (1 to 200 characters)")
    }

    /// The parts of a body, in order. A part without a `Content-Disposition` name, or a body that does not
    /// parse, is a bad request.
    static func parts(_ body: [UInt8], boundary: String) throws(InferenceError) -> [FormPart] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [FormPart] = []
        var headers: [(String, String)] = []
        var current: [UInt8] = []
        var failure: InferenceError?
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { buffer in current.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1
            if let name = disposition.flatMap({ parameter("name", in: $0) }) {
                parts.append(
                    FormPart(
                        name: name, filename: disposition.flatMap { parameter("filename", in: $0) },
                        contentType: headers.first { $0.0.lowercased() == "content-type" }?.1, body: current))
            } else if failure == nil {
                failure = .badRequest("multipart part \(parts.count + 1) has no Content-Disposition header with a name")
            }
            headers = []
            current = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw .badRequest("the multipart/form-data body does not parse (boundary '\(boundary)')")
        }
        if let failure { throw failure }
        return parts
    }

    /// A parameter of a header value such as `form-data; name="model"; filename="m.onnx"`.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key { return unquote(pair[1]) }
        }
        return nil
    }

    static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast())
    }
}
