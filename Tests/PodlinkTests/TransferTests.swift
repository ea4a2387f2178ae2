import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Bytes over the connection: load, import, save and export with the client's files, copies into and out of
/// containers, all through `podlink --bridge` as a client with only `ssh` would, and archives that try to reach
/// out of their container refused whole.
@Suite(
    "Transfers: load, save, export and cp over the connection",
    .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"))
struct TransferTests {
    /// The CLI through `--bridge` (a podlinkd of its own on the fixture's storage, as over ssh), in `directory`.
    static func bridged(
        _ fixture: PodlinkdFixture, _ arguments: [String], stdin: String? = nil
    ) async
        -> CommandResult
    {
        let bridge =
            ([PodlinkdFixture.podlinkd, "--bridge", "--config", "/nonexistent"] + fixture.storageArguments
            + fixture.arguments).joined(separator: " ")
        let command = ([PodlinkdFixture.products + "/podlink", "--bridge", bridge] + arguments)
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let redirect = stdin.map { " < '\($0)'" } ?? ""
        let here = fixture.directory + "/client"
        return await ChildProcess.run(["sh", "-c", "mkdir -p '\(here)' && cd '\(here)' && " + command + redirect])
    }

    /// Whatever the uploads directory still holds, once the service had up to ten seconds to drop what it must.
    static func leftUploads(_ fixture: PodlinkdFixture) async -> [String] {
        var left: [String] = []
        for _ in 0..<100 {
            left = (try? FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/storage/uploads")) ?? []
            if left.isEmpty { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return left
    }

    @Test func aClientWithOnlyTheBridgeLoadsRunsCopiesSavesAndExports() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let here = fixture.directory + "/client"
            try FileManager.default.createDirectory(atPath: here + "/tree/sub", withIntermediateDirectories: true)
            try "top\n".write(toFile: here + "/tree/top.txt", atomically: false, encoding: .utf8)
            try "deep\n".write(toFile: here + "/tree/sub/deep.txt", atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: here + "/tree/link", withDestinationPath: "top.txt")
            func podlink(_ arguments: String...) async -> CommandResult { await Self.bridged(fixture, arguments) }

            // Loaded from the client's directory (sent as a tar), and run.
            let load = await podlink("load", "-q", "-i", PodlinkdFixture.image, "bridged:1")
            #expect(load.status == 0, "\(load)")
            let id = load.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(
                id == (try await client.inspectImage(name: "test:latest").image.id), "the same image as the fixture's")
            _ = try await client.tagImage(name: id, tagged: "bridged:1")
            let run = await podlink("run", "-d", "--name", "box", "bridged:1", "sleep", "1000")
            #expect(run.status == 0, "\(run)")

            // Into the container: a tree into a directory, a file to a new name.
            #expect(await podlink("cp", "tree", "box:/tmp").status == 0)
            #expect(await podlink("cp", "tree/top.txt", "box:/tmp/renamed.txt").status == 0)
            let inside = try await client.execContainer(
                name: "box",
                command: [
                    "sh", "-c",
                    "cat /tmp/tree/top.txt /tmp/tree/sub/deep.txt /tmp/renamed.txt; readlink /tmp/tree/link",
                ])
            #expect(inside.stdout == "top\ndeep\ntop\ntop.txt\n", "\(inside)")

            // Out of it: a directory to a new name, a directory's contents, a file into a directory.
            _ = try await client.execContainer(
                name: "box", command: ["sh", "-c", "echo made inside > /tmp/tree/new.txt"])
            #expect(await podlink("cp", "box:/tmp/tree", "back").status == 0)
            #expect(try String(contentsOfFile: here + "/back/new.txt", encoding: .utf8) == "made inside\n")
            #expect(try String(contentsOfFile: here + "/back/sub/deep.txt", encoding: .utf8) == "deep\n")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: here + "/back/link") == "top.txt")
            try FileManager.default.createDirectory(atPath: here + "/into", withIntermediateDirectories: true)
            #expect(await podlink("cp", "box:/etc/passwd", "into").status == 0)
            #expect(try String(contentsOfFile: here + "/into/passwd", encoding: .utf8).hasPrefix("root:"))
            #expect(await podlink("cp", "box:/tmp/tree/.", "contents").status == 0)
            #expect(FileManager.default.fileExists(atPath: here + "/contents/top.txt"))
            let missing = await podlink("cp", "box:/no/such/path", "x")
            #expect(missing.status != 0 && missing.error.contains("no such file"), "\(missing)")

            // Saved to the client in both formats, and loaded back (also from standard input): the same id.
            for format in ["oci-archive", "docker-archive"] {
                let saved = await podlink("save", "--format", format, "-o", "saved-\(format).tar", "bridged:1")
                #expect(saved.status == 0, "\(saved)")
                _ = try await client.removeImage(name: "bridged:1", force: true)
                let back = await Self.bridged(fixture, ["load", "-q"], stdin: here + "/saved-\(format).tar")
                #expect(
                    back.status == 0 && back.output.trimmingCharacters(in: .whitespacesAndNewlines) == id, "\(back)")
                _ = try await client.tagImage(name: id, tagged: "bridged:1")
            }

            // Exported to the client, imported back from it.
            _ = try await client.createContainer(create: .init(image: "bridged:1", name: "still"))
            #expect(await podlink("export", "-o", "exported.tar", "still").status == 0)
            let listing = await ChildProcess.run(["tar", "-tf", here + "/exported.tar"])
            #expect(listing.output.contains("etc/passwd"), "\(listing)")
            let imported = await podlink("import", "exported.tar", "imported:1")
            #expect(imported.status == 0, "\(imported)")
            #expect(try await client.inspectImage(name: "imported:1").image.id.count == 64)
            let left = await Self.leftUploads(fixture)
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func copiesResolveInsideTheContainer() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            let here = fixture.directory + "/client"
            try FileManager.default.createDirectory(atPath: here, withIntermediateDirectories: true)
            let secret = fixture.directory + "/host-secret"
            try "the host's\n".write(toFile: secret, atomically: false, encoding: .utf8)
            try "mine\n".write(toFile: here + "/planted.txt", atomically: false, encoding: .utf8)
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "box", command: ["sleep", "1000"]))
            _ = try await client.startContainer(name: "box")
            // Links the workload plants, pointing at the host's root and at a host file by a climbing path.
            _ = try await client.execContainer(
                name: "box", command: ["sh", "-c", "ln -s / /tmp/root && ln -s ../../../../../..\(secret) /tmp/secret"])
            func podlink(_ arguments: String...) async -> CommandResult { await Self.bridged(fixture, arguments) }

            // Into /tmp/root/: the container's own root, never the host's.
            #expect(await podlink("cp", "planted.txt", "box:/tmp/root/").status == 0)
            #expect(!FileManager.default.fileExists(atPath: "/planted.txt"))
            let planted = try await client.execContainer(name: "box", command: ["cat", "/planted.txt"])
            #expect(planted.stdout == "mine\n")
            // Through a link to a host path: the path is looked for in the container, where it is not.
            await #expect(throws: IoPodlinkError.pathNotFound(container: "box", path: "/tmp/secret/x")) {
                _ = try await client.statContainerPath(name: "box", path: "/tmp/secret/x")
            }
            let stat = try await client.statContainerPath(name: "box", path: "/tmp/secret").stat
            #expect(stat.linkTarget == "../../../../../..\(secret)" && stat.mode & 0o170000 == 0o120000)
            let out = await podlink("cp", "box:/tmp/root\(secret)", "got")
            #expect(out.status != 0, "\(out)")
            #expect(!FileManager.default.fileExists(atPath: here + "/got"))
        }
    }

    /// A tar made by python's tarfile: `entries` are (name, type, link target or contents).
    static func tarball(_ fixture: PodlinkdFixture, _ entries: [(String, String, String)]) async throws -> String {
        let path = fixture.directory + "/tar-\(UUID().uuidString.prefix(8)).tar"
        let spec = try String(
            data: JSONSerialization.data(withJSONObject: entries.map { [$0.0, $0.1, $0.2] }), encoding: .utf8)!
        let script = """
            import io, json, sys, tarfile
            with tarfile.open(sys.argv[1], "w") as t:
                for name, kind, value in json.loads(sys.argv[2]):
                    info = tarfile.TarInfo(name)
                    if kind == "file":
                        data = value.encode(); info.size = len(data); t.addfile(info, io.BytesIO(data))
                    else:
                        info.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
                        info.linkname = value; t.addfile(info)
            """
        let made = await ChildProcess.run(["python3", "-c", script, path, spec])
        guard made.status == 0 else { throw PodlinkdFixture.Failure(description: "\(made)") }
        return path
    }

    /// Uploads the file at `path` through the typed client and returns the upload's id.
    static func upload(_ fixture: PodlinkdFixture, _ path: String) async throws -> String {
        let (client, _) = try await fixture.connect()
        let (reply, connection) = try await client.uploadFile(.upgrade)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        try await ByteStreams.upload(fd, over: connection)
        return reply.upload
    }

    @Test func archivesThatLeaveTheirDirectoryAreRefusedWhole() async throws {
        try await PodlinkdFixture.withClient { fixture, client in
            _ = try await client.createContainer(
                create: .init(image: "test:latest", name: "box", command: ["sleep", "1000"]))
            _ = try await client.startContainer(name: "box")
            let hostile: [[(String, String, String)]] = [
                [("fine.txt", "file", "ok"), ("../../escaped.txt", "file", "out")],
                [("fine.txt", "file", "ok"), ("/abs.txt", "file", "out")],
                [("fine.txt", "file", "ok"), ("hard", "hardlink", "../../etc/shadow")],
                [("fine.txt", "file", "ok"), ("up", "symlink", "../../../../etc"), ("up/x", "file", "through")],
            ]
            for entries in hostile {
                let upload = try await Self.upload(fixture, try await Self.tarball(fixture, entries))
                await #expect {
                    _ = try await client.copyIntoContainer(name: "box", path: "/tmp", upload: upload)
                } throws: { error in
                    guard case .unsafeArchive = error as? IoPodlinkError else { return false }
                    return true
                }
            }
            let listing = try await client.execContainer(name: "box", command: ["ls", "-A", "/tmp", "/"])
            #expect(!listing.stdout.contains("fine.txt") && !listing.stdout.contains("escaped"), "nothing was written")

            // Not a tar at all, an upload used twice, one cut off before its end.
            let garbage = fixture.directory + "/garbage"
            try String(repeating: "not a tar ", count: 100).write(toFile: garbage, atomically: false, encoding: .utf8)
            let bad = try await Self.upload(fixture, garbage)
            await #expect {
                _ = try await client.copyIntoContainer(name: "box", path: "/tmp", upload: bad)
            } throws: { error in
                guard case .invalidArgument(let argument, _) = error as? IoPodlinkError else { return false }
                return argument == "upload"
            }
            await #expect(throws: IoPodlinkError.uploadNotFound(upload: bad)) {
                _ = try await client.loadImage(upload: bad)
            }
            let (other, _) = try await fixture.connect()
            let (reply, connection) = try await other.uploadFile(.upgrade)
            try await connection.write(AttachFrames.frame(AttachFrames.stdin, Array("half an archive".utf8)))
            try await connection.close()
            // The service drops it once it reads the end of the connection: the call sees no such upload.
            await #expect(throws: IoPodlinkError.uploadNotFound(upload: reply.upload)) {
                _ = try await client.loadImage(upload: reply.upload)
            }
            await #expect { _ = try await client.loadImage(inputFile: "/x", upload: bad) } throws: { error in
                guard case .invalidArgument = error as? IoPodlinkError else { return false }
                return true
            }
            let left = await Self.leftUploads(fixture)
            #expect(left.isEmpty, "\(left)")
            #expect(try await client.listImages().images.count == 1, "no partial image")
        }
    }
}
