import PodlinkAPI
import PodlinkClient
import Varlink

/// Uploads and downloads through the service, each on a connection of its own (an upgraded connection carries
/// nothing else).
enum Transfers {
    /// Sends what `input` holds as an upload and returns its id.
    static func upload(_ global: GlobalOptions, _ input: LocalFiles.Input) async throws -> String {
        try await global.withClient { client in
            let (reply, connection) = try await client.uploadFile(.upgrade)
            try await ByteStreams.upload(input.fd, over: connection)
            return reply.upload
        }
    }

    /// Uploads `path` (`-`: standard input; a directory as a tar of its contents) and returns the upload's id.
    static func upload(_ global: GlobalOptions, path: String?) async throws -> String {
        let input = try LocalFiles.input(path)
        defer { input.close() }
        return try await upload(global, input)
    }

    /// Writes the download `start` begins to `path` (`-`: standard output).
    static func download(
        _ global: GlobalOptions, to path: String?,
        _ start: @escaping (IoPodlinkClient) async throws -> any VarlinkUpgradedConnection
    ) async throws {
        try await LocalFiles.output(path) { fd in
            try await global.withClient { client in
                try await ByteStreams.download(over: try await start(client), to: fd)
            }
        }
    }
}
