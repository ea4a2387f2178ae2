import Foundation
import PodlinkAPI
import PodlinkClient
import Varlink

/// Follows a container's log until its process ends: prints the service's streamed replies (GetContainerLogs with
/// `more`), which end when the process has ended and its last output is written.
struct LogFollower {
    let client: IoPodlinkClient
    let container: String
    let timestamps: Bool

    init(_ client: IoPodlinkClient, container: String, timestamps: Bool) {
        self.client = client
        self.container = container
        self.timestamps = timestamps
    }

    func follow(tail: Int? = nil, since: String? = nil, until: String? = nil) async throws {
        for try await reply in client.getContainerLogs(name: container, tail: tail, since: since, until: until, .more) {
            // A reply's two streams may arrive out of time order: print them as they come.
            if !reply.lines.isEmpty { LogsCommand.write(reply.lines, timestamps: timestamps) }
        }
    }
}
