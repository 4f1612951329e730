#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ZooFormat

/// What guarding the memory map against a file truncated underneath (`MappingGuard`,
/// `MappedFile.checkUnchanged`) costs a raw-codec read: the model written as a raw `.zckpt`, then
/// every tensor read and its chunk CRCs checked, three ways, each from the page cache and timed
/// from opening the file to the last byte:
/// - zoo's reader: `CheckpointReader` (footer and index parsed) and `mappedRaw` and
///   `checkUnchanged` per tensor, as `zoo convert` reads a raw file;
/// - guarded map: the guard alone, the same reads of a `MappedFile` (registered with
///   `MappingGuard`) with `checkUnchanged` after each tensor (a lock and an fstat);
/// - plain map: the same reads of an unregistered map with no checks (what it was before, which a
///   truncation turns into SIGBUS);
/// - pread: each tensor's bytes copied into a buffer with pread (safe without a guard: a short
///   read is an error), then checked.
/// Prints one row per way with its best time and its ratio to the plain map.
func benchmarkGuardedReads(_ tensors: [BenchTensor], repeats: Int) throws {
    let folder = NSTemporaryDirectory() + "zoo-bench-guard-\(getpid())"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/raw.zckpt"
    let writer = try CheckpointWriter(path: path)
    for t in tensors {
        _ = try t.bytes.withUnsafeBytes { raw in
            try writer.addTensor(name: t.name, dtype: t.dtype, shape: t.shape, raw: raw, codec: .raw)
        }
    }
    try writer.finish()
    let records = try CheckpointReader(path: path).index.tensors
    let raw = records.reduce(0) { $0 + Int($1.rawBytes) }

    func check(_ record: TensorRecord, _ bytes: UnsafeRawBufferPointer) throws {
        for chunk in record.chunks {
            let piece = UnsafeRawBufferPointer(rebasing: bytes[Int(chunk.offset)..<Int(chunk.offset + chunk.storedLength)])
            guard CRC32.checksum(piece) == chunk.crc32 else { throw FormatError(.checksumMismatch, "bench: bad CRC in \(record.name)") }
        }
    }
    let reader = try bestTime(repeats) {
        let reader = try CheckpointReader(path: path)
        for record in records {
            _ = try reader.mappedRaw(record.name)
            try reader.checkUnchanged()
        }
    }
    let guarded = try bestTime(repeats) {
        let map = try MappedFile(path: path)
        for record in records {
            let start = Int(record.offset ?? 0)
            try check(record, UnsafeRawBufferPointer(rebasing: map.bytes[start..<(start + Int(record.storedBytes))]))
            try map.checkUnchanged()
        }
    }
    let plain = try bestTime(repeats) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FormatError(.io, "bench: cannot open \(path)") }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        let size = Int(info.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw FormatError(.io, "bench: cannot map \(path)")
        }
        defer { munmap(base, size) }
        let map = UnsafeRawBufferPointer(start: base, count: size)
        for record in records {
            let start = Int(record.offset ?? 0)
            try check(record, UnsafeRawBufferPointer(rebasing: map[start..<(start + Int(record.storedBytes))]))
        }
    }
    let largest = records.map { Int($0.storedBytes) }.max() ?? 0
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(largest, 1), alignment: 64)
    defer { buffer.deallocate() }
    let copied = try bestTime(repeats) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FormatError(.io, "bench: cannot open \(path)") }
        defer { close(fd) }
        for record in records {
            let count = Int(record.storedBytes)
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(Int(record.offset ?? 0) + done))
                guard n > 0 else { throw FormatError(.io, "bench: short read of \(path)") }
                done += n
            }
            try check(record, UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }
    print("\nraw reads (.zckpt, codec raw, \(records.count) tensors, \(String(format: "%.1f", Double(raw) / 1e6)) MB from the page cache, every chunk CRC checked): best of \(repeats)")
    print(row(["read", "ms", "MB/s", "vs plain map"]))
    for (label, seconds) in [("zoo's reader", reader), ("guarded map", guarded), ("plain map, unguarded", plain),
                           ("pread into a buffer", copied)] {
        print(row([label, String(format: "%.2f", seconds * 1e3), rate(raw, seconds), String(format: "%.2fx", seconds / plain)]))
    }
}
