/// The value at `fraction` (0…1) of `values` in ascending order: the element at index
/// `count × fraction` (rounded down) of the sorted values; nil when there are none.
/// `quantile(x, 0.5)` is the upper median, `quantile(x, 0.1)` the lowest decile.
public func quantile(_ values: [Double], _ fraction: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int(Double(sorted.count) * fraction)))]
}

/// Ordinary least squares: the coefficients `c` minimising Σ (rows[i]·c − targets[i])², by the
/// normal equations and Gaussian elimination with partial pivoting; nil when the rows do not
/// determine them (fewer rows than unknowns, or collinear columns).
public func leastSquares(_ rows: [[Double]], _ targets: [Double]) -> [Double]? {
    guard let k = rows.first?.count, k > 0, rows.count >= k, rows.count == targets.count else { return nil }
    var a = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k)
    for (row, t) in zip(rows, targets) {
        for i in 0..<k {
            for j in 0..<k { a[i][j] += row[i] * row[j] }
            a[i][k] += row[i] * t
        }
    }
    for col in 0..<k {
        guard let pivot = (col..<k).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-12 else { return nil }
        a.swapAt(col, pivot)
        for r in 0..<k where r != col {
            let f = a[r][col] / a[col][col]
            if f != 0 { for c in col...k { a[r][c] -= f * a[col][c] } }
        }
    }
    return (0..<k).map { a[$0][k] / a[$0][$0] }
}
