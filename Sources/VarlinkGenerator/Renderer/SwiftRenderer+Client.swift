extension SwiftRenderer {
    /// The typed client: per method, a call with one reply, a `more` stream, a `oneway` send and an `upgrade`.
    func write(_ client: ClientModel, to w: inout CodeWriter) {
        let property = client.connectionProperty
        w.line("/// A typed client of `\(client.interfaceName)`.")
        w.block("public struct \(client.name): Swift.Sendable") { w in
            w.line("/// The untyped client the calls go through.")
            w.line("public let \(property): Varlink.VarlinkClient")
            w.line()
            w.line("/// Creates a client over an untyped client.")
            w.line("public init(_ client: Varlink.VarlinkClient) { self.\(property) = client }")
            w.line()
            w.line("/// Creates a client over a transport.")
            w.line(
                "public init(transport: any Varlink.VarlinkTransport) { self.\(property) = Varlink.VarlinkClient(transport: transport) }"
            )
            for call in client.calls { write(call, connection: property, to: &w) }
        }
    }

    /// The four functions of one method in the client.
    private func write(_ call: ClientModel.Call, connection property: String, to w: inout CodeWriter) {
        let type = call.methodType
        let fields = call.parameters
        let arguments = fields.map { "\($0.property): \($0.type.swift)\($0.type.isOptional ? " = nil" : "")" }
        let build = "\(type).Parameters(\(fields.map { "\($0.label): \($0.property)" }.joined(separator: ", ")))"
        let name = call.functionName
        let documentation = call.documentation
        func signature(_ extra: String?) -> String {
            (arguments + (extra.map { [$0] } ?? [])).joined(separator: ", ")
        }
        w.line()
        w.doc(documentation)
        w.block("public func \(name)(\(signature(nil))) async throws -> \(type).Reply") { w in
            w.line("try await \(property).call(\(type).self, \(build))")
        }
        w.line()
        w.doc(documentation + ["", "Asks for `more`: the replies come as a stream."])
        w.block(
            "public func \(name)(\(signature("_ more: Varlink.VarlinkMore"))) -> Swift.AsyncThrowingStream<\(type).Reply, any Swift.Error>"
        ) { w in
            w.line("\(property).stream(\(type).self, \(build))")
        }
        w.line()
        w.doc(documentation + ["", "Sends the call `oneway`: no reply comes back."])
        w.block("public func \(name)(\(signature("_ oneway: Varlink.VarlinkOneway"))) async throws") { w in
            w.line("try await \(property).send(\(type).self, \(build))")
        }
        w.line()
        w.doc(documentation + ["", "Asks to `upgrade`: after the reply, the connection is the caller's."])
        w.block(
            "public func \(name)(\(signature("_ upgrade: Varlink.VarlinkUpgrade"))) async throws -> (\(type).Reply, any Varlink.VarlinkUpgradedConnection)"
        ) { w in
            w.line("try await \(property).upgrade(\(type).self, \(build))")
        }
    }
}
