import Synchronization
import Testing
import Varlink

/// A service implemented on the generated protocol, called through the generated client in process.
final class EverythingService: OrgExampleEverythingService {
    typealias E = OrgExampleEverything
    let onewayCalls = Mutex(0)

    func echo(
        _ parameters: E.Echo.Parameters, context: VarlinkCallContext<E.Echo.Reply>
    ) async throws
        -> E.Echo.Reply
    {
        E.Echo.Reply(basics: parameters.basics, color: parameters.color, wrappers: parameters.wrappers)
    }

    func count(
        _ parameters: E.Count.Parameters, context: VarlinkCallContext<E.Count.Reply>
    ) async throws
        -> E.Count.Reply
    {
        try context.requireMore()
        for index in 0..<max(parameters.count - 1, 0) {
            try await context.send(E.Count.Reply(index: index, last: false))
        }
        return E.Count.Reply(index: max(parameters.count - 1, 0), last: true)
    }

    func nothing(
        _ parameters: E.Nothing.Parameters, context: VarlinkCallContext<E.Nothing.Reply>
    ) async throws
        -> E.Nothing.Reply
    {
        if context.oneway { onewayCalls.withLock { $0 += 1 } }
        return E.Nothing.Reply()
    }

    func `default`(
        _ parameters: E.Default.Parameters, context: VarlinkCallContext<E.Default.Reply>
    ) async throws
        -> E.Default.Reply
    {
        E.Default.Reply(out: parameters.in.map { "<\($0)>" })
    }

    func fail(
        _ parameters: E.Fail.Parameters, context: VarlinkCallContext<E.Fail.Reply>
    ) async throws
        -> E.Fail.Reply
    {
        switch parameters.which {
        case "notfound": throw OrgExampleEverythingError.notFound(name: "web", kind: .image)
        case "complex": throw OrgExampleEverythingError.complex(where: ["here"], details: .init(code: 7, set: ["a"]))
        case "denied": throw VarlinkError.permissionDenied
        default: throw OrgExampleEverythingError.unavailable
        }
    }
}

@Suite("Generated server protocol and client, in process")
struct LoopbackServiceTests {
    typealias E = OrgExampleEverything
    let implementation = EverythingService()
    let service: VarlinkService
    let client: OrgExampleEverythingClient

    init() {
        service = VarlinkService(
            info: .init(vendor: "Podlink", product: "tests", version: "1", url: "https://example.org"),
            interfaces: [implementation])
        client = OrgExampleEverythingClient(transport: VarlinkLoopbackTransport(service: service))
    }

    @Test func callsReturnTypedReplies() async throws {
        let basics = E.Basics(flag: true, count: 3, ratio: 0.5, text: "hi", anything: ["nested": [1, 2]])
        let reply = try await client.echo(basics: basics, color: .green, wrappers: StubCodingTests.fullWrappers)
        #expect(reply.basics == basics && reply.color == .green && reply.wrappers == StubCodingTests.fullWrappers)
        #expect(try await client.default(in: "x").out == "<x>")
        #expect(try await client.default().out == nil)
    }

    @Test func moreStreamsEveryReplyInOrder() async throws {
        var seen: [Int] = []
        for try await reply in client.count(count: 5, .more) {
            seen.append(reply.index)
            #expect(reply.last == (reply.index == 4))
        }
        #expect(seen == [0, 1, 2, 3, 4])
    }

    @Test func streamingOnlyMethodWithoutMoreIsExpectedMore() async throws {
        await #expect(throws: VarlinkError.expectedMore) { try await client.count(count: 2) }
    }

    @Test func onewayGetsNoReplyButRuns() async throws {
        try await client.nothing(.oneway)
        #expect(implementation.onewayCalls.withLock { $0 } == 1)
    }

    @Test func declaredErrorsArriveTyped() async throws {
        await #expect(throws: OrgExampleEverythingError.notFound(name: "web", kind: .image)) {
            try await client.fail(which: "notfound")
        }
        await #expect(throws: OrgExampleEverythingError.complex(where: ["here"], details: .init(code: 7, set: ["a"]))) {
            try await client.fail(which: "complex")
        }
        await #expect(throws: OrgExampleEverythingError.unavailable) { try await client.fail(which: "other") }
        await #expect(throws: VarlinkError.permissionDenied) { try await client.fail(which: "denied") }
    }

    @Test func serviceInterfaceDescribesTheService() async throws {
        let info = try await OrgVarlinkServiceClient(transport: VarlinkLoopbackTransport(service: service)).getInfo()
        #expect(info.vendor == "Podlink" && info.product == "tests" && info.version == "1")
        #expect(info.interfaces == ["org.varlink.service", "org.example.everything"])
        let text = try await OrgVarlinkServiceClient(transport: VarlinkLoopbackTransport(service: service))
            .getInterfaceDescription(interface: "org.example.everything").description
        #expect(text == E.interfaceDescription)
        await #expect(throws: OrgVarlinkServiceError.interfaceNotFound(interface: "org.nope")) {
            try await OrgVarlinkServiceClient(transport: VarlinkLoopbackTransport(service: service))
                .getInterfaceDescription(interface: "org.nope")
        }
    }

    @Test func unknownNamesGetStandardErrors() async throws {
        func reply(_ call: String) async throws -> String {
            var frames: [String] = []
            for try await frame in try await VarlinkLoopbackTransport(service: service).exchange(
                Array(call.utf8), flags: [])
            {
                frames.append(String(decoding: frame, as: UTF8.self))
            }
            return frames.joined(separator: "|")
        }
        #expect(
            try await reply(#"{"method":"org.example.everything.Nope"}"#)
                == #"{"error":"org.varlink.service.MethodNotFound","parameters":{"method":"org.example.everything.Nope"}}"#
        )
        #expect(
            try await reply(#"{"method":"org.example.nothing.Nope"}"#)
                == #"{"error":"org.varlink.service.InterfaceNotFound","parameters":{"interface":"org.example.nothing"}}"#
        )
        #expect(
            try await reply(#"{"method":"NoDot"}"#)
                == #"{"error":"org.varlink.service.MethodNotFound","parameters":{"method":"NoDot"}}"#)
        #expect(
            try await reply(#"{"method":"org.example.everything.Count","parameters":{"count":"x"}}"#)
                == #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"count"}}"#)
        #expect(try await reply(#"{"method":"org.example.everything.Nothing","oneway":true}"#) == "")
        #expect(try await reply(#"{"method":"org.example.everything.Nothing","more":true}"#) == #"{"parameters":{}}"#)
    }

    @Test func malformedMessagesAreRefused() async throws {
        for bad in ["{", "[]", "42", #"{"parameters":{}}"#, #"{"method":7}"#] {
            await #expect(throws: VarlinkMessage.MalformedMessage.self) {
                _ = try await service.handle(message: Array(bad.utf8), peer: nil) { _, _ in }
            }
        }
    }
}
