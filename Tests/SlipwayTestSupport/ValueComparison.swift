public import SlipwayEngine
public import SlipwayTensor

/// Compares engine values with expected ones: exact for integers, bools and strings; numpy `isclose`
/// for floats (NaN equals NaN, infinities exactly).
public enum ValueComparison {
    /// nil when equal within tolerance, else a description of the first difference.
    public static func difference(_ actual: Value, _ expected: Value, rtol: Double, atol: Double, shapeOnly: Bool = false) -> String? {
        switch (actual, expected) {
        case (.tensor(let a), .tensor(let e)):
            return difference(a, e, rtol: rtol, atol: atol, shapeOnly: shapeOnly)
        case (.sequence(let a), .sequence(let e)):
            guard a.elements.count == e.elements.count else {
                return "sequence length \(a.elements.count), expected \(e.elements.count)"
            }
            for (i, (x, y)) in zip(a.elements, e.elements).enumerated() {
                if let d = difference(x, y, rtol: rtol, atol: atol, shapeOnly: shapeOnly) { return "element \(i): \(d)" }
            }
            return nil
        case (.optional(let a, _), .optional(let e, _)):
            switch (a, e) {
            case (nil, nil): return nil
            case (let x?, let y?): return difference(x, y, rtol: rtol, atol: atol, shapeOnly: shapeOnly)
            default: return "optional presence differs: got \(a == nil ? "empty" : "a value"), expected \(e == nil ? "empty" : "a value")"
            }
        case (.optional(let a?, _), _):
            return difference(a, expected, rtol: rtol, atol: atol, shapeOnly: shapeOnly)
        case (_, .optional(let e?, _)):
            return difference(actual, e, rtol: rtol, atol: atol, shapeOnly: shapeOnly)
        case (.map(let a), .map(let e)):
            return difference(a.values, e.values, rtol: rtol, atol: atol, shapeOnly: shapeOnly)
        default:
            return "kind \(actual.type), expected \(expected.type)"
        }
    }

    public static func difference(_ a: Tensor, _ e: Tensor, rtol: Double, atol: Double, shapeOnly: Bool = false) -> String? {
        guard a.dataType == e.dataType else { return "datatype \(a.dataType), expected \(e.dataType)" }
        guard a.shape == e.shape else { return "shape \(a.shape), expected \(e.shape)" }
        if shapeOnly { return nil }
        if let x = a.elements(as: String.self), let y = e.elements(as: String.self) {
            for i in 0..<x.count where x[i] != y[i] { return "element \(i): \"\(x[i])\", expected \"\(y[i])\"" }
            return nil
        }
        if case .lowPrecision(let x) = a.storage, case .lowPrecision(let y) = e.storage {
            // Low-precision results are exact: same code, or NaN for both (NaN has several codes).
            let (u, v) = (x.floats(), y.floats())
            for i in 0..<x.count where x.codes[i] != y.codes[i] && !(u[i].isNaN && v[i].isNaN) {
                return "element \(i): \(u[i]) (code \(x.codes[i])), expected \(v[i]) (code \(y.codes[i]))"
            }
            return nil
        }
        if e.dataType.isFloatingPoint {
            guard let x = a.doubles(), let y = e.doubles() else { return "not numeric" }
            for i in 0..<x.count {
                let (u, v) = (x[i], y[i])
                if u.isNaN && v.isNaN { continue }
                if v.isInfinite || u.isInfinite {
                    if u != v { return "element \(i): \(u), expected \(v)" }
                    continue
                }
                if !(abs(u - v) <= atol + rtol * abs(v)) { return "element \(i): \(u), expected \(v) (rtol \(rtol), atol \(atol))" }
            }
            return nil
        }
        if case .uint64(let x) = a.storage, case .uint64(let y) = e.storage {
            for i in 0..<x.count where x[i] != y[i] { return "element \(i): \(x[i]), expected \(y[i])" }
            return nil
        }
        if case .bool(let x) = a.storage, case .bool(let y) = e.storage {
            for i in 0..<x.count where x[i] != y[i] { return "element \(i): \(x[i]), expected \(y[i])" }
            return nil
        }
        guard let x = a.integers(), let y = e.integers() else { return "not comparable" }
        for i in 0..<x.count where x[i] != y[i] { return "element \(i): \(x[i]), expected \(y[i])" }
        return nil
    }
}
