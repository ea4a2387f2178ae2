internal import CArchive
internal import Glibc

/// Tar streams for copying files into and out of containers, as Docker's archive API: one file or tree packed
/// under a name, checked before anything is unpacked, and unpacked so that no entry lands outside its directory.
public enum CopyArchive {
    /// Reads and writes in pieces of this many bytes.
    static let chunk = 1 << 18

    static func check(_ archive: OpaquePointer?, _ rc: Int32, _ what: String) throws(CopyArchiveError) {
        if rc < ARCHIVE_WARN {
            let message = archive_error_string(archive).map { String(cString: $0) } ?? "error \(rc)"
            throw .failed("\(what): \(message)")
        }
    }

    /// ``ArchiveData/copy(from:to:through:)`` for the entry `name`, its failure in words.
    static func copyData(
        _ reader: OpaquePointer, _ writer: OpaquePointer, _ buffer: UnsafeMutableRawBufferPointer, _ name: String
    ) throws(CopyArchiveError) {
        do throws(ArchiveData.Failure) {
            try ArchiveData.copy(from: reader, to: writer, through: buffer)
        } catch {
            throw .failed("\(error.reading ? "read" : "write") \(name): \(error.message)")
        }
    }

    /// Writes a tar (pax) of the file or tree at `path` to `fd` (which stays open): entries named `name` and below
    /// it, or, with an empty `name`, the directory's contents at the top. Links are archived as links.
    public static func pack(_ path: String, as name: String, to fd: Int32) throws(CopyArchiveError) {
        guard let writer = archive_write_new() else { throw .failed("archive_write_new") }
        defer { archive_write_free(writer) }
        try check(writer, archive_write_set_format_pax_restricted(writer), "tar format")
        archive_write_set_bytes_in_last_block(writer, 1)
        try check(writer, archive_write_open_fd(writer, fd), "open output")
        guard let disk = archive_read_disk_new() else { throw .failed("archive_read_disk_new") }
        defer { archive_read_free(disk) }
        archive_read_disk_set_symlink_physical(disk)
        // Owners as numeric ids: names would be looked up in whatever passwd file this process sees.
        try check(disk, archive_read_disk_open(disk, path), "open \(path)")
        defer { archive_read_close(disk) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        guard let entry = archive_entry_new() else { throw .failed("archive_entry_new") }
        defer { archive_entry_free(entry) }
        while true {
            archive_entry_clear(entry)
            let rc = archive_read_next_header2(disk, entry)
            if rc == ARCHIVE_EOF { break }
            // Vanished while the walk reached it (a running container changes its tree).
            if rc == ARCHIVE_FAILED { continue }
            try check(disk, rc, "walk \(path)")
            archive_read_disk_descend(disk)
            guard let raw = archive_entry_pathname(entry) else { continue }
            let full = String(cString: raw)
            var relative = full.hasPrefix(path) ? String(full.dropFirst(path.count)) : full
            while relative.hasPrefix("/") { relative.removeFirst() }
            if relative.isEmpty && name.isEmpty { continue }
            let stored = name.isEmpty ? relative : relative.isEmpty ? name : name + "/" + relative
            let isDirectory = (archive_entry_filetype(entry) & UInt32(Glibc.S_IFMT)) == UInt32(Glibc.S_IFDIR)
            archive_entry_set_pathname(entry, isDirectory ? stored + "/" : stored)
            archive_entry_set_uname(entry, nil)
            archive_entry_set_gname(entry, nil)
            try check(writer, archive_write_header(writer, entry), "write \(stored)")
            guard archive_entry_size(entry) > 0,
                (archive_entry_filetype(entry) & UInt32(Glibc.S_IFMT)) == UInt32(Glibc.S_IFREG)
            else { continue }
            try copyData(disk, writer, buffer, stored)
        }
        try check(writer, archive_write_close(writer), "close tar")
    }
}
