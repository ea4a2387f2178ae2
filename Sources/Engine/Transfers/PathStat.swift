public import FoundationEssentials

/// What a path in a container is, as Docker's archive API tells before a copy: its name, size, mode, modification
/// time and, for a symbolic link, its target (the link itself is described, not what it points at).
public struct PathStat: Sendable, Hashable {
    /// The last component of the path.
    public var name: String
    /// Its size in bytes.
    public var size: Int64
    /// Its type and permission bits, as `st_mode`.
    public var mode: UInt32
    /// When it was last modified.
    public var modified: Date
    /// Where it points, for a symbolic link.
    public var linkTarget: String?

    /// Whether it is a directory.
    public var isDirectory: Bool { mode & 0o170000 == 0o040000 }
}
