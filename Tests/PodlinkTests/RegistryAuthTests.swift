import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

/// Registries that want a password (htpasswd) or speak TLS with a certificate from a CA of the test's own, on
/// Debian's docker-registry, through the real socket: typed refusals, the service's auth file, its certs directory.
@Suite(
    "Registry auth and TLS",
    .enabled(
        if: PodlinkdFixture.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry"),
        "needs root, runc, conmon, podlinkd and docker-registry"),
    .timeLimit(.minutes(3)))
struct RegistryAuthTests {
    typealias Registry = RegistryTests.Registry

    static let user = "podlink"
    static let password = "right-password"
    static var hasHtpasswd: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd") }
    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    /// A registry over plain HTTP that wants ``user`` and ``password`` (a bcrypt entry: the registry reads no other).
    static func passwordRegistry() async throws -> Registry {
        try await Registry { directory in
            try await Self.run(["htpasswd", "-Bbc", directory + "/htpasswd", Self.user, Self.password])
            return """
                auth:
                  htpasswd:
                    realm: podlink-tests
                    path: \(directory)/htpasswd
                """
        }
    }

    /// A registry over TLS, its certificate (for IP 127.0.0.1) signed by a CA of its own, left in its directory as
    /// `ca.crt`.
    static func tlsRegistry() async throws -> Registry {
        try await Registry { directory in
            let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            try "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
                .write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
            try await Self.run(
                ["openssl", "req", "-x509"] + ec + [
                    "-keyout", directory + "/ca.key", "-out", directory + "/ca.crt", "-days", "2", "-subj",
                    "/CN=podlink-test-ca",
                ])
            try await Self.run(
                ["openssl", "req", "-new"] + ec + [
                    "-keyout", directory + "/server.key", "-out", directory + "/server.csr", "-subj", "/CN=127.0.0.1",
                ])
            try await Self.run([
                "openssl", "x509", "-req", "-in", directory + "/server.csr", "-CA", directory + "/ca.crt", "-CAkey",
                directory + "/ca.key", "-set_serial", "1", "-days", "2", "-extfile", directory + "/server.ext", "-out",
                directory + "/server.crt",
            ])
            return """
                  tls:
                    certificate: \(directory)/server.crt
                    key: \(directory)/server.key
                """
        }
    }

    /// Runs a command the fixtures need, and throws with its output when it fails.
    static func run(_ arguments: [String]) async throws {
        let result = await ChildProcess.run(arguments)
        guard result.status == 0 else {
            throw PodlinkdFixture.Failure(description: "\(arguments.joined(separator: " ")): \(result)")
        }
    }

    /// A certificates directory (in the registry's directory) that trusts the registry's CA, laid out as podlinkd's
    /// `--certs-dir` documents and as `/etc/containers/certs.d` is: `HOST:PORT/ca.crt`.
    static func trusting(_ registry: Registry) throws -> String {
        let directory = registry.directory + "/certs.d"
        let host = directory + "/" + registry.address
        try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: registry.directory + "/ca.crt", toPath: host + "/ca.crt")
        return directory
    }

    /// Whether `error` is `RegistryUnauthorized` naming `registry`.
    static func unauthorized(_ error: any Error, _ registry: Registry) -> Bool {
        guard case .registryUnauthorized(let name, let reason) = error as? IoPodlinkError else { return false }
        return name == registry.address && !reason.isEmpty
    }

    /// Whether `error` is `RegistryUnreachable` naming `registry`, for its certificate.
    static func untrusted(_ error: any Error, _ registry: Registry) -> Bool {
        guard case .registryUnreachable(let name, let reason) = error as? IoPodlinkError else { return false }
        return name == registry.address && (reason.contains("x509") || reason.contains("certificate"))
    }

    /// Runs `body` with a client of `fixture` holding the test image as `test:latest` and as `name` in `registry`,
    /// and the image's id; the service is torn down afterwards, whatever happens.
    static func withImage(
        _ fixture: PodlinkdFixture, in registry: Registry,
        _ body: (IoPodlinkClient, _ name: String, _ id: String) async throws -> Void
    ) async throws {
        try await withTearDown(fixture, tearDown: { await $0.tearDown() }) { fixture in
            let (client, connection) = try await fixture.clientWithImage()
            try await withTearDown(connection, tearDown: { await $0.close() }) { _ in
                let name = "\(registry.address)/tests/busybox:1"
                _ = try await client.tagImage(name: "test:latest", tagged: name)
                let id = try await client.inspectImage(name: name).image.id
                try await body(client, name, id)
                // Nothing half-stored: the store's temporary directory (the calls' own auth files too) is empty.
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/storage/tmp")
                #expect(leftovers.isEmpty, "\(leftovers)")
            }
        }
    }

    @Test(.enabled(if: hasHtpasswd, "needs htpasswd"))
    func passwordsAreCheckedAndLoginsKeptInTheAuthFile() async throws {
        let registry = try await Self.passwordRegistry()
        try await withTearDown(registry, tearDown: { await $0.stop() }) { registry in
            let authFile = registry.directory + "/auth.json"
            let fixture = try await RegistryTests.service(registry, arguments: ["--authfile", authFile])
            try await Self.withImage(fixture, in: registry) { client, name, id in
                let wrong = IoPodlink.RegistryAccess(username: Self.user, password: "wrong")
                await #expect { _ = try await client.pushImage(name: name, access: wrong) } throws: {
                    Self.unauthorized($0, registry)
                }
                await #expect { _ = try await client.pushImage(name: name) } throws: { Self.unauthorized($0, registry) }
                await #expect {
                    _ = try await client.loginRegistry(
                        registry: registry.address, username: Self.user, password: "wrong")
                } throws: { Self.unauthorized($0, registry) }
                #expect(!FileManager.default.fileExists(atPath: authFile), "a refused login stores nothing")

                // Logged in: pushes and pulls without credentials of their own read the service's auth file.
                _ = try await client.loginRegistry(
                    registry: registry.address, username: Self.user, password: Self.password)
                let digest = try await client.pushImage(name: name).digest
                #expect(digest?.hasPrefix("sha256:") == true)
                _ = try await client.removeImage(name: id, force: true)
                #expect(try await client.pullImage(reference: name).image == id)

                // Logged out: refused, unless the call brings credentials (which are not kept).
                _ = try await client.logoutRegistry(registry: registry.address)
                _ = try await client.removeImage(name: id, force: true)
                await #expect { _ = try await client.pullImage(reference: name) } throws: {
                    Self.unauthorized($0, registry)
                }
                let right = IoPodlink.RegistryAccess(username: Self.user, password: Self.password)
                #expect(try await client.pullImage(reference: name, access: right).image == id)
                _ = try await client.removeImage(name: id, force: true)
                await #expect { _ = try await client.pullImage(reference: name) } throws: {
                    Self.unauthorized($0, registry)
                }
                #expect(try await client.listImages().images.isEmpty)
            }
        }
    }

    @Test(.enabled(if: hasOpenSSL, "needs openssl"))
    func aServiceTrustingTheCAPushesAndPullsVerified() async throws {
        let registry = try await Self.tlsRegistry()
        try await withTearDown(registry, tearDown: { await $0.stop() }) { registry in
            let certificates = try Self.trusting(registry)
            let fixture = try await RegistryTests.service(
                registry, insecure: false,
                arguments: ["--certs-dir", certificates, "--authfile", registry.directory + "/auth.json"])
            try await Self.withImage(fixture, in: registry) { client, name, id in
                let digest = try await client.pushImage(name: name).digest
                #expect(digest?.hasPrefix("sha256:") == true)
                _ = try await client.removeImage(name: id, force: true)
                #expect(try await client.pullImage(reference: name).image == id)
                #expect(try await client.inspectImage(name: name).image.digest == digest)
            }
        }
    }

    @Test(.enabled(if: hasOpenSSL, "needs openssl"))
    func withoutTheCAVerificationFailsTyped() async throws {
        let registry = try await Self.tlsRegistry()
        try await withTearDown(registry, tearDown: { await $0.stop() }) { registry in
            // No certs directory: the system's, which do not hold this CA. An auth file of its own all the same.
            let fixture = try await RegistryTests.service(
                registry, insecure: false, arguments: ["--authfile", registry.directory + "/auth.json"])
            try await Self.withImage(fixture, in: registry) { client, name, id in
                await #expect { _ = try await client.pushImage(name: name) } throws: { Self.untrusted($0, registry) }
                await #expect { _ = try await client.pullImage(reference: name) } throws: {
                    Self.untrusted($0, registry)
                }
                await #expect {
                    _ = try await client.loginRegistry(registry: registry.address, username: "any", password: "any")
                } throws: { Self.untrusted($0, registry) }

                // tls_verify false, for these calls only: unverified, they go through.
                let unverified = IoPodlink.RegistryAccess(tlsVerify: false)
                _ = try await client.pushImage(name: name, access: unverified)
                _ = try await client.removeImage(name: id, force: true)
                #expect(try await client.pullImage(reference: name, access: unverified).image == id)
                _ = try await client.removeImage(name: id, force: true)
                await #expect { _ = try await client.pullImage(reference: name) } throws: {
                    Self.untrusted($0, registry)
                }
            }
        }
    }
}
