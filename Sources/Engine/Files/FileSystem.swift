internal import CArchive
internal import CSpawn
internal import FoundationEssentials
internal import Glibc
internal import SystemPackage

/// Small file-system helpers over the C library, throwing ``EngineError``.
enum FileSystem {
    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(EngineError) {
        if mkdir(path, mode) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw .system("mkdir \(path)", errno) }
        let parent = parent(of: path)
        if !parent.isEmpty && parent != path { try makeDirectories(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw .system("mkdir \(path)", errno) }
    }

    /// Makes `path` a directory only root can enter (0700, owned by this process's user), creating it and its
    /// parents (0755) when missing, and tightening one that exists with a looser mode. Refuses a symbolic link or
    /// a directory someone else owns.
    static func makePrivateDirectory(_ path: String) throws(EngineError) {
        let parent = parent(of: path)
        if !parent.isEmpty && parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .system("mkdir \(path)", errno) }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .system("stat \(path)", errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .invalidArgument("path", "\(path) is not a directory (a symbolic link is refused)")
        }
        guard info.st_uid == geteuid() else {
            throw .invalidArgument("path", "\(path) belongs to uid \(info.st_uid), not to this service's user")
        }
        if info.st_mode & 0o077 != 0 && chmod(path, 0o700) != 0 { throw .system("chmod \(path)", errno) }
    }

    /// Whether anything exists at `path` (a dangling symlink counts).
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Whether `path` is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Writes `bytes` to `path`, replacing it; the file gets `mode` even when it existed.
    static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(EngineError) {
        try withOpenFile(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode: mode) {
            (file) throws(EngineError) in
            guard fchmod(file.rawValue, mode) == 0 else { throw .system("chmod \(path)", errno) }
            try writeAll(file, bytes, path: path)
        }
    }

    /// Writes a string to `path`.
    static func write(_ path: String, _ text: String) throws(EngineError) {
        try write(path, Array(text.utf8))
    }

    /// Reads the whole file at `path`.
    static func read(_ path: String) throws(EngineError) -> [UInt8] {
        try withOpenFile(path) { (file) throws(EngineError) in try readAll(file, path: path) }
    }

    /// Reads a file as UTF-8 text, or nil when it cannot be read.
    static func readText(_ path: String) -> String? {
        guard let bytes = try? read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `path` without its last component (`/` for a top-level entry, empty for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The names in a directory (without `.` and `..`), or an empty list.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The value of an extended attribute, or nil.
    static func extendedAttribute(_ path: String, _ name: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { lgetxattr(path, name, $0.baseAddress, $0.count) }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// Total size in bytes of the regular files below `path`.
    static func diskUsage(_ path: String) -> Int64 {
        var total: Int64 = 0
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in list(path) { total += diskUsage(path + "/" + name) }
        } else if (st.st_mode & S_IFMT) == S_IFREG {
            total += Int64(st.st_size)
        }
        return total
    }
}
