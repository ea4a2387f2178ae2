import CArchive
import FoundationEssentials
import Glibc
import Testing

@testable import Engine

@Suite("Images")
struct ImageStoreTests {
    @Test("the fixture layout is deterministic")
    func deterministicFixture() async throws {
        let layout = try await TestImage.layout()
        let index = try FileSystem.readText(layout + "/index.json") ?? ""
        // Build it a second time elsewhere and compare the manifest digest.
        let first = try SHA256Digest.digest(ofFile: TestImage.root + "/manifest.json")
        try await TestImage.tarLayer(TestImage.root + "/layer1", TestImage.root + "/again.tar")
        #expect(
            try SHA256Digest.digest(ofFile: TestImage.root + "/again.tar.gz")
                == SHA256Digest.digest(ofFile: TestImage.root + "/layer1.tar.gz"))
        #expect(index.contains(String(first.dropFirst(7))))
    }

    @Test("load an OCI layout: names, layers extracted once, whiteouts as overlay whiteouts")
    func loadLayout() async throws {
        try await TestEngine.with(loadImage: false) { test in
            let layout = try await TestImage.layout()
            let loaded = try await test.engine.loadImage(from: layout, name: "busybox")
            #expect(loaded.count == 1)
            let image = try #require(loaded.first)
            #expect(image.names == ["busybox:latest"])
            #expect(image.layers.count == 2)
            #expect(image.config.cmd == ["/bin/sh"])
            #expect(image.config.env?.contains("FIXTURE=1") == true)
            #expect(image.size > 1_000_000)
            #expect(image.created == Date(timeIntervalSince1970: 0))
            let store = test.engine.images
            let top = store.layerPath(image.layers[1])
            var st = stat()
            #expect(lstat(top + "/etc/removed", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0)
            #expect(FileSystem.extendedAttribute(top + "/etc/opaque", "trusted.overlay.opaque") == "y")
            #expect(FileSystem.exists(store.layerPath(image.layers[0]) + "/bin/sh"))
            // Loading again reuses the layers and the image.
            let again = try await test.engine.loadImage(from: layout, name: "other")
            #expect(again.first?.id == image.id)
            #expect(try await test.engine.listImages().count == 1)
            #expect(FileSystem.list(test.options.storageRoot + "/layers").count == 2)
            let inspected = try await test.engine.inspectImage("busybox")
            #expect(inspected.id == image.id)
            #expect(try await test.engine.inspectImage(String(image.id.prefix(12))).id == image.id)
        }
    }

    @Test("a corrupted blob is refused")
    func corruptedBlob() async throws {
        try await TestEngine.with(loadImage: false) { test in
            let layout = try await TestImage.layout()
            let copy = test.directory + "/layout"
            _ = try await TestImage.sh(["/bin/cp", "-r", layout, copy])
            let blobs = FileSystem.list(copy + "/blobs/sha256")
            // Corrupt the largest blob (layer 1).
            let largest = try #require(
                blobs.max {
                    FileSystem.diskUsage(copy + "/blobs/sha256/" + $0)
                        < FileSystem.diskUsage(copy + "/blobs/sha256/" + $1)
                })
            let path = copy + "/blobs/sha256/" + largest
            var bytes = try FileSystem.read(path)
            bytes[bytes.count / 2] ^= 0xff
            try FileSystem.write(path, bytes)
            await expectEngineError(.invalidArgument) { _ = try await test.engine.loadImage(from: copy) }
            #expect(try await test.engine.listImages().isEmpty)
        }
    }

    @Test("tag, untag, remove; remove refused while a container uses the image")
    func tagUntagRemove() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            try await engine.tagImage("busybox", as: "example/box:1")
            #expect(
                try await engine.inspectImage("example/box:1").names.sorted() == ["busybox:latest", "example/box:1"])
            try await engine.untagImage("busybox", name: "example/box:1")
            await expectEngineError(.noSuchImage) { _ = try await engine.inspectImage("example/box:1") }
            await expectEngineError(.noSuchImage) { _ = try await engine.inspectImage("nothing") }
            let id = try await test.create(["true"])
            await expectEngineError(.imageInUse) { try await engine.removeImage("busybox") }
            try await engine.removeContainer(id)
            try await engine.removeImage("busybox")
            #expect(try await engine.listImages().isEmpty)
            #expect(FileSystem.list(test.options.storageRoot + "/layers").isEmpty)
            let events = try await engine.events(EventFilter(kinds: [.image]))
            #expect(events.map(\.action) == ["load", "tag", "untag", "remove"])
        }
    }

    @Test("import a root filesystem tarball")
    func importTarball() async throws {
        try await TestEngine.with(loadImage: false) { test in
            _ = try await TestImage.layout()
            let image = try await test.engine.importImage(
                from: TestImage.root + "/layer1.tar.gz", name: "imported",
                config: ImageRunConfig(cmd: ["/bin/echo", "imported"]))
            #expect(image.names == ["imported:latest"])
            #expect(image.layers == [try SHA256Digest.digest(ofFile: TestImage.root + "/layer1.tar")])
            let id = try await test.engine.createContainer(ContainerCreateOptions(image: "imported"))
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == 0)
        }
    }

    @Test("load oci-archive and docker-archive made by skopeo")
    func archives() async throws {
        try await TestEngine.with(loadImage: false) { test in
            let layout = try await TestImage.layout()
            let oci = test.directory + "/image.oci.tar"
            let docker = test.directory + "/image.docker.tar"
            _ = try await TestImage.sh([
                "/usr/bin/skopeo", "copy", "--quiet", "oci:" + layout + ":latest", "oci-archive:" + oci + ":arch:1",
            ])
            _ = try await TestImage.sh([
                "/usr/bin/skopeo", "copy", "--quiet", "oci:" + layout + ":latest",
                "docker-archive:" + docker + ":dock:2",
            ])
            let fromOCI = try await test.engine.loadImage(from: oci)
            #expect(fromOCI.first?.names == ["arch:1"])
            let fromDocker = try await test.engine.loadImage(from: docker)
            // Same config, so the same image: it gains the second name.
            #expect(fromDocker.first?.names == ["arch:1", "docker.io/library/dock:2"])
            #expect(try await test.engine.inspectImage("dock:2").id == fromDocker.first?.id)
            #expect(fromDocker.first?.layers == fromOCI.first?.layers)
            #expect(FileSystem.list(test.options.storageRoot + "/layers").count == 2)
        }
    }
}

@Suite("Layer safety")
struct LayerSafetyTests {
    @Test("a whiteout behind a symlink planted by the same layer is refused and deletes nothing outside")
    func whiteoutThroughSymlink() async throws {
        try await TestEngine.with(loadImage: false) { test in
            let victim = test.directory + "/victim"
            try FileSystem.makeDirectories(victim)
            try FileSystem.write(victim + "/secret", "keep me\n")
            let layer = test.directory + "/evil"
            try FileSystem.makeDirectories(layer)
            #expect(symlink(victim, layer + "/etc") == 0)
            // tar stores the symlink, then an entry below it (added by path through --transform).
            try FileSystem.write(test.directory + "/empty", "")
            _ = try await TestImage.sh([
                "/usr/bin/tar", "--numeric-owner", "-C", layer, "-cf", test.directory + "/evil.tar", "etc",
            ])
            _ = try await TestImage.sh([
                "/usr/bin/tar", "-C", test.directory, "--transform", "s|^empty$|etc/.wh.secret|", "-rf",
                test.directory + "/evil.tar", "empty",
            ])
            let listing = try await TestImage.sh(["/usr/bin/tar", "-tvf", test.directory + "/evil.tar"])
            #expect(listing.contains("etc/.wh.secret"))
            await expectEngineError(.invalidArgument) {
                _ = try await test.engine.importImage(from: test.directory + "/evil.tar", name: "evil")
            }
            #expect(FileSystem.readText(victim + "/secret") == "keep me\n")
        }
    }
}
