import CSpawn
import FoundationEssentials
import Glibc
import Testing

@testable import Engine

/// What an unprivileged local user, an image author or a container workload must not be able to do to the host.
@Suite("Security", .timeLimit(.minutes(2)))
struct SecurityTests {
    /// Runs `arguments` as nobody; returns the exit status.
    static func asNobody(_ arguments: [String]) async throws -> Int32 {
        try await ProcessRunner.run(
            "/usr/bin/setpriv", ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + arguments
        ).status
    }

    @Test("no one but root can enter the storage or run root; a loosened root is tightened again")
    func rootsArePrivate() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["sleep", "1000"])
            try await test.engine.startContainer(id)
            var info = stat()
            for root in [test.options.storageRoot, test.options.runRoot] {
                #expect(stat(root, &info) == 0 && info.st_mode & 0o777 == 0o700, "\(root)")
            }
            chmod(test.directory, 0o755)
            let merged = test.options.storageRoot + "/containers/\(id)/merged"
            #expect(try await Self.asNobody(["/usr/bin/ls", merged + "/tmp"]) != 0)
            #expect(try await Self.asNobody(["/usr/bin/cat", merged + "/etc/passwd"]) != 0)
            #expect(try await Self.asNobody(["/usr/bin/ls", test.options.runRoot]) != 0)
            let bundle = test.options.storageRoot + "/containers/\(id)/userdata"
            #expect(stat(bundle + "/config.json", &info) == 0 && info.st_mode & 0o777 == 0o600)
            try await test.engine.stopContainer(id, timeout: 0)
            chmod(test.options.storageRoot, 0o755)
            _ = try await test.sibling()
            #expect(stat(test.options.storageRoot, &info) == 0 && info.st_mode & 0o777 == 0o700)
        }
    }

    @Test("a container's /etc/passwd that is a FIFO, a device or a link to one never stalls or floods a start")
    func hostileAccountFiles() async throws {
        try await TestEngine.with { test in
            for plant in ["fifo", "zero", "link"] {
                let id = try await test.create(["true"]) { $0.user = "nobody" }
                let merged = try await test.engine.mountContainer(id)
                unlink(merged + "/etc/passwd")
                switch plant {
                case "fifo": #expect(mkfifo(merged + "/etc/passwd", 0o644) == 0)
                case "zero": #expect(mknod(merged + "/etc/passwd", S_IFCHR | 0o644, dev_t(0x105)) == 0)
                default: #expect(symlink("/dev/zero", merged + "/etc/passwd") == 0)
                }
                try await test.engine.unmountContainer(id)
                await expectEngineError(.invalidArgument) { try await test.engine.startContainer(id) }
            }
            // A link that leaves the container's tree resolves inside it: the host's passwd is never read.
            let id = try await test.create(["true"]) { $0.user = "root" }
            let merged = try await test.engine.mountContainer(id)
            unlink(merged + "/etc/passwd")
            #expect(symlink("../../../../../../../../etc/shadow", merged + "/etc/passwd") == 0)
            try await test.engine.unmountContainer(id)
            await expectEngineError(.invalidArgument) { try await test.engine.startContainer(id) }
        }
    }

    /// A copy of the test layout at a fresh path, for a test to damage.
    static func layoutCopy(_ test: TestEngine, _ name: String) async throws -> String {
        let copy = test.directory + "/" + name
        _ = try await TestImage.sh(["/bin/cp", "-a", try await TestImage.layout(), copy])
        return copy
    }

    @Test("a layout whose index.json is a FIFO, a link to /dev/zero or a device is refused at once")
    func hostileIndexFiles() async throws {
        try await TestEngine.with(loadImage: false) { test in
            for plant in ["fifo", "link", "device"] {
                let layout = try await Self.layoutCopy(test, plant)
                unlink(layout + "/index.json")
                switch plant {
                case "fifo": #expect(mkfifo(layout + "/index.json", 0o644) == 0)
                case "link": #expect(symlink("/dev/zero", layout + "/index.json") == 0)
                default: #expect(mknod(layout + "/index.json", S_IFCHR | 0o644, dev_t(0x105)) == 0)
                }
                await expectEngineError(.invalidArgument) { _ = try await test.engine.loadImage(from: layout) }
            }
            // A blob directory that is a link (to anywhere) is refused too.
            let linked = try await Self.layoutCopy(test, "linked")
            _ = try await TestImage.sh(["/bin/mv", linked + "/blobs", linked + "/real-blobs"])
            #expect(symlink("real-blobs", linked + "/blobs") == 0)
            await expectEngineError(.invalidArgument) { _ = try await test.engine.loadImage(from: linked) }
            #expect(try await test.engine.listImages().isEmpty)
        }
    }

    @Test("nested indexes are digest-checked and may not nest without end")
    func nestedIndexes() async throws {
        try await TestEngine.with(loadImage: false) { test in
            let layout = try await Self.layoutCopy(test, "nested")
            // An index blob that names itself cannot match its digest.
            let fake = String(repeating: "ab", count: 32)
            let selfNamed = """
                {"schemaVersion":2,"manifests":[{"digest":"sha256:\(fake)",\
                "mediaType":"application/vnd.oci.image.index.v1+json","size":1}]}
                """
            try FileSystem.write(layout + "/blobs/sha256/" + fake, selfNamed)
            try FileSystem.write(layout + "/index.json", selfNamed)
            let error = await expectEngineError(.invalidArgument) { _ = try await test.engine.loadImage(from: layout) }
            #expect(error?.message.contains("does not match its digest") == true)
            // A chain of valid indexes deeper than the limit.
            var digest = try JSONDecoder().decode(
                OCIImageFormat.Index.self, from: Data(try FileSystem.read(try await TestImage.layout() + "/index.json"))
            ).manifests[0].digest
            var mediaType = "application/vnd.oci.image.manifest.v1+json"
            for _ in 0...ImageStore.indexDepthLimit {
                let bytes = Array(
                    """
                    {"schemaVersion":2,"manifests":[{"digest":"\(digest)","mediaType":"\(mediaType)","size":1}]}
                    """.utf8)
                digest = SHA256Digest.digest(of: bytes)
                try FileSystem.write(layout + "/blobs/sha256/" + digest.dropFirst(7), bytes)
                mediaType = "application/vnd.oci.image.index.v1+json"
            }
            try FileSystem.write(
                layout + "/index.json",
                "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"\(digest)\",\"mediaType\":\"\(mediaType)\",\"size\":1}]}"
            )
            let deep = await expectEngineError(.invalidArgument) { _ = try await test.engine.loadImage(from: layout) }
            #expect(deep?.message.contains("nest") == true)
        }
    }

    @Test("a layer blob is read once, into the store: what is verified is what is extracted")
    func blobsAreReadOnce() async throws {
        try await TestEngine.with(loadImage: false) { test in
            let layout = try await Self.layoutCopy(test, "once")
            let blobs = FileSystem.list(layout + "/blobs/sha256")
            let watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            defer { close(watch) }
            #expect(inotify_add_watch(watch, layout + "/blobs/sha256", UInt32(IN_OPEN)) >= 0)
            _ = try await test.engine.loadImage(from: layout, name: "once")
            var opened: [String: Int] = [:]
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { read(watch, $0.baseAddress, $0.count) }
            var offset = 0
            while n > 0 && offset + 16 <= n {
                let length = buffer.withUnsafeBytes { Int($0.load(fromByteOffset: offset + 12, as: UInt32.self)) }
                let name = String(
                    decoding: buffer[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }, as: UTF8.self)
                opened[name, default: 0] += 1
                offset += 16 + length
            }
            #expect(opened.count == blobs.count, "\(opened)")
            #expect(opened.values.allSatisfy { $0 == 1 }, "\(opened)")
        }
    }

    @Test("layers: owners are numeric, overlay attributes and odd whiteout names are refused")
    func layerContents() async throws {
        try await TestEngine.with(loadImage: false) { test in
            // A uid-1000 file whose owner *name* is root, setuid.
            let tar = test.directory + "/owners.tar"
            try await TestImage.pythonTar(
                tar,
                """
                info = tarfile.TarInfo('bin/tool'); info.size = 4; info.mode = 0o4755
                info.uid = 1000; info.gid = 1000; info.uname = 'root'; info.gname = 'root'
                tar.addfile(info, io.BytesIO(b'tool'))
                info = tarfile.TarInfo('etc/hidden'); info.type = tarfile.DIRTYPE; info.mode = 0o755
                info.pax_headers = {'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.user.kept': 'yes'}
                tar.addfile(info)
                """)
            let layout = try await TestImage.layout(of: [tar], at: test.directory + "/owners")
            let image = try await test.engine.loadImage(from: layout, name: "owners")[0]
            let diff = test.engine.images.layerPath(image.layers[0])
            var info = stat()
            #expect(lstat(diff + "/bin/tool", &info) == 0)
            #expect(info.st_uid == 1000 && info.st_gid == 1000)
            var value = [CChar](repeating: 0, count: 8)
            #expect(getxattr(diff + "/etc/hidden", "trusted.overlay.opaque", &value, value.count) < 0)
            #expect(getxattr(diff + "/etc/hidden", "user.kept", &value, value.count) == 3)
            for name in ["etc/.wh.", "etc/.wh..", "etc/.wh..wh.other"] {
                let odd = test.directory + "/odd-\(name.count).tar"
                try await TestImage.pythonTar(
                    odd, "info = tarfile.TarInfo('\(name)'); info.size = 0\ntar.addfile(info, io.BytesIO(b''))")
                let oddLayout = try await TestImage.layout(of: [odd], at: test.directory + "/odd-\(name.count)")
                await expectEngineError(.invalidArgument) { _ = try await test.engine.loadImage(from: oddLayout) }
            }
        }
    }

    @Test("an export never reads a host file, however the container swaps its directories for links")
    func exportStaysInTheContainer() async throws {
        try await TestEngine.with { test in
            let secret = test.directory + "/host-secret"
            try FileSystem.makeDirectories(secret)
            let marker = "host-only-\(Identifier.random().prefix(16))"
            try FileSystem.write(secret + "/data", marker)
            let id = try await test.create([
                "/bin/sh", "-c",
                """
                mkdir -p /d; echo container > /d/data
                while :; do mv /d /d.real; ln -s \(secret) /d; rm /d; mv /d.real /d; done
                """,
            ])
            try await test.engine.startContainer(id)
            for round in 0..<15 {
                let out = test.directory + "/export-\(round).tar"
                try await test.engine.exportContainer(id, toPath: out)
                let bytes = try FileSystem.read(out)
                #expect(!String(decoding: bytes, as: UTF8.self).contains(marker))
                unlink(out)
            }
            try await test.engine.stopContainer(id, timeout: 0)
        }
    }

    /// The `Seccomp:` and `NoNewPrivs:` lines of a container's /proc/self/status.
    static func status(
        _ test: TestEngine, _ configure: (inout ContainerCreateOptions) -> Void
    ) async throws
        -> [String: String]
    {
        let id = try await test.create(
            ["/bin/grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status"], configure: configure)
        try await test.engine.startContainer(id)
        #expect(try await test.engine.waitContainer(id) == 0)
        var values: [String: String] = [:]
        for line in try await test.engine.logs(id) {
            let parts = line.text.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1].filter { !$0.isWhitespace }) }
        }
        return values
    }

    @Test(
        "containers run under containers-common's seccomp filter by default; unconfined and no_new_privs on request",
        .enabled(if: access(SeccompProfile.defaultPath, R_OK) == 0, "needs containers-common's seccomp profile"))
    func seccompByDefault() async throws {
        try await TestEngine.with { test in
            let confined = try await Self.status(test) { _ in }
            #expect(confined["Seccomp"] == "2", "\(confined)")
            #expect(confined["NoNewPrivs"] == "0")
            let unconfined = try await Self.status(test) { $0.seccompProfile = "unconfined" }
            #expect(unconfined["Seccomp"] == "0", "\(unconfined)")
            let locked = try await Self.status(test) { $0.noNewPrivileges = true }
            #expect(locked["NoNewPrivs"] == "1", "\(locked)")
            await expectEngineError(.invalidArgument) {
                _ = try await test.create(["true"]) { $0.seccompProfile = "relative.json" }
            }
        }
    }
}

extension SecurityTests {
    @Test("a runtime command that hangs is killed after its time; the container stays usable")
    func hangingRuntimeIsCutShort() async throws {
        let test = try await TestEngine.make()
        let wrapper = test.directory + "/runc-hangs-on-pause"
        try FileSystem.write(
            wrapper,
            Array(
                "#!/bin/sh\ncase \" $* \" in *\" pause \"*) exec sleep 1000;; esac\nexec /usr/bin/runc \"$@\"\n".utf8),
            mode: 0o755)
        var options = TestEngine.options(test.directory)
        options.runtimePath = wrapper
        options.runtimeTimeout = .seconds(2)
        let engine = try await Engine(options: options)
        do {
            let id = try await test.create(["sleep", "1000"])
            try await engine.startContainer(id)
            await expectEngineError(.runtimeError) { try await engine.pauseContainer(id) }
            try await engine.stopContainer(id, timeout: 0)
            #expect(try await engine.inspectContainer(id).state.status == .stopped)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }
}
