internal import CArchive
internal import CSpawn
internal import Glibc
internal import SystemPackage

/// Opening files that someone other than root may control (an image layout, an extracted archive, a container's
/// root filesystem) without letting them steer the open: resolved beneath a root by the kernel (openat2),
/// non-blocking (a FIFO cannot hang the caller), regular files only, read up to a size cap.
enum SafeFile {
    /// How a path below the root is resolved.
    enum Resolution {
        /// No symbolic link in any component (image layouts and archives the engine extracted).
        case noSymlinks
        /// Symbolic links resolved as if the root were `/` (a container's tree: its `/etc/passwd` may be a link).
        case inRoot
    }

    /// Opens the regular file `relative` below the directory `root`; returns its fd and size.
    static func openRegular(
        _ relative: String, beneath root: String, _ resolution: Resolution = .noSymlinks
    ) throws(EngineError) -> (fd: Int32, size: Int) {
        let rootFD = open(root, cspawn_o_path | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw .system("open \(root)", errno) }
        defer { close(rootFD) }
        let resolve: UInt64
        switch resolution {
        case .noSymlinks: resolve = cspawn_resolve_beneath | cspawn_resolve_no_symlinks
        case .inRoot: resolve = cspawn_resolve_in_root | cspawn_resolve_no_magiclinks
        }
        let path = relative.hasPrefix("/") ? String(relative.drop { $0 == "/" }) : relative
        let fd = cspawn_openat2(rootFD, path, UInt64(O_RDONLY | O_NONBLOCK | O_NOCTTY), resolve)
        guard fd >= 0 else {
            let failure: Int32 = -fd
            if failure == ELOOP || failure == EXDEV {
                throw .invalidArgument("path", "\(relative) in \(root) goes through a symbolic link or out of it")
            }
            throw .system("open \(relative) in \(root)", failure)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw .system("stat \(relative)", errno)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .invalidArgument("path", "\(relative) in \(root) is not a regular file")
        }
        return (fd, Int(info.st_size))
    }

    /// The bytes of the regular file `relative` below `root`, refused past `limit` bytes.
    static func read(
        _ relative: String, beneath root: String, _ resolution: Resolution = .noSymlinks, limit: Int
    ) throws(EngineError) -> [UInt8] {
        let (fd, size) = try openRegular(relative, beneath: root, resolution)
        defer { close(fd) }
        guard size <= limit else {
            throw .invalidArgument("path", "\(relative) is \(size) bytes, more than the \(limit) allowed")
        }
        return try FileSystem.readAll(FileDescriptor(rawValue: fd), limit: limit, path: relative)
    }
}
