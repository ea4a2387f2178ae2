import Foundation
import PodlinkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The python and Go varlink implementations certify our server and client; socket activation and bridges are
/// exercised through the real tools.
@Suite("Certification by the python and Go peers", .serialized)
struct PeerTests {
    static let binary = TestSupport.certificationBinary
    static var ready: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Starts `command` serving on a fresh unix socket; returns the process and the socket path.
    static func serve(_ command: [String], log: String) async throws -> (ChildProcess, String) {
        let path = TestSupport.temporaryDirectory() + "/socket"
        let process = try TestSupport.start(command.map { $0.replacingOccurrences(of: "PATH", with: path) }, log: log)
        guard await TestSupport.waitForSocket(path) else {
            TestSupport.kill(process)
            throw RawSocket.Failure(
                message: "server did not listen: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        return (process, path)
    }

    @Test(.enabled(if: ready && TestSupport.havePython, "needs python3 with the varlink package"))
    func pythonClientCertifiesOurServer() async throws {
        let (server, path) = try await Self.serve(
            [Self.binary, "--varlink=unix:PATH"], log: TestSupport.temporaryDirectory() + "/log")
        defer { TestSupport.kill(server) }
        let result = await ChildProcess.run(
            ["python3", "-m", "varlink.tests.test_certification", "--client", "--varlink=unix:\(path)"])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("Certification passed"))
    }

    @Test(.enabled(if: ready && TestSupport.havePython, "needs python3 with the varlink package"))
    func pythonClientCertifiesOurServerThroughSocketActivation() async {
        let result = await ChildProcess.run([
            "python3", "-m", "varlink.tests.test_certification", "--client",
            "--activate=\(Self.binary) --varlink=$VARLINK_ADDRESS",
        ])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("Certification passed"))
    }

    @Test(.enabled(if: ready && TestSupport.have("varlink-go-certification"), "needs Go varlink's certification tool"))
    func goClientCertifiesOurServer() async throws {
        let (server, path) = try await Self.serve(
            [Self.binary, "--varlink=unix:PATH"], log: TestSupport.temporaryDirectory() + "/log")
        defer { TestSupport.kill(server) }
        let result = await ChildProcess.run(["varlink-go-certification", "-client", "-varlink=unix:\(path)"])
        let lines = result.output.split(separator: "\n")
        #expect(lines.last == "End: 'true'", "\(result.output)\(result.error)")
    }

    @Test(.enabled(if: ready && TestSupport.havePython, "needs python3 with the varlink package"))
    func ourClientCertifiesThePythonServer() async throws {
        let (server, path) = try await Self.serve(
            ["python3", "-m", "varlink.tests.test_certification", "--varlink=unix:PATH"],
            log: TestSupport.temporaryDirectory() + "/log")
        defer { TestSupport.kill(server) }
        let result = await ChildProcess.run([Self.binary, "--client", "--varlink=unix:\(path)"])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.hasSuffix("Certification passed\n"))
    }

    @Test(.enabled(if: ready && TestSupport.have("varlink-go-certification"), "needs Go varlink's certification tool"))
    func ourClientCertifiesTheGoServer() async throws {
        let (server, path) = try await Self.serve(
            ["varlink-go-certification", "-varlink=unix:PATH"], log: TestSupport.temporaryDirectory() + "/log")
        defer { TestSupport.kill(server) }
        let result = await ChildProcess.run([Self.binary, "--client", "--varlink=unix:\(path)"])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.hasSuffix("Certification passed\n"))
    }

    @Test(.enabled(if: ready, "needs the certification service built"))
    func ourClientActivatesAndBridgesOurServer() async {
        let activated = await ChildProcess.run([
            Self.binary, "--client", "--activate=\(Self.binary) --varlink=$VARLINK_ADDRESS",
        ])
        #expect(activated.status == 0 && activated.output.hasSuffix("Certification passed\n"), "\(activated)")
        let bridged = await ChildProcess.run([Self.binary, "--client", "--bridge=\(Self.binary) --stdio"])
        #expect(bridged.status == 0 && bridged.output.hasSuffix("Certification passed\n"), "\(bridged)")
    }

    @Test(.enabled(if: ready && TestSupport.havePython, "needs python3 with the varlink package"))
    func ourClientDetectsAWrongServer() async throws {
        // The python server is certified by the python client; a server that answers wrongly must fail our client.
        let (server, path) = try await Self.serve(
            [
                "python3", "-c",
                """
                import sys, socket, os, json
                path = sys.argv[1]
                s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(1)
                while True:
                    c, _ = s.accept()
                    buf = b""
                    while True:
                        data = c.recv(4096)
                        if not data: break
                        buf += data
                        while b"\\0" in buf:
                            msg, buf = buf.split(b"\\0", 1)
                            call = json.loads(msg)
                            reply = {"client_id": "x"} if call["method"].endswith("Start") else {"bool": False}
                            c.sendall(json.dumps({"parameters": reply}).encode() + b"\\0")
                """, "PATH",
            ], log: TestSupport.temporaryDirectory() + "/log")
        defer { TestSupport.kill(server) }
        let result = await ChildProcess.run([Self.binary, "--client", "--varlink=unix:\(path)"])
        #expect(result.status != 0)
        #expect(result.output.contains("Test01: expected true, got false"))
    }

    @Test(
        .enabled(
            if: ready && TestSupport.have("systemd-socket-activate") && TestSupport.havePython,
            "needs systemd-socket-activate and python's varlink"))
    func systemdSocketActivationAnswersThenExitsWhenIdle() async throws {
        let path = TestSupport.temporaryDirectory() + "/socket"
        let log = TestSupport.temporaryDirectory() + "/log"
        let activator = try TestSupport.start(
            ["systemd-socket-activate", "-l", path, Self.binary, "--timeout=1"], log: log)
        defer { if activator.isRunning { TestSupport.kill(activator) } }
        #expect(await TestSupport.waitForSocket(path))
        let result = await ChildProcess.run(
            ["python3", "-m", "varlink.tests.test_certification", "--client", "--varlink=unix:\(path)"])
        #expect(result.status == 0 && result.output.contains("Certification passed"), "\(result.output)\(result.error)")
        // The service exits after a second without connections; systemd-socket-activate exits with it.
        #expect(await activator.wait(timeout: 10) == 0, "the activated service did not exit when idle")
    }

    @Test(.enabled(if: ready && TestSupport.havePython, "needs python3 with the varlink package"))
    func genericToolsIntrospectOurService() async throws {
        let (server, path) = try await Self.serve(
            [Self.binary, "--varlink=unix:PATH"], log: TestSupport.temporaryDirectory() + "/log")
        defer { TestSupport.kill(server) }
        let info = await ChildProcess.run(["python3", "-m", "varlink.cli", "info", "unix:\(path)"])
        #expect(info.output.contains("Vendor: Podlink"), "\(info.output)\(info.error)")
        #expect(info.output.contains("Product: varlink-certification"))
        #expect(info.output.contains("org.varlink.certification"))
        let help = await ChildProcess.run([
            "python3", "-m", "varlink.cli", "help", "unix:\(path)/org.varlink.certification",
        ])
        #expect(help.output.contains("interface org.varlink.certification"), "\(help.output)\(help.error)")
        #expect(help.output.contains("method Test10(client_id: string, mytype: MyType) -> (string: string)"))
    }
}

@Suite("Service manager notifications")
struct NotifyTests {
    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: TestSupport.certificationBinary),
            "needs the certification service built"))
    func readyAndStoppingReachTheNotifySocket() async throws {
        let directory = TestSupport.temporaryDirectory()
        let notify = try NotifySocket(path: directory + "/notify")
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        let server = try TestSupport.start(
            [TestSupport.certificationBinary, "--varlink=unix:\(directory)/socket"], environment: environment)
        #expect(await notify.wait(for: "READY=1"))
        server.terminate()
        #expect(await notify.wait(for: "STOPPING=1"))
        #expect(await server.wait() == 0)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
