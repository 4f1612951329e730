import Foundation

/// JSON as the store writes it: compact, keys sorted, slashes unescaped, so the same value always
/// gives the same bytes (and the same digest).
enum StoreJSON {
    static func encode<T: Encodable>(_ value: T) throws(StoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(value)) } catch {
            throw StoreError(.invalidArgument, "cannot encode JSON: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws(StoreError) -> T {
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw StoreError(.corrupt, "\(what) is not valid: \(StoreIndex.describe(error))")
        }
    }
}
