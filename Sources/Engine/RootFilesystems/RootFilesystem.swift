internal import CArchive
internal import CSpawn
internal import Glibc

/// Container root filesystems: an overlay mount over the image's layers, or a copy where overlay cannot mount.
enum RootFilesystem {
    /// Mounts overlay at `target` with the layers (bottom first) below `upper`; returns false when the kernel
    /// refuses (the caller then copies).
    static func mountOverlay(layers: [String], upper: String, work: String, target: String) throws(EngineError) -> Bool
    {
        let options = "lowerdir=" + layers.reversed().joined(separator: ":") + ",upperdir=" + upper + ",workdir=" + work
        if mount("overlay", target, "overlay", 0, options) == 0 { return true }
        let error = errno
        if error == EINVAL || error == ENODEV || error == EPERM || error == ENOTSUP { return false }
        throw .system("mount overlay on \(target)", error)
    }

    /// Unmounts `target`; not mounted is fine.
    static func unmount(_ target: String) throws(EngineError) {
        if umount2(target, Int32(MNT_DETACH)) != 0 && errno != EINVAL && errno != ENOENT {
            throw .system("unmount \(target)", errno)
        }
    }

    /// Whether `path` is a mount point (its device differs from its parent's).
    static func isMountPoint(_ path: String) -> Bool {
        var st = stat()
        var parent = stat()
        guard stat(path, &st) == 0, stat(path + "/..", &parent) == 0 else { return false }
        return st.st_dev != parent.st_dev
    }

    /// Builds a plain directory tree at `target` by applying each layer (bottom first), honouring the overlay
    /// whiteouts stored in them.
    static func copyLayers(_ layers: [String], into target: String) throws(EngineError) {
        try FileSystem.makeDirectories(target)
        for layer in layers { try apply(layer, onto: target) }
    }

    private static func apply(_ source: String, onto target: String) throws(EngineError) {
        for name in FileSystem.list(source) {
            let from = source + "/" + name
            let to = target + "/" + name
            var st = stat()
            guard lstat(from, &st) == 0 else { throw .system("lstat \(from)", errno) }
            let type = st.st_mode & S_IFMT
            if type == S_IFCHR && st.st_rdev == 0 {
                try FileSystem.removeTree(to)
                continue
            }
            if type == S_IFDIR {
                var opaque = [CChar](repeating: 0, count: 2)
                let opaqueSize = getxattr(from, "trusted.overlay.opaque", &opaque, 2)
                if opaqueSize == 1 && opaque[0] == CChar(UInt8(ascii: "y")) { try FileSystem.removeTree(to) }
                var existing = stat()
                let isRealDirectory = lstat(to, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFDIR
                // A symlink from a lower layer is replaced, never followed (it may point outside the tree).
                if !isRealDirectory {
                    try FileSystem.removeTree(to)
                    guard mkdir(to, st.st_mode & 0o7777) == 0 else { throw .system("mkdir \(to)", errno) }
                }
                lchown(to, st.st_uid, st.st_gid)
                chmod(to, st.st_mode & 0o7777)
                try apply(from, onto: to)
                continue
            }
            try FileSystem.removeTree(to)
            if type == S_IFLNK {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(from, &buffer, buffer.count - 1)
                guard n >= 0 else { throw .system("readlink \(from)", errno) }
                buffer[n] = 0
                guard symlink(buffer, to) == 0 else { throw .system("symlink \(to)", errno) }
            } else if type == S_IFREG {
                try FileSystem.write(to, try FileSystem.read(from), mode: st.st_mode & 0o7777)
                chmod(to, st.st_mode & 0o7777)
            } else {
                guard mknod(to, st.st_mode, st.st_rdev) == 0 else { throw .system("mknod \(to)", errno) }
            }
            lchown(to, st.st_uid, st.st_gid)
        }
    }
}
