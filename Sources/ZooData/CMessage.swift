/// The text a C shim wrote into a message buffer (up to its first NUL byte).
enum CMessage {
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
