internal import Glibc
internal import SystemPackage

extension FileSystem {
    /// Opens `path` (close-on-exec added, never following a final symlink when `O_NOFOLLOW` is in `flags`), runs
    /// `body` with it and closes it.
    static func withOpenFile<T>(
        _ path: String, flags: Int32 = O_RDONLY, mode: mode_t = 0o644,
        _ body: (FileDescriptor) throws(EngineError) -> T
    ) throws(EngineError) -> T {
        let fd = open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .system("open \(path)", errno) }
        let file = FileDescriptor(rawValue: fd)
        defer { try? file.close() }
        return try body(file)
    }

    /// Writes all of `bytes` to `file` (retrying short writes and interruptions).
    static func writeAll(_ file: FileDescriptor, _ bytes: some Sequence<UInt8>, path: String) throws(EngineError) {
        do {
            _ = try file.writeAll(bytes)
        } catch {
            throw .system("write \(path)", (error as? Errno)?.rawValue ?? EIO)
        }
    }

    /// Reads `file` to its end in chunks of `size` bytes, handing each to `body`.
    static func readChunks(
        _ file: FileDescriptor, size: Int = 1 << 16, path: String = "file",
        _ body: (UnsafeRawBufferPointer) throws(EngineError) -> Void
    ) throws(EngineError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do {
                count = try file.read(into: buffer)
            } catch {
                throw .system("read \(path)", (error as? Errno)?.rawValue ?? EIO)
            }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Everything left to read in `file`, or an error once more than `limit` bytes came.
    static func readAll(_ file: FileDescriptor, limit: Int = .max, path: String = "file") throws(EngineError) -> [UInt8]
    {
        var result: [UInt8] = []
        try readChunks(file, path: path) { (chunk) throws(EngineError) in
            guard result.count + chunk.count <= limit else {
                throw .invalidArgument("path", "\(path) is larger than \(limit) bytes")
            }
            result.append(contentsOf: chunk)
        }
        return result
    }
}
