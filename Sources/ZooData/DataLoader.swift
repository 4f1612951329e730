import Foundation
import ZooFormat

/// Opens training, evaluation or prediction data from a path, recognising what it is by its
/// content (formats/data.md, "Sources"):
///
/// | path | source |
/// | --- | --- |
/// | a folder | an image folder (one subfolder per class) |
/// | a `.npz` (zip) | arrays `x` (inputs) and `y` (integer labels, optional for predict) |
/// | a `.npy` | inputs `x`; labels from `labels` (a `.npy` of integers) if given |
/// | an IDX file (`.gz` accepted) | images or arrays; labels from `labels`, or the MNIST-named `…-labels-idx1-…` beside it |
/// | an image file | that one image, unlabelled |
/// | CSV listing `path,label` | those images |
/// | CSV of numbers | feature rows, the last field an integer label (today's format) |
///
/// `uint8` arrays of 3 or 4 dimensions are images and go through the transform like decoded
/// files; other arrays are features, converted to Float32.
public enum DataLoader {
    /// How to open data.
    public struct Options: Sendable {
        /// A separate labels file (IDX or `.npy`); nil looks for the conventional one.
        public var labels: String?
        /// How images become tensors (from the model card); nil when the model takes no images.
        public var transform: ImageTransform?
        /// What an image file may declare.
        public var limits = ImageLimits()
        /// Under `--skip-bad`, where bad samples are logged; nil makes them errors.
        public var skip: SkipLog?
        /// Largest array file, decompressed (arrays are held in memory).
        public var maxArrayBytes = 1 << 34
        /// Check every image file's header up front (cheap; catches non-images before training).
        public var checkFiles = true
        /// The model's input size, for CSV feature rows whose label is optional (predict): rows of
        /// exactly this many fields are unlabelled. Nil: every row ends in a label.
        public var featureWidth: Int?

        /// Options with a transform (nil for feature data).
        public init(labels: String? = nil, transform: ImageTransform? = nil, skip: SkipLog? = nil) {
            self.labels = labels
            self.transform = transform
            self.skip = skip
        }
    }

    /// The source at `path`.
    public static func open(_ path: String, options: Options) throws(DataError) -> any DataSource {
        if ImageFolder.isFolder(path) {
            let transform = try imageTransform(options, path)
            let (files, labels, names) = try ImageFolder.scan(path)
            return try checked(ImageFileSource(files: files, labels: labels, classNames: names, transform: transform, limits: options.limits), options)
        }
        var bytes = try DataFile.read(path, maxBytes: options.maxArrayBytes, what: "data")
        if ImageFormat.detect(bytes) != nil {
            let transform = try imageTransform(options, path)
            return try checked(ImageFileSource(files: [path], labels: nil, transform: transform, limits: options.limits), options)
        }
        if Gzip.isGzip(bytes) {
            do { bytes = try Gzip.decompress(bytes, maxOutputBytes: options.maxArrayBytes) } catch {
                throw DataError(.invalidData, "data file '\(path)': \(error.message)")
            }
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return try npz(bytes, path: path, options: options)
        }
        if bytes.starts(with: NumpyArrayMagic.bytes) {
            let x = try format { () throws(FormatError) in try NumpyArray.parse(bytes, name: path) }
            return try arrays(x: x, labels: try labelsFile(options.labels, for: x.shape.first ?? 0, options: options), path: path, options: options)
        }
        if IDXFile.isIDX(bytes) {
            let x = try IDXFile.parse(bytes, name: path)
            var labelsPath = options.labels
            if labelsPath == nil, let conventional = IDXFile.conventionalLabels(for: path), FileManager.default.fileExists(atPath: conventional) {
                labelsPath = conventional
            }
            return try arrays(x: x, labels: try labelsFile(labelsPath, for: x.shape.first ?? 0, options: options), path: path, options: options)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(.invalidData, "data file '\(path)' is not a folder, an image, .npz, .npy, IDX or CSV text; see formats/data.md for what --data accepts")
        }
        if ImageList.looksLikeList(text[...]) {
            let transform = try imageTransform(options, path)
            let folder = (path as NSString).deletingLastPathComponent
            let list: (files: [String], labels: [Int]?, classNames: [String]?)
            do { list = try ImageList.parse(text, relativeTo: folder.isEmpty ? "." : folder) } catch {
                throw DataError(error.kind, "\(path): \(error.message)")
            }
            return try checked(ImageFileSource(files: list.files, labels: list.labels, classNames: list.classNames,
                                               transform: transform, limits: options.limits), options)
        }
        if let width = options.featureWidth { return try Dataset.loadRows(at: path, width: width) }
        do { return try Dataset.parseCSV(text) } catch { throw DataError(error.kind, "\(path): \(error.message)") }
    }

    /// Image files named one by one (`zoo predict REF a.jpg b.png`), unlabelled.
    public static func open(files: [String], options: Options) throws(DataError) -> ImageFileSource {
        let transform = try imageTransform(options, files.first ?? "")
        return try checked(ImageFileSource(files: files, labels: nil, transform: transform, limits: options.limits), options)
    }

    /// Inputs `x` and optional labels as a source: `uint8` images through the transform, other
    /// arrays as feature rows of shape `x.shape[1...]`.
    public static func arrays(x: NumpyArray, labels: [Int]?, path: String, options: Options) throws(DataError) -> any DataSource {
        guard let n = x.shape.first else { throw DataError(.invalidData, "\(path): the inputs are a scalar; give an array [N, ...]") }
        if let labels, labels.count != n {
            throw DataError(.invalidData, "\(path): \(n) inputs but \(labels.count) labels; give one label per input")
        }
        if x.dtype == .u1 && (x.shape.count == 3 || x.shape.count == 4) {
            return try ImageArraySource(array: x, labels: labels, transform: options.transform, origin: path)
        }
        return Dataset(features: x.floats(), shape: Array(x.shape.dropFirst()), labels: labels)
    }

    static func npz(_ bytes: [UInt8], path: String, options: Options) throws(DataError) -> any DataSource {
        let archive = try format { () throws(FormatError) in try NumpyArchive(bytes, name: path) }
        guard let x = try format({ () throws(FormatError) in try archive.array("x", maxBytes: options.maxArrayBytes) }) else {
            throw DataError(.invalidData, "\(path) has no array 'x' (it has \(archive.names.joined(separator: ", "))); save inputs as x and labels as y: np.savez(f, x=..., y=...)")
        }
        var labels: [Int]?
        if let y = try format({ () throws(FormatError) in try archive.array("y", maxBytes: options.maxArrayBytes) }) {
            labels = try labelValues(y, name: "\(path) array y")
        } else if options.labels != nil {
            labels = try labelsFile(options.labels, for: x.shape.first ?? 0, options: options)
        }
        return try arrays(x: x, labels: labels, path: path, options: options)
    }

    /// Labels from a separate IDX or `.npy` file.
    static func labelsFile(_ path: String?, for count: Int, options: Options) throws(DataError) -> [Int]? {
        guard let path else { return nil }
        var bytes = try DataFile.read(path, maxBytes: options.maxArrayBytes, what: "labels")
        if Gzip.isGzip(bytes) {
            do { bytes = try Gzip.decompress(bytes, maxOutputBytes: options.maxArrayBytes) } catch {
                throw DataError(.invalidData, "labels file '\(path)': \(error.message)")
            }
        }
        let array: NumpyArray
        if IDXFile.isIDX(bytes) {
            array = try IDXFile.parse(bytes, name: path)
        } else if bytes.starts(with: NumpyArrayMagic.bytes) {
            array = try format { () throws(FormatError) in try NumpyArray.parse(bytes, name: path) }
        } else {
            throw DataError(.invalidData, "labels file '\(path)' is neither IDX nor .npy")
        }
        let labels = try labelValues(array, name: path)
        guard labels.count == count else {
            throw DataError(.invalidData, "labels file '\(path)' has \(labels.count) labels for \(count) inputs; give one label per input")
        }
        return labels
    }

    /// Non-negative integer labels from a `[N]` or `[N, 1]` array.
    static func labelValues(_ y: NumpyArray, name: String) throws(DataError) -> [Int] {
        guard y.shape.count == 1 || (y.shape.count == 2 && y.shape[1] == 1) else {
            throw DataError(.invalidData, "\(name): labels must be a 1-D array of class indices, not shape \(y.shape)")
        }
        let values = try format { () throws(FormatError) in try y.integers() }
        if let bad = values.first(where: { $0 < 0 || $0 >= 1 << 24 }) {
            throw DataError(.invalidData, "\(name): the label \(bad) is not a class index from 0 to 16777215")
        }
        return values
    }

    static func imageTransform(_ options: Options, _ path: String) throws(DataError) -> ImageTransform {
        guard let t = options.transform else {
            throw DataError(.invalidArgument, "'\(path)' holds images, but the model takes no image input (no preprocessing in its card and its input is not [C, H, W]); give feature data (CSV, .npz, .npy), or a model with an image input")
        }
        return t
    }

    static func checked(_ source: ImageFileSource, _ options: Options) throws(DataError) -> ImageFileSource {
        options.checkFiles ? try source.checked(skip: options.skip) : source
    }

    /// Runs a ZooFormat call, turning its error into `invalidData`.
    static func format<T>(_ body: () throws(FormatError) -> T) throws(DataError) -> T {
        do { return try body() } catch {
            throw DataError(error.kind == .io ? .io : (error.kind == .invalidArgument ? .unsupported : .invalidData), error.message)
        }
    }
}

/// The `.npy` magic, for recognising files by content.
enum NumpyArrayMagic {
    static let bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
}
