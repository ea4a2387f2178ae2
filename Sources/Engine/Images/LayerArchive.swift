internal import CArchive
internal import CSpawn
internal import Glibc
internal import PodlinkArchive

/// Tar archives through libarchive: digests of uncompressed streams, layer extraction with OCI whiteouts, export.
enum LayerArchive {
    /// How whiteout entries (`.wh.NAME`, `.wh..wh..opq`) are treated.
    enum WhiteoutMode {
        /// Kept out of the tree and turned into overlayfs whiteouts (char device 0/0, `trusted.overlay.opaque`).
        case overlay
        /// Applied at once: the named files are deleted from the tree being built (copy fallback).
        case apply
        /// No special meaning (plain archives such as an `oci-archive`).
        case none
    }

    private static func check(_ archive: OpaquePointer?, _ rc: Int32, _ what: String) throws(EngineError) {
        if rc < ARCHIVE_WARN {
            let message = archive_error_string(archive).map { String(cString: $0) } ?? "error \(rc)"
            throw .internalError("\(what): \(message)")
        }
    }

    /// `sha256:<hex>` and size of the uncompressed stream of `path` (gzip, zstd, xz or none).
    static func uncompressedDigest(of path: String) throws(EngineError) -> (digest: String, size: Int64) {
        guard let reader = archive_read_new() else { throw .internalError("archive_read_new") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_all(reader)
        archive_read_support_format_raw(reader)
        try check(reader, archive_read_open_filename(reader, path, 1 << 18), "open \(path)")
        var entry: OpaquePointer?
        try check(reader, archive_read_next_header(reader, &entry), "read \(path)")
        var sha = SHA256Digest()
        var size: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = archive_read_data(reader, buffer.baseAddress, buffer.count)
            if n < 0 { try check(reader, Int32(n), "read \(path)") }
            if n <= 0 { break }
            sha.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += Int64(n)
        }
        return ("sha256:" + sha.finalizeHex(), size)
    }

    /// The entry's path made relative and checked: no `..` component, no NUL.
    static func sanitize(_ name: String) -> String? {
        var parts: [Substring] = []
        for part in name.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { return nil }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// Throws when a component of `relative` below `directory` is a symlink.
    static func refuseSymlinks(in relative: String, below directory: String) throws(EngineError) {
        var path = directory
        for part in relative.split(separator: "/") {
            path += "/" + part
            var st = stat()
            if lstat(path, &st) != 0 { return }
            if (st.st_mode & Glibc.S_IFMT) == Glibc.S_IFLNK {
                throw .invalidArgument("layer", "whiteout below the symlink \(relative) refused")
            }
        }
    }

    /// Removes extended attributes in the `trusted.overlay.` namespace from an entry: only the engine's own
    /// whiteout handling may make overlayfs metadata (an opaque or redirect attribute from a layer could hide or
    /// redirect files of the layers below).
    static func dropOverlayAttributes(_ entry: OpaquePointer) {
        guard archive_entry_xattr_reset(entry) > 0 else { return }
        var kept: [(String, [UInt8])] = []
        var dropped = false
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK {
            guard let name else { continue }
            let text = String(cString: name)
            if text.hasPrefix("trusted.overlay.") {
                dropped = true
                continue
            }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            kept.append((text, bytes))
        }
        guard dropped else { return }
        archive_entry_xattr_clear(entry)
        for (text, bytes) in kept {
            bytes.withUnsafeBytes { archive_entry_xattr_add_entry(entry, text, $0.baseAddress, $0.count) }
        }
    }

    /// Extracts the (possibly compressed) tar at `path` into `directory`, treating whiteouts per `whiteouts`.
    static func extract(_ path: String, into directory: String, whiteouts: WhiteoutMode) throws(EngineError) {
        guard let reader = archive_read_new() else { throw .internalError("archive_read_new") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_all(reader)
        archive_read_support_format_tar(reader)
        archive_read_support_format_gnutar(reader)
        guard let writer = archive_write_disk_new() else { throw .internalError("archive_write_disk_new") }
        defer { archive_write_free(writer) }
        let flags =
            ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR
            | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_UNLINK
        // No user or group lookup: owners are the numeric ids the archive records, never the host's names.
        archive_write_disk_set_options(writer, flags)
        try check(reader, archive_read_open_filename(reader, path, 1 << 18), "open \(path)")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            var entry: OpaquePointer?
            let rc = archive_read_next_header(reader, &entry)
            if rc == ARCHIVE_EOF { break }
            try check(reader, rc, "read \(path)")
            guard let entry, let rawName = archive_entry_pathname(entry) else { continue }
            guard let name = sanitize(String(cString: rawName)) else {
                throw .invalidArgument("layer", "entry \(String(cString: rawName)) leaves the root")
            }
            if name.isEmpty { continue }
            let base = name.split(separator: "/").last.map(String.init) ?? name
            let parentRelative = name.contains("/") ? String(name[..<name.lastIndex(of: "/")!]) : ""
            let parent = parentRelative.isEmpty ? directory : directory + "/" + parentRelative
            if whiteouts != .none && base.hasPrefix(".wh.") {
                let hidden = String(base.dropFirst(4))
                guard
                    base == ".wh..wh..opq"
                        || (!hidden.isEmpty && hidden != "." && hidden != ".."
                            && !hidden.hasPrefix(".wh."))
                else {
                    throw .invalidArgument("layer", "whiteout \(name) names nothing a whiteout can hide")
                }
                // A whiteout must not reach through a symlink the archive planted (etc -> /host/etc).
                try refuseSymlinks(in: parentRelative, below: directory)
                try FileSystem.makeDirectories(parent)
                if base == ".wh..wh..opq" {
                    if whiteouts == .overlay {
                        guard setxattr(parent, "trusted.overlay.opaque", "y", 1, 0) == 0 else {
                            throw .system("setxattr opaque \(parent)", errno)
                        }
                    } else {
                        for child in FileSystem.list(parent) { try FileSystem.removeTree(parent + "/" + child) }
                    }
                } else {
                    let target = parent + "/" + String(base.dropFirst(4))
                    try FileSystem.removeTree(target)
                    if whiteouts == .overlay {
                        guard mknod(target, S_IFCHR | 0o000, 0) == 0 else { throw .system("mknod \(target)", errno) }
                    }
                }
                continue
            }
            Self.dropOverlayAttributes(entry)
            archive_entry_set_pathname(entry, directory + "/" + name)
            if let link = archive_entry_hardlink(entry) {
                guard let target = sanitize(String(cString: link)) else {
                    throw .invalidArgument("layer", "hard link \(String(cString: link)) leaves the root")
                }
                archive_entry_set_hardlink(entry, directory + "/" + target)
            }
            try check(writer, archive_write_header(writer, entry), "extract \(name)")
            if archive_entry_size(entry) > 0 {
                do throws(ArchiveData.Failure) {
                    try ArchiveData.copy(from: reader, to: writer, through: buffer)
                } catch {
                    throw .internalError("\(error.reading ? "read" : "write") \(name): \(error.message)")
                }
            }
            try check(writer, archive_write_finish_entry(writer), "finish \(name)")
        }
        try check(writer, archive_write_close(writer), "close")
    }

    /// Writes a tar (pax) of the tree at `directory` to `fd`, entries relative to the root, as it walks.
    static func export(_ directory: String, to fd: Int32) throws(EngineError) {
        try export([(directory, "")], to: fd)
    }

    /// Writes one tar (pax) of several trees to `fd`: each tree's entries below its prefix (at the top when empty).
    static func export(_ trees: [(directory: String, prefix: String)], to fd: Int32) throws(EngineError) {
        guard let writer = archive_write_new() else { throw .internalError("archive_write_new") }
        defer { archive_write_free(writer) }
        try check(writer, archive_write_set_format_pax_restricted(writer), "tar format")
        archive_write_set_bytes_in_last_block(writer, 1)
        try check(writer, archive_write_open_fd(writer, fd), "open output")
        guard let disk = archive_read_disk_new() else { throw .internalError("archive_read_disk_new") }
        defer { archive_read_free(disk) }
        // Links are archived as links; owners as the container's numeric ids (no lookup in the host's files).
        archive_read_disk_set_symlink_physical(disk)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        guard let entry = archive_entry_new() else { throw .internalError("archive_entry_new") }
        defer { archive_entry_free(entry) }
        for (directory, prefix) in trees {
            try check(disk, archive_read_disk_open(disk, directory), "open \(directory)")
            defer { archive_read_close(disk) }
            while true {
                archive_entry_clear(entry)
                let rc = archive_read_next_header2(disk, entry)
                if rc == ARCHIVE_EOF { break }
                // An entry that vanished while the walk reached it (a running container changes its tree).
                if rc == ARCHIVE_FAILED { continue }
                try check(disk, rc, "walk \(directory)")
                archive_read_disk_descend(disk)
                guard let raw = archive_entry_pathname(entry) else { continue }
                let full = String(cString: raw)
                var relative = full.hasPrefix(directory) ? String(full.dropFirst(directory.count)) : full
                while relative.hasPrefix("/") { relative.removeFirst() }
                if relative.isEmpty && prefix.isEmpty { continue }
                let isDirectory = (archive_entry_filetype(entry) & UInt32(Glibc.S_IFMT)) == UInt32(Glibc.S_IFDIR)
                let stored = prefix.isEmpty ? relative : relative.isEmpty ? prefix : prefix + "/" + relative
                archive_entry_set_pathname(entry, isDirectory ? stored + "/" : stored)
                try check(writer, archive_write_header(writer, entry), "write header \(relative)")
                if archive_entry_size(entry) > 0
                    && (archive_entry_filetype(entry) & UInt32(Glibc.S_IFMT)) == UInt32(Glibc.S_IFREG)
                {
                    // The data comes from the inode the walk listed, opened beneath the tree through no symbolic
                    // link: a container that swaps a directory for a link meanwhile cannot point the export at a
                    // host file. A file that changed so gets no data (the archive pads it with zeros).
                    if let file = try? SafeFile.openRegular(relative, beneath: directory, .noSymlinks) {
                        defer { close(file.fd) }
                        var info = stat()
                        if fstat(file.fd, &info) == 0, UInt64(info.st_ino) == UInt64(archive_entry_ino64(entry)),
                            UInt64(info.st_dev) == UInt64(archive_entry_dev(entry))
                        {
                            var left = Int(archive_entry_size(entry))
                            while left > 0 {
                                let n = read(file.fd, buffer.baseAddress, min(buffer.count, left))
                                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                                if n <= 0 { break }
                                let w = archive_write_data(writer, buffer.baseAddress, n)
                                if w < 0 { try check(writer, Int32(w), "write \(relative)") }
                                left -= n
                            }
                        }
                    }
                }
            }
        }
        try check(writer, archive_write_close(writer), "close tar")
    }
}
