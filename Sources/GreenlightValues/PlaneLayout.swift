/// Where one plane of a decoded picture (luma, a chroma plane or alpha) lies in memory: no copy
/// of the samples, and no ownership of them.
///
/// Rows are `bytesPerRow` apart (which may exceed `width * bytesPerSample`). Samples are 8-bit
/// (`bytesPerSample == 1`) or little-endian 16-bit words holding `bitDepth` bits. A layout is only
/// as valid as the frame it describes; whoever lends it says for how long. Its accessors are
/// inlinable: analyzers in other modules call them per sample.
public struct PlaneLayout {
    public let baseAddress: UnsafeRawPointer
    public let width: Int
    public let height: Int
    public let bytesPerRow: Int
    public let bytesPerSample: Int
    public let bitDepth: Int

    public init(baseAddress: UnsafeRawPointer, width: Int, height: Int, bytesPerRow: Int, bytesPerSample: Int, bitDepth: Int) {
        self.baseAddress = baseAddress
        self.width = width
        self.height = height
        self.bytesPerRow = bytesPerRow
        self.bytesPerSample = bytesPerSample
        self.bitDepth = bitDepth
    }

    /// Row `y` as 8-bit samples (only when `bytesPerSample == 1`).
    @inlinable @inline(__always)
    public func row8(_ y: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (baseAddress + y * bytesPerRow).assumingMemoryBound(to: UInt8.self), count: width)
    }

    /// The code value at (`x`, `y`), 8- or 16-bit.
    @inlinable @inline(__always)
    public func sample(_ x: Int, _ y: Int) -> Int {
        bytesPerSample == 1 ? Int(row8(y)[x]) : Int(row16(y)[x])
    }

    /// Row `y` as 16-bit samples (only when `bytesPerSample == 2`).
    @inlinable @inline(__always)
    public func row16(_ y: Int) -> UnsafeBufferPointer<UInt16> {
        UnsafeBufferPointer(start: (baseAddress + y * bytesPerRow).assumingMemoryBound(to: UInt16.self), count: width)
    }
}
