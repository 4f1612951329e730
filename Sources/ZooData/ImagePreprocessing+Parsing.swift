import ZooModel

extension ImagePreprocessing {
    /// Parses a recipe as `zoo create --preprocessing` takes it: `imagenet` (torchvision's
    /// 256/224 recipe), or comma-separated `key=value` settings starting from it or from nothing:
    /// `resize=N|none`, `crop=N|HxW`, `mean=A:B:C`, `std=A:B:C`, `color=rgb|grayscale`,
    /// `interpolation=bilinear|bicubic|...`. Examples: `imagenet,color=grayscale,mean=0.5,std=0.5`;
    /// `resize=none,crop=28,color=grayscale,mean=0.2860,std=0.3530`.
    public init(parsing text: String) throws(DataError) {
        var items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var recipe: ImagePreprocessing
        if items.first?.lowercased() == "imagenet" {
            recipe = .imageNet
            items.removeFirst()
        } else {
            recipe = ImagePreprocessing(resize: nil, crop: [], mean: [0], std: [1])
        }
        func bad(_ why: String) -> DataError {
            DataError(.invalidArgument, "--preprocessing '\(text)': \(why); give imagenet or key=value settings (resize, crop, mean, std, color, interpolation)")
        }
        func numbers(_ v: String) throws(DataError) -> [Double] {
            var out: [Double] = []
            for part in v.split(separator: ":", omittingEmptySubsequences: false) {
                guard let d = Double(part), d.isFinite else { throw bad("'\(v)' is not a list of numbers separated by ':'") }
                out.append(d)
            }
            return out
        }
        func size(_ v: String) throws(DataError) -> Int {
            guard let n = Int(v), n >= 1, n <= 1 << 15 else { throw bad("'\(v)' is not a size from 1 to 32768") }
            return n
        }
        for item in items where !item.isEmpty {
            guard let eq = item.firstIndex(of: "=") else { throw bad("'\(item)' is not key=value") }
            let key = item[..<eq].lowercased(), value = String(item[item.index(after: eq)...])
            switch key {
            case "resize": recipe.resize = value.lowercased() == "none" ? nil : try size(value)
            case "crop":
                let parts = value.lowercased().split(separator: "x").map(String.init)
                guard parts.count == 1 || parts.count == 2 else { throw bad("crop '\(value)' is neither N nor HxW") }
                let h = try size(parts[0]), w = parts.count == 2 ? try size(parts[1]) : h
                recipe.crop = [h, w]
            case "mean": recipe.mean = try numbers(value)
            case "std": recipe.std = try numbers(value)
            case "color", "colour": recipe.color = value.lowercased()
            case "interpolation": recipe.interpolation = value.lowercased()
            default: throw bad("unknown setting '\(key)'")
            }
        }
        guard !recipe.crop.isEmpty else { throw bad("no crop size; add crop=N") }
        _ = try ImageTransform(recipe)
        self = recipe
    }
}
