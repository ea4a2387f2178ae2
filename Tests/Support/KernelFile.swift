#if canImport(Glibc)
import Glibc
#endif

/// Files of /proc, read whole. Foundation reads a file that reports no size with a single read of about 4 KiB, so
/// a mount table longer than that comes back cut short, and a mount near its end looks absent.
public enum KernelFile {
    /// The whole of `path` as UTF-8 text, or nil when it cannot be opened.
    public static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The mount points in the mount table of process `pid` (this process by default).
    public static func mountPoints(of pid: String = "self") -> [String] {
        (read("/proc/\(pid)/mountinfo") ?? "").split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 ? String(fields[4]) : nil
        }
    }
}
