import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooData

/// Image folders, path,label lists, IDX, npz and npy, and how DataLoader recognises them.
struct DataSourceTests {
    static let transform = try! ImageTransform(ImagePreprocessing(resize: nil, crop: [4, 4], mean: [0], std: [1]))

    @Test func imageFolderOrderIsTorchvisions() throws {
        let root = Fixtures.folder("folder")
        let png = try ImageEncoder.png(Fixtures.gradient(width: 6, height: 5, channels: 3))
        for path in ["b/2.png", "b/10.png", "a/z.PNG", "a/sub/y.png", "a/sub b/x.png", "a/.hidden.png", "a/notes.txt",
                     ".ipynb_checkpoints/c.png", "a/sub/deeper/w.png"] {
            Fixtures.write(png, to: root + "/" + path)
        }
        let (files, labels, names) = try ImageFolder.scan(root)
        #expect(names == ["a", "b"])
        // Folders in sorted path order ("a/sub" < "a/sub b" < "a/sub/deeper", as ' ' < '/'), files
        // sorted within each: the order torchvision's ImageFolder gives for this layout.
        #expect(files.map { String($0.dropFirst(root.count + 1)) } == ["a/z.PNG", "a/sub/y.png", "a/sub b/x.png", "a/sub/deeper/w.png", "b/10.png", "b/2.png"])
        #expect(labels == [0, 0, 0, 0, 1, 1])
        let source = try DataLoader.open(root, options: DataLoader.Options(transform: Self.transform))
        #expect(source.count == 6 && source.classNames == ["a", "b"] && source.sampleShape == [3, 4, 4])

        Fixtures.write([], to: root + "/c/readme.md")
        #expect(throws: DataError.self) { _ = try ImageFolder.scan(root) }
        #expect(throws: DataError.self) { _ = try ImageFolder.scan(root + "/missing") }
        #expect(throws: DataError.self) { _ = try DataLoader.open(root + "/a", options: DataLoader.Options(transform: nil)) }
    }

    @Test func badFilesAreFoundUpFrontOrSkipped() throws {
        let root = Fixtures.folder("bad")
        let png = try ImageEncoder.png(Fixtures.gradient(width: 6, height: 5, channels: 3))
        Fixtures.write(png, to: root + "/cat/1.png")
        Fixtures.write(Array("not an image".utf8), to: root + "/cat/2.jpg")
        Fixtures.write(Array("BM.....".utf8), to: root + "/dog/3.bmp")
        Fixtures.write(png, to: root + "/dog/4.png")
        do {
            _ = try DataLoader.open(root, options: DataLoader.Options(transform: Self.transform))
            Issue.record("opened a folder with bad files")
        } catch {
            #expect(error.message.contains("cat/2.jpg"), "\(error.message)")
        }
        let log = SkipLog()
        let source = try DataLoader.open(root, options: DataLoader.Options(transform: Self.transform, skip: log))
        #expect(source.count == 2 && source.labels == [0, 1])
        #expect(log.count == 2 && log.entries[1].reason.contains("BMP"))
    }

    @Test func pathLabelListsWithNamesOrIndices() throws {
        let root = Fixtures.folder("list")
        let png = try ImageEncoder.png(Fixtures.gradient(width: 6, height: 5, channels: 1))
        Fixtures.write(png, to: root + "/img/a, b.png")
        Fixtures.write(png, to: root + "/img/c.png")
        let named = try ImageList.parse("path,label\n\"img/a, b.png\",zebra\nimg/c.png,ant\n", relativeTo: root)
        #expect(named.files == [root + "/img/a, b.png", root + "/img/c.png"])
        #expect(named.labels == [1, 0] && named.classNames == ["ant", "zebra"])
        let indexed = try ImageList.parse("img/c.png, 3\n/abs/x.png,0\n", relativeTo: root)
        #expect(indexed.labels == [3, 0] && indexed.classNames == nil && indexed.files[1] == "/abs/x.png")
        #expect(try ImageList.parse("img/c.png\n", relativeTo: root).labels == nil)
        #expect(throws: DataError.self) { _ = try ImageList.parse("a.png,1\nb.png\n", relativeTo: root) }
        #expect(throws: DataError.self) { _ = try ImageList.parse("\"a.png,1\n", relativeTo: root) }
        // Lists and feature rows are told apart by their first fields.
        #expect(ImageList.looksLikeList("path,label\nx.png,1\n"))
        #expect(ImageList.looksLikeList("x.png,1\ny.png,2\n"))
        #expect(!ImageList.looksLikeList("f1,f2,label\n1,2,0\n"))
        #expect(!ImageList.looksLikeList("1,2,0\n3,4,1\n"))
        let list = Fixtures.write(Array("path,label\n\"img/a, b.png\",zebra\nimg/c.png,ant\n".utf8), to: root + "/list.csv")
        let source = try DataLoader.open(list, options: DataLoader.Options(transform: Self.transform))
        #expect(source.count == 2 && source.classNames == ["ant", "zebra"])
        let relabelled = try RelabelledSource(source, toClassNames: ["zebra", "lion", "ant"])
        #expect(relabelled.labels == [0, 2])
        #expect(throws: DataError.self) { _ = try RelabelledSource(source, toClassNames: ["zebra"]) }
    }

    @Test func idxFilesAndTheirLabels() throws {
        let root = Fixtures.folder("idx")
        // Three 2x2 u8 images and their labels, gzipped as MNIST ships them.
        let images: [UInt8] = [0, 0, 0x08, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + Array(0..<12)
        let labels: [UInt8] = [0, 0, 0x08, 1, 0, 0, 0, 3, 2, 0, 1]
        Fixtures.write(try Self.gzip(images), to: root + "/train-images-idx3-ubyte.gz")
        Fixtures.write(try Self.gzip(labels), to: root + "/train-labels-idx1-ubyte.gz")
        let source = try DataLoader.open(root + "/train-images-idx3-ubyte.gz", options: DataLoader.Options())
        #expect(source.count == 3 && source.labels == [2, 0, 1] && source.sampleShape == [1, 2, 2])
        #expect(try source.batch([1]).inputs == [4, 5, 6, 7].map { Float($0) / 255 })
        // Through the model's transform: 2x2 images become 4x4.
        let t = try DataLoader.open(root + "/train-images-idx3-ubyte.gz", options: DataLoader.Options(transform: Self.transform))
        #expect(t.sampleShape == [3, 4, 4])
        // i32 big-endian, and damage.
        let ints = try IDXFile.parse([0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE], name: "i")
        #expect(try ints.integers() == [256, -2])
        #expect(throws: DataError.self) { _ = try IDXFile.parse(Array(images.dropLast()), name: "short") }
        #expect(throws: DataError.self) { _ = try IDXFile.parse([0, 0, 0x08, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], name: "huge") }
        #expect(IDXFile.conventionalLabels(for: "/d/t10k-images-idx3-ubyte.gz") == "/d/t10k-labels-idx1-ubyte.gz")
        #expect(IDXFile.conventionalLabels(for: "/d/mine.idx") == nil)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")))
    func fashionMNISTAsDebianInstallsIt() throws {
        let source = try DataLoader.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", options: DataLoader.Options())
        #expect(source.count == 10_000 && source.sampleShape == [1, 28, 28])
        #expect(Set(source.labels) == Set(0..<10))
        #expect(source.labels.filter { $0 == 3 }.count == 1000)
    }

    @Test func npzAndNpyArrays() throws {
        let root = Fixtures.folder("npz")
        let x = NumpyArray(floats: (0..<12).map(Float.init), shape: [3, 4])
        let y = NumpyArray(integers: [1, 0, 1], shape: [3])
        let npz = Fixtures.write(NumpyArchive.serialized([("x", x), ("y", y)]), to: root + "/d.npz")
        let rows = try DataLoader.open(npz, options: DataLoader.Options())
        #expect(rows.count == 3 && rows.labels == [1, 0, 1] && rows.sampleShape == [4] && rows.isInMemory)
        #expect(try rows.batch([2]).inputs == [8, 9, 10, 11])
        // uint8 arrays of 3 or 4 dimensions are images.
        let images = NumpyArray(dtype: .u1, shape: [2, 3, 5, 5], data: (0..<150).map { UInt8($0) })
        let pics = Fixtures.write(NumpyArchive.serialized([("x", images)]), to: root + "/p.npz")
        let source = try DataLoader.open(pics, options: DataLoader.Options(transform: Self.transform))
        #expect(source.count == 2 && !source.hasLabels && source.sampleShape == [3, 4, 4])
        // .npy inputs with a labels file.
        let xs = Fixtures.write(x.serialized(), to: root + "/x.npy")
        let ys = Fixtures.write(y.serialized(), to: root + "/y.npy")
        #expect(try DataLoader.open(xs, options: DataLoader.Options(labels: ys)).labels == [1, 0, 1])
        #expect(!(try DataLoader.open(xs, options: DataLoader.Options())).hasLabels)
        for (name, bad) in [("no x", NumpyArchive.serialized([("y", y)])),
                            ("float labels", NumpyArchive.serialized([("x", x), ("y", NumpyArray(floats: [1, 0, 1], shape: [3]))])),
                            ("count", NumpyArchive.serialized([("x", x), ("y", NumpyArray(integers: [1, 0], shape: [2]))])),
                            ("negative", NumpyArchive.serialized([("x", x), ("y", NumpyArray(integers: [1, -1, 0], shape: [3]))]))] {
            let path = Fixtures.write(bad, to: root + "/bad.npz")
            #expect(throws: DataError.self, "\(name)") { _ = try DataLoader.open(path, options: DataLoader.Options()) }
        }
    }

    @Test func digestsFollowContentNotLocation() throws {
        let a = Fixtures.folder("digest-a"), b = Fixtures.folder("digest-b")
        let png = try ImageEncoder.png(Fixtures.gradient(width: 6, height: 5, channels: 3))
        for root in [a, b] { Fixtures.write(png, to: root + "/cat/1.png"); Fixtures.write(png, to: root + "/dog/2.png") }
        let options = DataLoader.Options(transform: Self.transform)
        let da = try DataLoader.open(a, options: options).contentDigest()
        #expect(da == (try DataLoader.open(b, options: options).contentDigest()))
        Fixtures.write(try ImageEncoder.png(Fixtures.gradient(width: 6, height: 5, channels: 3, seed: 1)), to: b + "/dog/2.png")
        #expect(da != (try DataLoader.open(b, options: options).contentDigest()))
        var other = options
        other.transform = try ImageTransform(ImagePreprocessing(resize: nil, crop: [5, 5], mean: [0], std: [1]))
        #expect(da != (try DataLoader.open(a, options: other).contentDigest()))
        let rows = Dataset(features: [1, 2, 3, 4], featureCount: 2, labels: [0, 1])
        #expect(try rows.contentDigest() != (try rows.subset([1, 0]).contentDigest()))
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = Fixtures.folder("gz")
        let path = Fixtures.write(bytes, to: folder + "/f")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-kn", path]
        try p.run()
        p.waitUntilExit()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
    }
}
