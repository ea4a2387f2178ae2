// `struct stat`'s members: archive.h includes sys/stat.h, so Clang may give the struct to CArchive's module.
internal import CArchive
internal import Glibc

extension FileSystem {
    /// Removes `path` and everything below it, never following a symbolic link, however deep the tree: it works
    /// from one directory descriptor at a time (`openat`, `unlinkat`), never from paths, so a tree deeper than
    /// PATH_MAX that a container made goes too. Missing is fine; entries that vanish meanwhile (conmon removing its
    /// sockets as it exits) are fine; a directory that gains entries while it is emptied is emptied again.
    static func removeTree(_ path: String) throws(EngineError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .system("remove \(path)", errno)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            guard unlink(path) == 0 || errno == ENOENT else { throw .system("remove \(path)", errno) }
            return
        }
        let top = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard top >= 0 else { throw .system("open \(path)", errno) }
        let error = emptyDirectory(top, identity: (info.st_dev, info.st_ino))
        guard error == 0 else { throw .system("remove \(path)", error) }
        guard rmdir(path) == 0 || errno == ENOENT else { throw .system("remove \(path)", errno) }
    }

    /// Empties the directory open at `fd` (and closes it). Goes down into one subdirectory at a time and back up
    /// through `..`, checked against the device and inode it left, so that only two descriptors are open at any
    /// depth. Returns 0 or an errno value.
    private static func emptyDirectory(_ fd: Int32, identity: (dev_t, ino_t)) -> Int32 {
        var current = fd
        // The directories above the current one, and the name of each child gone into.
        var ancestors: [(dev: dev_t, ino: ino_t)] = [identity]
        var names: [String] = []
        defer { if current >= 0 { close(current) } }
        while true {
            // A directory found among the entries is gone into at once; the others are unlinked on the way.
            var child: String?
            var failure: Int32 = 0
            let copy = dup(current)
            guard copy >= 0, let directory = fdopendir(copy) else {
                let error = errno
                if copy >= 0 { close(copy) }
                return error
            }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                var info = stat()
                if fstatat(current, name, &info, AT_SYMLINK_NOFOLLOW) != 0 {
                    if errno == ENOENT { continue }
                    failure = errno
                    break
                }
                if info.st_mode & S_IFMT == S_IFDIR {
                    child = name
                    break
                }
                if unlinkat(current, name, 0) != 0 && errno != ENOENT {
                    failure = errno
                    break
                }
            }
            closedir(directory)
            if failure != 0 { return failure }
            if let child {
                let next = openat(current, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if next < 0 {
                    if errno == ENOENT { continue }
                    return errno
                }
                var info = stat()
                guard fstat(next, &info) == 0 else {
                    let error = errno
                    close(next)
                    return error
                }
                close(current)
                current = next
                ancestors.append((info.st_dev, info.st_ino))
                names.append(child)
                continue
            }
            // Empty: done at the top, else up to the parent through "..", which must be the directory left.
            guard let name = names.popLast() else { return 0 }
            ancestors.removeLast()
            let parent = openat(current, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard parent >= 0 else { return errno }
            var info = stat()
            guard fstat(parent, &info) == 0, info.st_dev == ancestors.last!.dev, info.st_ino == ancestors.last!.ino
            else {
                close(parent)
                return EXDEV
            }
            close(current)
            current = parent
            if unlinkat(current, name, AT_REMOVEDIR) != 0 && errno != ENOENT && errno != ENOTEMPTY { return errno }
        }
    }
}
