/// Where a matrix operand lives inside a flat array: element (row, column) is at
/// `offset + row * rowStride + column * columnStride`.
///
/// A row-major `rows × columns` matrix has `rowStride = columns, columnStride = 1`; its transpose is the
/// same array read with the strides swapped.
struct GEMMLayout: Sendable, Hashable {
    var offset: Int
    var rowStride: Int
    var columnStride: Int

    init(offset: Int = 0, rowStride: Int, columnStride: Int) {
        self.offset = offset
        self.rowStride = rowStride
        self.columnStride = columnStride
    }

    /// A row-major matrix with `columns` columns, optionally read transposed.
    static func rowMajor(columns: Int, offset: Int = 0, transposed: Bool = false) -> GEMMLayout {
        transposed
            ? GEMMLayout(offset: offset, rowStride: 1, columnStride: columns)
            : GEMMLayout(offset: offset, rowStride: columns, columnStride: 1)
    }

    /// The largest flat index a `rows × columns` read touches (for bounds checks), or `offset - 1` when empty.
    func lastIndex(rows: Int, columns: Int) -> Int {
        guard rows > 0, columns > 0 else { return offset - 1 }
        return offset + (rows - 1) * rowStride + (columns - 1) * columnStride
    }
}

/// Errors for kernel calls whose arguments do not fit their arrays (a caller bug, reported, never a crash).
enum GEMMError {
    static func outOfBounds(_ what: String) -> EngineError {
        EngineError.runtime("GEMM: \(what) does not fit its array")
    }
}
