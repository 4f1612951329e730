import ZooModel

extension ImagePreprocessing {
    /// The recipe at another size (`--image-size N`): crop N × N, and the resize scaled by the
    /// same factor and rounded, so the crop keeps its share of the image (ImageNet's 256/224 at
    /// N = 96 resizes to 110). Without a resize the image goes straight to N × N.
    public func resized(to size: Int) -> ImagePreprocessing {
        var r = self
        if let resize, let h = crop.first, h > 0 {
            r.resize = max(1, Int((Double(size) * Double(resize) / Double(h)).rounded()))
        }
        r.crop = [size, size]
        return r
    }
}

extension ModelDescription {
    /// The description with an image input of `size` × `size` (`--image-size`): the input shape
    /// `[C, size, size]`, the card's preprocessing resized alike, and every layer's shapes
    /// recomputed. A model whose layers cannot take the new size (a dense layer after a flatten)
    /// is an error saying so.
    public func withImageSize(_ size: Int) throws(DataError) -> ModelDescription {
        guard size >= 1 && size <= 1 << 15 else { throw DataError(.invalidArgument, "--image-size \(size) must be from 1 to 32768") }
        guard let input, input.count == 3 else {
            throw DataError(.invalidArgument, "--image-size needs a model with an image input [C, H, W]; this one takes \(input.map { "\($0)" } ?? "no declared input")")
        }
        var d = self
        d.input = [input[0], size, size]
        d.metadata.preprocessing = metadata.preprocessing?.resized(to: size)
        do {
            return try d.withInferredShapes()
        } catch {
            throw DataError(.invalidArgument, "the model cannot take \(size)x\(size) images: \(error.message)")
        }
    }
}
