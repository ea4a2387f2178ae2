internal import Glibc

extension ImageStore {
    /// A name for a temporary file or directory of this process: its pid first, so that the sweep of a later
    /// start can tell what a dead process left from what a live one (another engine on this storage) still uses.
    static func temporaryName() -> String {
        "\(getpid())-" + Identifier.random().prefix(16)
    }

    /// Whether the temporary `name` (its part after `prefix`) belongs to a process that is gone.
    static func isAbandoned(_ name: Substring) -> Bool {
        guard let dash = name.firstIndex(of: "-"), let pid = pid_t(name[..<dash]), pid > 0 else { return true }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Removes what crashed processes left: temporary files and directories of dead processes, layers being
    /// extracted by them, and layers renamed to a trash name before their deletion.
    func sweep() {
        for name in FileSystem.list(root + "/tmp") where Self.isAbandoned(Substring(name)) {
            try? FileSystem.removeTree(root + "/tmp/" + name)
        }
        for name in FileSystem.list(root + "/layers") {
            if name.contains(".trash-") {
                try? FileSystem.removeTree(root + "/layers/" + name)
            } else if let staging = name.firstRange(of: ".tmp-"), Self.isAbandoned(name[staging.upperBound...]) {
                try? FileSystem.removeTree(root + "/layers/" + name)
            }
        }
    }
}
