internal import CArchive
internal import Glibc

extension CopyArchive {
    /// The parts of an entry's name, or nil when it is absolute or climbs (`..`).
    static func components(_ name: String) -> [Substring]? {
        guard !name.hasPrefix("/") else { return nil }
        var parts: [Substring] = []
        for part in name.split(separator: "/") where part != "." {
            if part == ".." { return nil }
            parts.append(part)
        }
        return parts
    }

    /// Whether a symbolic link at `parts` (below a destination `depth` directories under the root) pointing at
    /// `target` stays within the root: an absolute target is read from the root, a relative one must not climb
    /// above it.
    static func linkStaysWithin(_ parts: [Substring], target: String, depth: Int) -> Bool {
        if target.hasPrefix("/") { return true }
        var level = depth + parts.count - 1
        for part in target.split(separator: "/") where part != "." {
            level += part == ".." ? -1 : 1
            if level < 0 { return false }
        }
        return true
    }

    /// Reads the whole tar at `fd` (which stays open) and refuses it when any entry would land outside the destination: an absolute
    /// name, a `..`, a hard link to such a name, or (when `linksBelowRoot` gives the destination's depth below the
    /// root the links are read in) a symbolic link that climbs above that root. Returns how many entries it holds.
    @discardableResult
    public static func verify(_ fd: Int32, linksBelowRoot depth: Int?) throws(CopyArchiveError) -> Int {
        guard let reader = archive_read_new() else { throw .failed("archive_read_new") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_all(reader)
        archive_read_support_format_tar(reader)
        archive_read_support_format_gnutar(reader)
        try check(reader, archive_read_open_fd(reader, fd, chunk), "open the archive")
        var count = 0
        while true {
            var entry: OpaquePointer?
            let rc = archive_read_next_header(reader, &entry)
            if rc == ARCHIVE_EOF { break }
            try check(reader, rc, "read the archive")
            guard let entry, let raw = archive_entry_pathname(entry) else { throw .failed("an entry without a name") }
            let name = String(cString: raw)
            guard let parts = components(name) else {
                throw .unsafe(name, "an absolute name or a `..` leaves the destination")
            }
            if let link = archive_entry_hardlink(entry) {
                guard components(String(cString: link)) != nil else {
                    throw .unsafe(name, "a hard link to \(String(cString: link)) leaves the destination")
                }
            }
            if let depth, let link = archive_entry_symlink(entry) {
                let target = String(cString: link)
                guard linkStaysWithin(parts, target: target, depth: depth) else {
                    throw .unsafe(name, "a symbolic link to \(target) leads out of the container")
                }
            }
            // The data is read through, so that a truncated archive is found now, not half-way through unpacking.
            try check(reader, archive_read_data_skip(reader), "read \(name)")
            count += 1
        }
        return count
    }

    /// Unpacks the tar read from `fd` (which stays open) into the directory `directory`, which must exist: permissions and times as the
    /// archive says, owned by this process; never through a symbolic link, never above `directory`. Call
    /// ``verify(_:linksBelowRoot:)`` first: this refuses what it meets, but after writing the entries before it.
    /// The process works in `directory` meanwhile (names stay relative, so links above it do not count), then
    /// returns to where it was.
    public static func unpack(_ fd: Int32, into directory: String) throws(CopyArchiveError) {
        guard let reader = archive_read_new() else { throw .failed("archive_read_new") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_all(reader)
        archive_read_support_format_tar(reader)
        archive_read_support_format_gnutar(reader)
        guard let writer = archive_write_disk_new() else { throw .failed("archive_write_disk_new") }
        defer { archive_write_free(writer) }
        archive_write_disk_set_options(
            writer,
            ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT
                | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK)
        try check(reader, archive_read_open_fd(reader, fd, chunk), "open the archive")
        let previous = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer {
            if previous >= 0 {
                _ = fchdir(previous)
                close(previous)
            }
        }
        guard chdir(directory) == 0 else { throw .failed("\(directory): \(String(cString: strerror(errno)))") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            var entry: OpaquePointer?
            let rc = archive_read_next_header(reader, &entry)
            if rc == ARCHIVE_EOF { break }
            try check(reader, rc, "read the archive")
            guard let entry, let raw = archive_entry_pathname(entry) else { continue }
            let name = String(cString: raw)
            guard let parts = components(name) else { throw .unsafe(name, "an absolute name or a `..`") }
            if parts.isEmpty { continue }
            archive_entry_set_pathname(entry, parts.joined(separator: "/"))
            if let link = archive_entry_hardlink(entry) {
                guard let target = components(String(cString: link)) else {
                    throw .unsafe(name, "a hard link that leaves the destination")
                }
                archive_entry_set_hardlink(entry, target.joined(separator: "/"))
            }
            try check(writer, archive_write_header(writer, entry), "unpack \(name)")
            if archive_entry_size(entry) > 0 { try copyData(reader, writer, buffer, name) }
            try check(writer, archive_write_finish_entry(writer), "finish \(name)")
        }
        try check(writer, archive_write_close(writer), "close")
    }
}
