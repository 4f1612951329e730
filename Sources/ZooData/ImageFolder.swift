import Foundation

/// The ImageFolder layout (torchvision's `datasets.ImageFolder`): one subfolder per class under a
/// root, class names the subfolder names sorted by code point, each class's files found by a
/// walk of its subfolder (nested folders too, following links), folders in sorted path order and
/// files sorted by name within each, so samples and class indices are the ones torchvision gives.
///
/// Files count when their extension is one of torchvision's image extensions (case-insensitive);
/// names starting with `.` (hidden files, `.ipynb_checkpoints`, macOS `._` files) are ignored,
/// where torchvision would take them in (formats/data.md).
public enum ImageFolder {
    /// The files and class names under `root`.
    public static func scan(_ root: String) throws(DataError) -> (files: [String], labels: [Int], classNames: [String]) {
        guard isFolder(root) else {
            throw DataError(.io, FileManager.default.fileExists(atPath: root)
                ? "'\(root)' is not a folder; an image folder has one subfolder per class"
                : "image folder '\(root)' does not exist; check the path")
        }
        let classes = try entries(root).filter { !$0.hasPrefix(".") && isFolder(join(root, $0)) }.sorted(by: codePointOrder)
        guard !classes.isEmpty else {
            throw DataError(.invalidData, "image folder '\(root)' has no class subfolders; put each class's images in a subfolder named after the class")
        }
        var files: [String] = [], labels: [Int] = []
        for (label, name) in classes.enumerated() {
            var visited = Set<String>()
            var folders: [String] = []
            try collectFolders(join(root, name), into: &folders, visited: &visited)
            var found: [String] = []
            for folder in folders.sorted(by: codePointOrder) {
                found += try entries(folder).filter { entry in
                    guard !entry.hasPrefix("."), let dot = entry.lastIndex(of: ".") else { return false }
                    let ext = entry[entry.index(after: dot)...].lowercased()
                    return ImageFormat.folderExtensions.contains(ext) && !isFolder(join(folder, entry))
                }.sorted(by: codePointOrder).map { join(folder, $0) }
            }
            guard !found.isEmpty else {
                throw DataError(.invalidData, "class folder '\(join(root, name))' has no image files (.png, .jpg, .jpeg, .ppm, .pgm); add images or remove the folder")
            }
            files += found
            labels += [Int](repeating: label, count: found.count)
        }
        return (files, labels, classes)
    }

    /// Python's string order: by Unicode code point, which is UTF-8 byte order.
    static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func entries(_ folder: String) throws(DataError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw DataError(.io, "cannot list folder '\(folder)': \(error.localizedDescription)")
        }
    }

    /// `folder` and every folder below it (links followed, each real folder once, so a link
    /// cycle ends).
    static func collectFolders(_ folder: String, into folders: inout [String], visited: inout Set<String>) throws(DataError) {
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else { return }
        folders.append(folder)
        for entry in try entries(folder).sorted(by: codePointOrder) where !entry.hasPrefix(".") {
            let path = join(folder, entry)
            if isFolder(path) { try collectFolders(path, into: &folders, visited: &visited) }
        }
    }
}
