import PodlinkArchive

#if canImport(Glibc)
import Glibc
#endif

/// podlinkd as the engine's archive helper (`podlinkd --archive-helper TASK...`): packs or unpacks one copy with
/// a container's root as its root directory, then exits. The engine starts it; nobody else needs to.
enum ArchiveHelper {
    /// The option that selects this mode, first on the command line.
    static let option = "--archive-helper"

    /// The command the engine runs (the task's arguments are appended).
    static func command() -> [String] {
        [ExitCleanup.executable(), option]
    }

    /// Runs the task `arguments` name and exits with its status.
    static func run(_ arguments: [String]) -> Never {
        guard let task = CopyArchive.HelperTask(arguments: arguments) else {
            let usage = Array("podlinkd \(option): pack ROOT PATH NAME | unpack ROOT DIRECTORY\n".utf8)
            _ = usage.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            exit(64)
        }
        exit(CopyArchive.runHelper(task))
    }
}
