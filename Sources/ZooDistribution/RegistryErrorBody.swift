import Foundation

/// The error body a registry sends (distribution spec, "Error Codes"):
/// `{"errors": [{"code": "BLOB_UNKNOWN", "message": "…", "detail": …}]}`.
struct RegistryErrorBody: Decodable {
    struct Entry: Decodable {
        var code: String?
        var message: String?
    }
    var errors: [Entry]?

    /// `CODE: message; CODE: message`, or the body's first line when it is not the spec's JSON.
    static func summary(_ body: [UInt8]) -> String {
        if let parsed = try? JSONDecoder().decode(RegistryErrorBody.self, from: Data(body)), let errors = parsed.errors, !errors.isEmpty {
            return errors.map { [$0.code, $0.message].compactMap { $0 }.joined(separator: ": ") }.joined(separator: "; ")
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.split(separator: "\n").first.map(String.init) ?? ""
    }

    /// The error codes in `body`.
    static func codes(_ body: [UInt8]) -> [String] {
        ((try? JSONDecoder().decode(RegistryErrorBody.self, from: Data(body)))?.errors ?? []).compactMap(\.code)
    }
}
