import Foundation
import PodlinkAPI

/// A container's state as `podman ps` words it: `Up 5 seconds`, `Exited (0) 3 seconds ago`, `Created`.
enum StatusText {
    static func describe(
        _ container: IoPodlink.Container, _ state: IoPodlink.ContainerState?, now: Date = Date()
    )
        -> String
    {
        switch container.status {
        case .configured, .created:
            return "Created"
        case .running:
            guard let started = state?.started.flatMap(RFC3339Time.parse) else { return "Up" }
            return "Up " + Human.duration(now.timeIntervalSince(started))
        case .paused:
            return "Paused"
        case .stopped, .exited:
            let code = state?.exitCode ?? container.exitCode ?? 0
            guard let finished = state?.finished.flatMap(RFC3339Time.parse) else { return "Exited (\(code))" }
            return "Exited (\(code)) " + Human.duration(now.timeIntervalSince(finished)) + " ago"
        case .removing:
            return "Removing"
        }
    }
}
