/// The value at `fraction` (0…1) of `values` in ascending order: the element at index
/// `count × fraction` (rounded down) of the sorted values; nil when there are none.
/// `quantile(x, 0.5)` is the upper median, `quantile(x, 0.1)` the lowest decile.
public func quantile(_ values: [Double], _ fraction: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int(Double(sorted.count) * fraction)))]
}
