import Foundation
import PodlinkClient
import PodmanAPI
import Varlink

/// Follows a container's log until its process ends: prints the service's streamed replies (GetContainerLogs with
/// `more`) and, should the service end the stream while the container still runs, asks again for the lines since
/// the last one printed until the container has stopped, so that no line is lost or printed twice.
struct LogFollower {
    let client: IoPodmanClient
    let container: String
    let timestamps: Bool
    /// The time of the last line printed, and how many lines printed carry that time.
    var lastTime: String?
    var printedAtLastTime = 0

    init(_ client: IoPodmanClient, container: String, timestamps: Bool) {
        self.client = client
        self.container = container
        self.timestamps = timestamps
    }

    mutating func follow(tail: Int? = nil, since: String? = nil, until: String? = nil) async throws {
        let began = RFC3339.string(from: Date(), fractionalDigits: 9)
        for try await reply in client.getContainerLogs(name: container, tail: tail, since: since, until: until, .more) {
            emit(reply.lines, onlyNew: false)
        }
        while true {
            let status = try await client.getContainer(id: container).container.status
            let from = lastTime ?? (tail == nil ? since : began)
            emit(try await client.getContainerLogs(name: container, since: from, until: until).lines, onlyNew: true)
            if status != .running && status != .paused { return }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Prints lines: all of a streamed reply (its two streams may arrive out of time order), or only those after
    /// the last printed when asking again.
    mutating func emit(_ lines: [IoPodman.LogLine], onlyNew: Bool) {
        var skip = printedAtLastTime
        var fresh: [IoPodman.LogLine] = []
        for line in lines {
            if onlyNew, let lastTime {
                if line.time < lastTime { continue }
                if line.time == lastTime, skip > 0 {
                    skip -= 1
                    continue
                }
            }
            fresh.append(line)
        }
        for line in fresh {
            if line.time == lastTime {
                printedAtLastTime += 1
            } else if lastTime.map({ line.time > $0 }) ?? true {
                lastTime = line.time
                printedAtLastTime = 1
            }
        }
        if !fresh.isEmpty { LogsCommand.write(fresh, timestamps: timestamps) }
    }
}
