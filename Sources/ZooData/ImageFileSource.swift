import Foundation
import ZooFormat
import ZooModel

/// Image files with a label each (an image folder, a `path,label` list, files named on the
/// command line), decoded and preprocessed when a batch needs them: nothing but the paths is
/// held in memory, so a folder larger than memory trains.
public struct ImageFileSource: DataSource {
    /// The image files, in sample order.
    public var files: [String]
    /// Class index per file.
    public var labels: [Int]
    /// Whether `labels` are real (false for files to predict).
    public var hasLabels: Bool
    /// Class names in label order (a folder's subfolder names), when known.
    public var classNames: [String]?
    /// How a decoded image becomes a tensor.
    public var transform: ImageTransform
    /// What a file may declare before it is decoded.
    public var limits: ImageLimits

    /// A source over `files` with `labels` (nil: unlabelled, for predict).
    public init(files: [String], labels: [Int]?, classNames: [String]? = nil, transform: ImageTransform,
                limits: ImageLimits = ImageLimits()) {
        precondition(labels == nil || labels?.count == files.count, "one label per file")
        self.files = files
        self.labels = labels ?? [Int](repeating: 0, count: files.count)
        self.hasLabels = labels != nil
        self.classNames = classNames
        self.transform = transform
        self.limits = limits
    }

    public var count: Int { files.count }
    public var sampleShape: [Int] { transform.sampleShape }
    public var isInMemory: Bool { false }
    public var augments: Bool { transform.augmentation != nil }
    public func name(of index: Int) -> String { files[index] }

    public func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        let image = try ImageDecoder.decode(contentsOf: files[index], limits: limits)
        transform.apply(image, random: &random, into: out)
    }

    /// Checks every file's header (format, size against the limits) on all cores, reading at most
    /// the first 256 KiB of most files. A file that fails is an error naming it, or with `skip` a
    /// warning, and it is left out. Pixel data is checked when a batch decodes it.
    public func checked(skip: SkipLog?) throws(DataError) -> ImageFileSource {
        var failures = [DataError?](repeating: nil, count: files.count)
        let limits = self.limits
        let files = self.files
        failures.withUnsafeMutableBufferPointer { out in
            let slots = UncheckedPointer(out)
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                do throws(DataError) { _ = try ImageFileSource.probe(files[i], limits: limits) } catch { slots.buffer[i] = error }
            }
        }
        var kept = self
        kept.files = []
        kept.labels = []
        for (i, failure) in failures.enumerated() {
            if let failure {
                guard let skip else { throw failure }
                skip.record(files[i], reason: failure.message)
                continue
            }
            kept.files.append(files[i])
            kept.labels.append(labels[i])
        }
        return kept
    }

    /// Reads the header of one image file: from its first 256 KiB, or the whole file when the
    /// header runs past that (large EXIF or colour-profile blocks).
    public static func probe(_ path: String, limits: ImageLimits) throws(DataError) -> ImageHeader {
        let prefix = 256 * 1024
        guard let handle = FileHandle(forReadingAtPath: path) else {
            _ = try DataFile.read(path, maxBytes: limits.maxFileBytes, what: "image")
            throw DataError(.io, "cannot open image file '\(path)'")
        }
        let head: [UInt8]
        do {
            head = [UInt8](try handle.read(upToCount: prefix) ?? Data())
            try handle.close()
        } catch {
            throw DataError(.io, "cannot read image file '\(path)': \(error.localizedDescription)")
        }
        do {
            return try ImageDecoder.header(head, name: path, limits: limits)
        } catch where head.count == prefix && error.kind == .undecodable {
            return try ImageDecoder.header(try ImageDecoder.readFile(path, limits: limits), name: path, limits: limits)
        }
    }

    /// SHA-256 over every file's content digest (computed on all cores), the labels, the class
    /// names and the transform: the same pictures with the same labels and preprocessing give
    /// the same digest wherever they are stored.
    public func contentDigest() throws(DataError) -> String {
        var digests = [String](repeating: "", count: files.count)
        var failures = [DataError?](repeating: nil, count: files.count)
        let limits = self.limits, files = self.files
        digests.withUnsafeMutableBufferPointer { out in
            failures.withUnsafeMutableBufferPointer { bad in
                let d = UncheckedPointer(out), f = UncheckedPointer(bad)
                DispatchQueue.concurrentPerform(iterations: files.count) { i in
                    do throws(DataError) {
                        d.buffer[i] = SHA256Digest.hex(try DataFile.read(files[i], maxBytes: limits.maxFileBytes, what: "image"))
                    } catch {
                        f.buffer[i] = error
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        var h = SHA256Hasher()
        h.update(Array("image-files v1\n\(transform.key)\nclasses=\(classNames ?? [])\nlabelled=\(hasLabels)\n".utf8))
        for (i, d) in digests.enumerated() { h.update(Array("\(d) \(labels[i])\n".utf8)) }
        return "sha256:" + h.finalizeHex()
    }
}

/// A buffer pointer the concurrency checker lets a parallel loop share; each iteration writes only
/// its own element (the file loops run on all cores through `DispatchQueue.concurrentPerform`).
struct UncheckedPointer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
