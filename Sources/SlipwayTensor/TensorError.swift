/// An error about tensor construction or conversion (a shape that does not fit the data, a wrong type).
public struct TensorError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
