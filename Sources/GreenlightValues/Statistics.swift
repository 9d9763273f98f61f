/// The value at `fraction` (0…1) of `values` in ascending order: the element at index
/// `count × fraction` (rounded down) of the sorted values; nil when there are none.
/// `quantile(x, 0.5)` is the upper median, `quantile(x, 0.1)` the lowest decile.
public func quantile(_ values: [Double], _ fraction: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int(Double(sorted.count) * fraction)))]
}

/// Ordinary least squares: the coefficients `c` minimising Σ (rows[i]·c − targets[i])², by the
/// normal equations; nil when the rows do not determine them (fewer rows than unknowns, or
/// collinear columns).
public func leastSquares(_ rows: [[Double]], _ targets: [Double]) -> [Double]? {
    guard let k = rows.first?.count, k > 0, rows.count >= k, rows.count == targets.count else { return nil }
    var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    var b = [Double](repeating: 0, count: k)
    for (row, t) in zip(rows, targets) {
        for i in 0..<k {
            for j in 0..<k { a[i][j] += row[i] * row[j] }
            b[i] += row[i] * t
        }
    }
    return solveLinear(a, b)
}

/// Solves the square system `a · x = b` by Gaussian elimination with partial pivoting; nil when
/// `a` is singular.
public func solveLinear(_ a: [[Double]], _ b: [Double]) -> [Double]? {
    let k = b.count
    guard k > 0, a.count == k, a.allSatisfy({ $0.count == k }) else { return nil }
    var m = zip(a, b).map { $0 + [$1] }
    for col in 0..<k {
        guard let pivot = (col..<k).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[pivot][col]) > 1e-12 else { return nil }
        m.swapAt(col, pivot)
        for r in 0..<k where r != col {
            let f = m[r][col] / m[col][col]
            if f != 0 { for c in col...k { m[r][c] -= f * m[col][c] } }
        }
    }
    return (0..<k).map { m[$0][k] / m[$0][$0] }
}
