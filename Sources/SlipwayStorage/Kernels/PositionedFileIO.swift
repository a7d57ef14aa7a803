#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-buffer positioned file I/O (`pwrite`/`pread` until every byte is done, retrying interrupted calls): the
/// prediction log's payload segments. Here because it hands the kernel a pointer into an array.
public enum PositionedFileIO {
    /// Writes all of `bytes` at `offset` of `descriptor`; nil when done, else the `errno` of the failed call.
    public static func write(_ bytes: [UInt8], to descriptor: Int32, at offset: Int64) -> Int32? {
        var done = 0
        while done < bytes.count {
            // Safe because: the pointer is used only during the call, for the `bytes.count - done` bytes left.
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return pwrite(descriptor, base + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n < 0 ? errno : EIO }
            done += n
        }
        return nil
    }

    /// Reads `count` bytes at `offset` of `descriptor`: all of them, or fewer when the file ends first; the `errno`
    /// of a failed call otherwise.
    public static func read(count: Int, from descriptor: Int32, at offset: Int64) -> Result<[UInt8], PositionedFileIOError> {
        var bytes = [UInt8](repeating: 0, count: max(0, count))
        var done = 0
        while done < bytes.count {
            // Safe because: the pointer is used only during the call, for the `bytes.count - done` bytes left.
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return pread(descriptor, base + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(PositionedFileIOError(code: errno)) }
            if n == 0 { break }
            done += n
        }
        return .success(done == bytes.count ? bytes : Array(bytes[0..<done]))
    }
}

/// A failed positioned read: the `errno` it returned.
public struct PositionedFileIOError: Error, Sendable {
    /// The `errno` value.
    public var code: Int32
}
