import Glibc
import PodlinkClient

/// Writes to standard output and standard error without buffering, so that streamed output and errors keep their
/// order.
enum Console {
    /// Writes `text` to standard output.
    static func out(_ text: String) { write(1, text) }

    /// Writes `text` and a line end to standard output.
    static func line(_ text: String) { write(1, text + "\n") }

    /// Writes `text` and a line end to standard error.
    static func note(_ text: String) { write(2, text + "\n") }

    /// Reports an error the way Podman does: `Error: ...` on standard error.
    static func error(_ error: any Error) { note("Error: " + Console.describe(error)) }

    /// An error in a person's words.
    static func describe(_ error: any Error) -> String {
        if let error = error as? CLIError { return error.message }
        return Podlink.describe(error)
    }

    /// Writes all of `bytes` to `fd`.
    static func write(_ fd: Int32, _ bytes: some Collection<UInt8>) {
        var bytes = Array(bytes)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    static func write(_ fd: Int32, _ text: String) { write(fd, Array(text.utf8)) }
}
