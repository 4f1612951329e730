import Foundation
import ZooFormat

/// A blob mapped read-only into memory: a tensor stream is handed to decoders and writers without
/// copying. The bytes stay valid while this object lives.
///
/// A blob truncated by another process while it is mapped reads as zeros past its new end (see
/// ZooFormat's `MappedFile`), never a signal; its digest then no longer matches, which every
/// reader of a blob checks, and `checkUnchanged` names the cause.
public final class MappedBlob {
    private let file: MappedFile

    /// The blob's bytes.
    public var bytes: UnsafeRawBufferPointer { file.bytes }

    /// Maps the file at `path`.
    init(path: String) throws(StoreError) {
        do {
            file = try MappedFile(path: path)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: path)
            throw StoreError(missing ? .corrupt : .io, "cannot map blob \(path): \(error.message)")
        }
    }

    /// Throws when the file was truncated or rewritten since it was mapped.
    public func checkUnchanged() throws(StoreError) {
        do { try file.checkUnchanged() } catch { throw StoreError(.io, error.message) }
    }
}
