import Varlink

/// Runs the certification sequence against a server, checking every reply exactly.
struct CertificationClient {
    typealias C = OrgVarlinkCertification
    let client: OrgVarlinkCertificationClient

    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    private func expect<T: Equatable>(_ step: String, _ got: T, _ wants: T) throws {
        guard got == wants else { throw Mismatch(description: "\(step): expected \(wants), got \(got)") }
        print("\(step): \(got)")
    }

    func run() async throws {
        let id = try await client.start().clientId
        guard !id.isEmpty else { throw Mismatch(description: "Start: empty client_id") }
        print("Start: client_id \(id)")
        let bool = try await client.test01(clientId: id).bool
        try expect("Test01", bool, true)
        let int = try await client.test02(clientId: id, bool: bool).int
        try expect("Test02", int, 1)
        let float = try await client.test03(clientId: id, int: int).float
        try expect("Test03", float, 1.0)
        let string = try await client.test04(clientId: id, float: float).string
        try expect("Test04", string, "ping")
        let five = try await client.test05(clientId: id, string: string)
        try expect(
            "Test05", five,
            C.Test05.Reply(bool: false, int: 2, float: CertificationService.pi, string: "a lot of string"))
        let six = try await client.test06(
            clientId: id, bool: five.bool, int: five.int, float: five.float, string: five.string)
        try expect(
            "Test06", six.struct,
            C.Test06.Reply.Struct(bool: false, int: 2, float: CertificationService.pi, string: "a lot of string"))
        let seven = try await client.test07(
            clientId: id,
            struct: .init(
                bool: six.struct.bool, int: six.struct.int, float: six.struct.float, string: six.struct.string))
        try expect("Test07", seven.map, ["foo": "Foo", "bar": "Bar"])
        let eight = try await client.test08(clientId: id, map: seven.map)
        try expect("Test08", eight.set, ["one", "two", "three"])
        let nine = try await client.test09(clientId: id, set: eight.set)
        // The reference servers differ in one place: Go's sends the keys of the second `interface.foo` map
        // capitalised. Both forms are accepted; the value is sent back unchanged in Test10.
        var goForm = try VarlinkJSON.convert(CertificationService.myType, to: C.MyType.self)
        goForm.interface.foo?[1] = ["Foo": .foo, "Bar": .bar]
        let pythonForm = try VarlinkJSON.convert(CertificationService.myType, to: C.MyType.self)
        if nine.mytype != goForm {
            try expect("Test09", nine.mytype, pythonForm)
        } else {
            print("Test09: \(nine.mytype)")
        }
        var replies: [String] = []
        for try await reply in client.test10(clientId: id, mytype: nine.mytype, .more) {
            replies.append(reply.string)
            print("Test10: \(reply.string)")
        }
        try expect("Test10", replies, (1...10).map { "Reply number \($0)" })
        try await client.test11(clientId: id, lastMoreReplies: replies, .oneway)
        print("Test11: sent oneway")
        let end = try await client.end(clientId: id)
        try expect("End", end.allOk, true)
        print("Certification passed")
    }
}
