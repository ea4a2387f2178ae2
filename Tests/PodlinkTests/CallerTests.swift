import Foundation
import PodlinkTestSupport
import Testing

/// Programs in other languages, and the podlink command line, driving a real podlinkd.
@Suite(
    "Callers: python, Go and the podlink CLI",
    .enabled(if: PodlinkdFixture.available, "needs root, runc, conmon and podlinkd built"))
struct CallerTests {
    static var podlink: String { PodlinkdFixture.products + "/podlink" }

    @Test(
        .enabled(
            if: ChildProcess.runBlocking(["python3", "-c", "import varlink"]).status == 0,
            "needs python3 with the varlink package"))
    func pythonExample() async throws {
        let fixture = try await PodlinkdFixture()
        let result = await ChildProcess.run([
            "python3", PodlinkdFixture.repository + "/contrib/examples/python/podlink_example.py",
            "unix:\(fixture.socket)", PodlinkdFixture.image,
        ])
        #expect(result.status == 0, "\(result)\n\(fixture.log)")
        #expect(result.output.contains("hello from python"))
        // The interactive exec session over a plain socket after the upgrade.
        #expect(result.output.contains("exec output       hello from python (interactive)"), "\(result)")
        #expect(result.output.contains("exec exit code    5"), "\(result)")
        await fixture.tearDown()
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/varlink-go-interface-generator"),
            "needs Go varlink's generator"))
    func goExample() async throws {
        let fixture = try await PodlinkdFixture()
        let binary = fixture.directory + "/podlink-example"
        let build = await ChildProcess.run(
            [PodlinkdFixture.repository + "/contrib/examples/go/build.sh", binary], timeout: 300)
        #expect(build.status == 0, "\(build)")
        let result = await ChildProcess.run([binary, "unix:\(fixture.socket)", PodlinkdFixture.image])
        #expect(result.status == 0, "\(result)\n\(fixture.log)")
        // The interactive exec session over varlink/go's Upgrade.
        #expect(result.output.contains("exec output       hello from go (interactive)"), "\(result)")
        await fixture.tearDown()
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: CallerTests.podlink), "needs the podlink CLI built"))
    func commandLine() async throws {
        let fixture = try await PodlinkdFixture()
        let url = "unix:\(fixture.socket)"
        func podlink(_ arguments: String...) async -> CommandResult {
            await ChildProcess.run([Self.podlink, "--url", url] + arguments)
        }
        let load = await podlink("load", "-i", PodlinkdFixture.image, "test:latest")
        #expect(load.status == 0, "\(load)")
        let run = await podlink("run", "--rm", "--name", "once", "test:latest", "sh", "-c", "echo from the cli; exit 3")
        #expect(run.status == 3, "\(run)")
        #expect(run.output.contains("from the cli"))
        #expect(await podlink("ps", "-a", "-q").output.isEmpty, "--rm removes the container")
        let detached = await podlink("run", "-d", "--name", "bg", "test:latest", "sleep", "1000")
        #expect(detached.status == 0 && detached.output.trimmingCharacters(in: .whitespacesAndNewlines).count == 64)
        let ps = await podlink("ps")
        #expect(ps.output.contains("CONTAINER ID") && ps.output.contains("bg") && ps.output.contains("Up"), "\(ps)")
        let json = await podlink("ps", "--format", "json")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 1)
        let exec = await podlink("exec", "bg", "sh", "-c", "exit 4")
        #expect(exec.status == 4)
        #expect(await podlink("stop", "-t", "0", "bg").status == 0)
        #expect(await podlink("wait", "bg").output.trimmingCharacters(in: .whitespacesAndNewlines) == "137")
        let missing = await podlink("start", "nope")
        #expect(missing.status == 125 && missing.error.contains("Error:"), "\(missing)")
        #expect(await podlink("rm", "bg").status == 0)
        let images = await podlink("images")
        #expect(images.output.contains("REPOSITORY") && images.output.contains("test"), "\(images)")
        #expect(await podlink("version").status == 0)
        await fixture.tearDown()
    }
}
