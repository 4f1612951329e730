/// Splits `count` consecutive indices from `first` of a batch laid out image after image
/// (`imageColumns` each) into runs within one image: `body(offset, image, position, length)` for
/// indices `first + offset ..< first + offset + length`, which are positions
/// `position ..< position + length` of `image`.
@inline(__always)
func forEachImageRun(from first: Int, count: Int, imageColumns: Int, _ body: (_ offset: Int, _ image: Int, _ position: Int, _ length: Int) -> Void) {
    var t = 0
    while t < count {
        let index = first + t
        let image = index / imageColumns, position = index - image * imageColumns
        let length = min(count - t, imageColumns - position)
        body(t, image, position, length)
        t += length
    }
}
