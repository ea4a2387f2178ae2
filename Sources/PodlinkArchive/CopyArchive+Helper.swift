internal import Glibc

extension CopyArchive {
    /// What a helper process is asked to do: pack a path of a root, or unpack into a directory of it.
    public enum HelperTask: Sendable, Equatable {
        /// Writes a tar of `path` (read inside `root`) to standard output, entries named `name` and below.
        case pack(root: String, path: String, name: String)
        /// Unpacks the tar on standard input into `directory` (inside `root`).
        case unpack(root: String, directory: String)

        /// The task's arguments, as ``init(arguments:)`` reads them.
        public var arguments: [String] {
            switch self {
            case .pack(let root, let path, let name): ["pack", root, path, name]
            case .unpack(let root, let directory): ["unpack", root, directory]
            }
        }

        /// The task `arguments` name, or nil.
        public init?(arguments: [String]) {
            switch arguments.first {
            case "pack" where arguments.count == 4:
                self = .pack(root: arguments[1], path: arguments[2], name: arguments[3])
            case "unpack" where arguments.count == 3: self = .unpack(root: arguments[1], directory: arguments[2])
            default: return nil
            }
        }
    }

    /// Exit codes of a helper process besides 0.
    public enum HelperStatus {
        /// The path asked for does not exist in the root.
        public static let noSuchPath: Int32 = 2
        /// An entry was refused.
        public static let unsafeEntry: Int32 = 3
        /// Anything else; standard error says what.
        public static let failed: Int32 = 1
    }

    /// Runs `task` in a process of its own, after making its root the process's root directory: every name it
    /// meets, and every symbolic link a running container plants in its tree meanwhile, resolves inside the root,
    /// never on the host. Returns the process's exit code; errors go to standard error.
    public static func runHelper(_ task: HelperTask) -> Int32 {
        let root: String
        switch task {
        case .pack(let r, _, _), .unpack(let r, _): root = r
        }
        guard chroot(root) == 0, chdir("/") == 0 else {
            report("cannot enter \(root): \(String(cString: strerror(errno)))")
            return HelperStatus.failed
        }
        do throws(CopyArchiveError) {
            switch task {
            case .pack(_, let path, let name):
                var info = stat()
                guard lstat(path, &info) == 0 else {
                    report("\(path): \(String(cString: strerror(errno)))")
                    return errno == ENOENT || errno == ENOTDIR ? HelperStatus.noSuchPath : HelperStatus.failed
                }
                try pack(path, as: name, to: 1)
            case .unpack(_, let directory):
                var info = stat()
                guard stat(directory, &info) == 0, (info.st_mode & Glibc.S_IFMT) == Glibc.S_IFDIR else {
                    report("\(directory) is not a directory")
                    return HelperStatus.noSuchPath
                }
                try unpack(0, into: directory)
            }
            return 0
        } catch {
            report(error.description)
            return error.code == .unsafeEntry ? HelperStatus.unsafeEntry : HelperStatus.failed
        }
    }

    private static func report(_ message: String) {
        let bytes = Array((message + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
