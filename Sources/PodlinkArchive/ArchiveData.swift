internal import CArchive

/// The data of one archive entry moved between libarchive handles, shared by every reader and writer of tars.
public enum ArchiveData {
    /// Where moving an entry's data failed: the handle whose error string says why, and its code.
    public struct Failure: Error {
        /// The libarchive handle that failed (the reader or the writer).
        public let archive: OpaquePointer
        /// libarchive's code.
        public let code: Int32
        /// Whether the reader failed (else the writer).
        public let reading: Bool

        /// libarchive's words.
        public var message: String {
            archive_error_string(archive).map { String(cString: $0) } ?? "error \(code)"
        }
    }

    /// Moves the current entry's data from `reader` (a read or disk archive) to `writer`, through `buffer`.
    public static func copy(
        from reader: OpaquePointer, to writer: OpaquePointer, through buffer: UnsafeMutableRawBufferPointer
    ) throws(Failure) {
        while true {
            let n = archive_read_data(reader, buffer.baseAddress, buffer.count)
            if n < 0 { throw Failure(archive: reader, code: Int32(n), reading: true) }
            if n == 0 { return }
            let w = archive_write_data(writer, buffer.baseAddress, n)
            if w < 0 { throw Failure(archive: writer, code: Int32(w), reading: false) }
        }
    }
}
