import Synchronization
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// `org.varlink.certification` as the reference servers implement it: every call is checked, exactly, against
/// what a correct client sends at that step; a wrong step or value is a `CertificationError` carrying both.
final class CertificationService: OrgVarlinkCertificationService {
    typealias C = OrgVarlinkCertification
    private let nextMethod = Mutex<[String: String]>([:])

    static let pi = 3.141592653589793
    static let mapValue: JSONValue = ["foo": "Foo", "bar": "Bar"]
    static let myType: JSONValue = [
        "object": ["method": "org.varlink.certification.Test09", "parameters": ["map": ["foo": "Foo", "bar": "Bar"]]],
        "enum": "two",
        "struct": ["first": 1, "second": "2"],
        "array": ["one", "two", "three"],
        "dictionary": ["foo": "Foo", "bar": "Bar"],
        "stringset": ["one": [:], "two": [:], "three": [:]],
        "interface": [
            "foo": [nil, ["foo": "foo", "bar": "bar"], nil, ["one": "foo", "two": "bar"]],
            "anon": ["foo": true, "bar": false],
        ],
    ]

    static func newClientID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }

    /// Checks that `method` is the step `clientID` is at, and moves it to `next`.
    private func step(_ clientID: String, _ method: String, next: String) throws {
        try nextMethod.withLock { table in
            guard let expected = table[clientID] else { throw OrgVarlinkCertificationError.clientIdError }
            guard expected == method else {
                table[clientID] = nil
                throw OrgVarlinkCertificationError.certificationError(
                    wants: .string("Call to method org.varlink.certification.\(expected)"),
                    got: .string("Call to method org.varlink.certification.\(method)"))
            }
            table[clientID] = next
        }
    }

    /// Compares the raw call with what it should be.
    private func check<R>(
        _ clientID: String, _ context: VarlinkCallContext<R>, wants: JSONValue, _ condition: Bool = true
    )
        throws
    {
        let got = (try? VarlinkJSON.decode(JSONValue.self, from: context.rawMessage)) ?? .null
        var comparable = got
        if case .object(var members) = got, members["parameters"] == .object([:]) {
            members["parameters"] = nil
            comparable = .object(members)
        }
        if !condition || !comparable.isJSONEqual(to: wants) {
            nextMethod.withLock { $0[clientID] = nil }
            throw OrgVarlinkCertificationError.certificationError(wants: wants, got: got)
        }
    }

    private func call(_ method: String, _ parameters: JSONValue, flags: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = ["method": .string("org.varlink.certification.\(method)")]
        if parameters != .object([:]) { members["parameters"] = parameters }
        for (key, value) in flags { members[key] = value }
        return .object(members)
    }

    func start(
        _ parameters: C.Start.Parameters, context: VarlinkCallContext<C.Start.Reply>
    ) async throws
        -> C.Start.Reply
    {
        let id = Self.newClientID()
        nextMethod.withLock { $0[id] = "Test01" }
        try check(id, context, wants: call("Start", [:]))
        return .init(clientId: id)
    }

    func test01(
        _ parameters: C.Test01.Parameters, context: VarlinkCallContext<C.Test01.Reply>
    ) async throws
        -> C.Test01.Reply
    {
        let id = parameters.clientId
        try step(id, "Test01", next: "Test02")
        try check(id, context, wants: call("Test01", ["client_id": .string(id)]))
        return .init(bool: true)
    }

    func test02(
        _ parameters: C.Test02.Parameters, context: VarlinkCallContext<C.Test02.Reply>
    ) async throws
        -> C.Test02.Reply
    {
        let id = parameters.clientId
        try step(id, "Test02", next: "Test03")
        try check(id, context, wants: call("Test02", ["client_id": .string(id), "bool": true]), parameters.bool)
        return .init(int: 1)
    }

    func test03(
        _ parameters: C.Test03.Parameters, context: VarlinkCallContext<C.Test03.Reply>
    ) async throws
        -> C.Test03.Reply
    {
        let id = parameters.clientId
        try step(id, "Test03", next: "Test04")
        try check(id, context, wants: call("Test03", ["client_id": .string(id), "int": 1]), parameters.int == 1)
        return .init(float: 1.0)
    }

    func test04(
        _ parameters: C.Test04.Parameters, context: VarlinkCallContext<C.Test04.Reply>
    ) async throws
        -> C.Test04.Reply
    {
        let id = parameters.clientId
        try step(id, "Test04", next: "Test05")
        try check(id, context, wants: call("Test04", ["client_id": .string(id), "float": 1.0]), parameters.float == 1)
        return .init(string: "ping")
    }

    func test05(
        _ parameters: C.Test05.Parameters, context: VarlinkCallContext<C.Test05.Reply>
    ) async throws
        -> C.Test05.Reply
    {
        let id = parameters.clientId
        try step(id, "Test05", next: "Test06")
        try check(
            id, context, wants: call("Test05", ["client_id": .string(id), "string": "ping"]),
            parameters.string == "ping")
        return .init(bool: false, int: 2, float: Self.pi, string: "a lot of string")
    }

    func test06(
        _ parameters: C.Test06.Parameters, context: VarlinkCallContext<C.Test06.Reply>
    ) async throws
        -> C.Test06.Reply
    {
        let id = parameters.clientId
        try step(id, "Test06", next: "Test07")
        let wants = call(
            "Test06",
            ["client_id": .string(id), "bool": false, "int": 2, "float": .double(Self.pi), "string": "a lot of string"])
        try check(id, context, wants: wants)
        return .init(struct: .init(bool: false, int: 2, float: Self.pi, string: "a lot of string"))
    }

    func test07(
        _ parameters: C.Test07.Parameters, context: VarlinkCallContext<C.Test07.Reply>
    ) async throws
        -> C.Test07.Reply
    {
        let id = parameters.clientId
        try step(id, "Test07", next: "Test08")
        let wants = call(
            "Test07",
            [
                "client_id": .string(id),
                "struct": ["bool": false, "int": 2, "float": .double(Self.pi), "string": "a lot of string"],
            ])
        try check(id, context, wants: wants)
        return .init(map: ["foo": "Foo", "bar": "Bar"])
    }

    func test08(
        _ parameters: C.Test08.Parameters, context: VarlinkCallContext<C.Test08.Reply>
    ) async throws
        -> C.Test08.Reply
    {
        let id = parameters.clientId
        try step(id, "Test08", next: "Test09")
        try check(id, context, wants: call("Test08", ["client_id": .string(id), "map": Self.mapValue]))
        return .init(set: ["one", "two", "three"])
    }

    func test09(
        _ parameters: C.Test09.Parameters, context: VarlinkCallContext<C.Test09.Reply>
    ) async throws
        -> C.Test09.Reply
    {
        let id = parameters.clientId
        try step(id, "Test09", next: "Test10")
        let wants = call("Test09", ["client_id": .string(id), "set": ["one": [:], "two": [:], "three": [:]]])
        try check(id, context, wants: wants, parameters.set == ["one", "two", "three"])
        return .init(mytype: try VarlinkJSON.convert(Self.myType, to: C.MyType.self))
    }

    func test10(
        _ parameters: C.Test10.Parameters, context: VarlinkCallContext<C.Test10.Reply>
    ) async throws
        -> C.Test10.Reply
    {
        let id = parameters.clientId
        try step(id, "Test10", next: "Test11")
        let wants = call("Test10", ["client_id": .string(id), "mytype": Self.myType], flags: ["more": true])
        // Absent and null are the same for the nullable fields.
        var got = (try? VarlinkJSON.decode(JSONValue.self, from: context.rawMessage)) ?? .null
        if case .object(var message) = got, case .object(var parameters) = message["parameters"],
            case .object(var mytype) = parameters["mytype"]
        {
            for key in ["nullable", "nullable_array_struct"] where mytype[key] == .null { mytype[key] = nil }
            parameters["mytype"] = .object(mytype)
            message["parameters"] = .object(parameters)
            got = .object(message)
        }
        if !got.isJSONEqual(to: wants) {
            nextMethod.withLock { $0[id] = nil }
            throw OrgVarlinkCertificationError.certificationError(wants: wants, got: got)
        }
        try context.requireMore()
        for index in 1..<10 { try await context.send(.init(string: "Reply number \(index)")) }
        return .init(string: "Reply number 10")
    }

    func test11(
        _ parameters: C.Test11.Parameters, context: VarlinkCallContext<C.Test11.Reply>
    ) async throws
        -> C.Test11.Reply
    {
        let id = parameters.clientId
        try step(id, "Test11", next: "End")
        let replies = JSONValue.array((1...10).map { .string("Reply number \($0)") })
        let wants = call("Test11", ["client_id": .string(id), "last_more_replies": replies], flags: ["oneway": true])
        try check(id, context, wants: wants, context.oneway)
        return .init()
    }

    func end(_ parameters: C.End.Parameters, context: VarlinkCallContext<C.End.Reply>) async throws -> C.End.Reply {
        let id = parameters.clientId
        try step(id, "End", next: "Start")
        try check(id, context, wants: call("End", ["client_id": .string(id)]))
        nextMethod.withLock { $0[id] = nil }
        return .init(allOk: true)
    }
}
