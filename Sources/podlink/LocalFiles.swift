import Foundation
import Glibc
import PodlinkArchive

/// The files a transfer reads from or writes to on this side of the connection.
enum LocalFiles {
    /// A file opened for reading: `path`, standard input for `-` or nil (not a terminal), or a directory packed
    /// into a temporary tar first (an OCI layout, a tree to copy). ``close()`` removes what was made.
    struct Input {
        let fd: Int32
        let temporary: String?

        func close() {
            if fd != 0 { _ = Glibc.close(fd) }
            if let temporary { unlink(temporary) }
        }
    }

    /// Opens `path` to be sent (`-` or nil: standard input). A directory is sent as a tar of its contents, or of
    /// it under `name` when given.
    static func input(_ path: String?, directoryAs name: String = "") throws -> Input {
        guard let path, path != "-" else {
            guard isatty(0) == 0 else { throw CLIError("refusing to read an archive from a terminal: give a file") }
            return Input(fd: 0, temporary: nil)
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CLIError("\(path): \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR || !name.isEmpty {
            return try packed(path, as: name)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("\(path): \(String(cString: strerror(errno)))") }
        return Input(fd: fd, temporary: nil)
    }

    /// A tar of `path` (entries under `name`; its contents at the top when empty) in a temporary file.
    static func packed(_ path: String, as name: String) throws -> Input {
        let (fd, temporary) = try temporaryFile(in: NSTemporaryDirectory())
        do {
            try CopyArchive.pack(path, as: name, to: fd)
        } catch {
            _ = Glibc.close(fd)
            unlink(temporary)
            throw CLIError("\(path): \(error)")
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw CLIError("seek: \(String(cString: strerror(errno)))") }
        return Input(fd: fd, temporary: temporary)
    }

    /// A new file `directory/.podlink-XXXXXX` (0600), open for reading and writing.
    static func temporaryFile(in directory: String) throws -> (fd: Int32, path: String) {
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
        template += Array(".podlink-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CLIError("\(directory): \(String(cString: strerror(errno)))") }
        return (fd, String(cString: template))
    }

    /// Runs `body` with a descriptor to write `path` through (`-` or nil: standard output, not a terminal): the
    /// bytes go to a file beside it, renamed into place once `body` returns, removed when it throws.
    static func output(_ path: String?, _ body: (Int32) async throws -> Void) async throws {
        guard let path, path != "-" else {
            guard isatty(1) == 0 else { throw CLIError("refusing to write an archive to a terminal: use -o FILE") }
            try await body(1)
            return
        }
        let (fd, temporary) = try temporaryFile(in: Paths.parent(path))
        do {
            try await body(fd)
            guard fchmod(fd, 0o644 & ~currentUmask()) == 0, Glibc.close(fd) == 0, rename(temporary, path) == 0 else {
                throw CLIError("\(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            _ = Glibc.close(fd)
            unlink(temporary)
            throw error
        }
    }

    private static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }
}
