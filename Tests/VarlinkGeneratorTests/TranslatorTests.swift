import Testing

@testable import VarlinkGenerator

/// The translate stage alone: the names and types it resolves, before anything is printed.
@Suite("The translate stage's model")
struct TranslatorTests {
    @Test func aKeywordFieldResolvesToItsEscapedName() throws {
        let fields = try #require(
            try translated("type Options (default: bool, self: int, let: ?int)\n").member(
                "Options", as: StructModel.self)
        )
        .fields
        #expect(fields.map(\.name) == ["default", "self", "let"])
        #expect(fields.map(\.property) == ["`default`", "self_", "`let`"])
        #expect(fields.map(\.codingKey) == ["`default`", "self_", "`let`"])
        // A call site needs backticks only for the few keywords not allowed bare as labels.
        #expect(fields.map(\.label) == ["default", "self_", "`let`"])
    }

    @Test func aTypeReferenceResolvesToItsQualifiedSwiftType() throws {
        let model = try translated(
            "type Pet (name: string)\n\ntype Self (x: int)\n\ntype Owner (pets: ?[]Pet, me: Self)\n")
        let owner = try #require(model.member("Owner", as: StructModel.self))
        #expect(owner.fields[0].type == .optional(.array(.named("OrgExampleSnippets.Pet"))))
        #expect(owner.fields[0].type.swift == "[OrgExampleSnippets.Pet]?")
        #expect(owner.fields[1].type == .named("OrgExampleSnippets.Self_"))
        #expect(model.member("Self_") != nil)
    }

    @Test func baseTypesResolveToSwiftTypesAndSetsDifferOnTheWire() throws {
        let fields = try #require(
            try translated(
                "type All (b: bool, i: int, f: float, s: string, o: object, t: [string](), m: [string]int)\n"
            )
            .member("All", as: StructModel.self)
        ).fields
        #expect(fields.map(\.type) == [.bool, .int, .float, .string, .object, .set, .map(.int)])
        #expect(fields[5].type.swift == "Swift.Set<Swift.String>")
        #expect(fields[5].type.wire == "Varlink.VarlinkStringSet")
    }

    @Test func anyResolvesToAJSONValueAsObjectDoes() throws {
        let fields = try #require(
            try translated("type Dynamic (a: any, b: ?any, c: []any, d: [string]?any, o: object)\n")
                .member("Dynamic", as: StructModel.self)
        ).fields
        #expect(fields.map(\.type) == [.any, .optional(.any), .array(.any), .map(.optional(.any)), .object])
        #expect(
            fields.map(\.type.swift) == [
                "Varlink.JSONValue", "Varlink.JSONValue?", "[Varlink.JSONValue]", "[Swift.String: Varlink.JSONValue?]",
                "Varlink.JSONValue",
            ])
        #expect(fields.map(\.type.wire) == fields.map(\.type.swift))
    }

    @Test func anInlineStructBecomesATypeNestedInItsParent() throws {
        let box = try #require(
            try translated("type Box (size: (width: int), sizes: [](depth: int))\n").member("Box", as: StructModel.self)
        )
        #expect(box.fields[0].type == .named("OrgExampleSnippets.Box.Size"))
        #expect(box.fields[1].type == .array(.named("OrgExampleSnippets.Box.Sizes")))
        #expect(box.nested.map(\.name) == ["Size", "Sizes"])
        let size = try #require(box.nested[0].model(as: StructModel.self))
        #expect(size.documentation == ["The type of `size`."])
        #expect(size.fields.map(\.property) == ["width"])
    }

    @Test func anAliasNamesItsInlineElementAvoidingTakenNames() throws {
        let model = try translated("type List [](x: int)\n\ntype ListElement (k: int)\n")
        let list = try #require(model.member("List", as: TypeAliasModel.self))
        #expect(list.type == .array(.named("OrgExampleSnippets.ListElement2")))
        #expect(list.nested.map(\.name) == ["ListElement2"])
    }

    @Test func fieldsWhoseSwiftNamesCollideAreNumbered() throws {
        let fields = try #require(try translated("type T (a_b: int, aB: int)\n").member("T", as: StructModel.self))
            .fields
        #expect(fields.map(\.property) == ["aB", "aB2"])
        #expect(fields.map(\.name) == ["a_b", "aB"])
    }

    @Test func enumValuesBecomeCamelCasedCases() throws {
        let color = try #require(
            try translated("type Color (dark_blue, default)\n").member("Color", as: EnumModel.self))
        #expect(color.cases.map(\.name) == ["darkBlue", "`default`"])
        #expect(color.cases.map(\.value) == ["dark_blue", "default"])
    }

    @Test func aMethodResolvesOnceForItsNamespaceTheProtocolAndTheClient() throws {
        let model = try translated("method Watch(owner: string, default: ?bool) -> (pet: string)\n")
        let watch = try #require(model.member("Watch", as: MethodModel.self))
        #expect(watch.methodName == "org.example.snippets.Watch")
        #expect(watch.failure == "OrgExampleSnippetsError")
        #expect(watch.documentation == ["The method `Watch`."])
        #expect(model.service.requirements.map(\.name) == ["watch"])
        #expect(model.service.requirements.map(\.varlinkName) == ["Watch"])
        #expect(model.service.requirements.map(\.type) == ["OrgExampleSnippets.Watch"])
        #expect(model.service.requirements.map(\.documentation) == [["`Watch`"]])
        let call = try #require(model.client.calls.first)
        #expect(call.name == "watch" && call.type == "OrgExampleSnippets.Watch")
        #expect(call.documentation == ["Calls `Watch`."])
        #expect(call.fields == watch.parameters.fields)
        #expect(model.client.connectionProperty == "connection")
    }

    @Test func aMethodNamedConnectionMovesTheClientsProperty() throws {
        let model = try translated("method Connection() -> ()\n")
        #expect(model.client.connectionProperty == "varlinkConnection")
        #expect(model.client.calls.map(\.name) == ["connection"])
    }

    @Test func anErrorCaseCarriesTheFieldsOfItsParameters() throws {
        let model = try translated("error NotFound (name: string, default: ?int)\n\nerror Busy ()\n")
        let notFound = try #require(model.member("NotFound", as: ErrorModel.self))
        #expect(notFound.errorName == "org.example.snippets.NotFound")
        #expect(model.errorEnum.name == "OrgExampleSnippetsError")
        #expect(model.errorEnum.cases.map(\.name) == ["notFound", "busy"])
        #expect(model.errorEnum.cases.map(\.varlinkName) == ["NotFound", "Busy"])
        #expect(model.errorEnum.cases.map(\.type) == ["OrgExampleSnippets.NotFound", "OrgExampleSnippets.Busy"])
        #expect(model.errorEnum.cases[0].fields == notFound.parameters.fields)
        #expect(model.errorEnum.cases[1].fields.isEmpty)
    }
}
