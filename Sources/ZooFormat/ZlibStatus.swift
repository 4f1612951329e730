import CZlib

/// The one place where zlib's return codes become `FormatError`s (formats/zckpt-v1.md, §11 "Error kinds").
enum ZlibStatus {
    /// Returns `code` when it is `Z_OK` or `Z_STREAM_END`; otherwise throws the matching error,
    /// with `context` saying what was being done (e.g. "inflating chunk 3 of tensor 'w'").
    @discardableResult
    static func check(_ code: Int32, _ context: @autoclosure () -> String) throws(FormatError) -> Int32 {
        switch code {
        case Z_OK, Z_STREAM_END:
            return code
        case Z_DATA_ERROR, Z_NEED_DICT:
            throw FormatError(.corruptData, "\(context()): the compressed data is invalid (zlib code \(code)); the file is corrupt, restore it from its source")
        case Z_BUF_ERROR:
            throw FormatError(.corruptData, "\(context()): the compressed data ends early or does not fit its declared size; the file is corrupt, restore it from its source")
        case Z_MEM_ERROR:
            throw FormatError(.io, "\(context()): zlib ran out of memory; free memory or use fewer cores")
        case Z_VERSION_ERROR:
            throw FormatError(.io, "\(context()): the zlib library is incompatible with the headers it was built against; reinstall zlib")
        default:
            // Z_STREAM_ERROR, Z_ERRNO and anything unknown: a misuse of zlib, which is a bug here.
            throw FormatError(.invalidArgument, "\(context()): zlib refused the call (code \(code)); this is a bug in ZooFormat, please report it")
        }
    }
}
