import Testing

@testable import VarlinkGenerator

/// The render stage, one type at a time: small interfaces, each checked against what it prints for one declaration:
/// the whole snippet of a struct and of an enum, and for the other constructs the lines they change or how they
/// compose. The whole-file references in `Fixtures` check all of the output in context.
@Suite("Rendered snippets: types")
struct TypeSnippetTests {
    @Test func aStructWithAnOptionalAndAnArrayField() throws {
        expectSnippet(
            try rendered("type Pet (name: string, nickname: ?string, tags: []string)\n", member: "Pet"),
            #"""
            /// `Pet`
            public struct Pet: Swift.Codable, Varlink.VarlinkJSONCodable, Swift.Sendable, Swift.Hashable {
                /// `name`
                public var name: Swift.String
                /// `nickname`
                public var nickname: Swift.String?
                /// `tags`
                public var tags: [Swift.String]

                /// Creates a value from its fields.
                public init(name: Swift.String, nickname: Swift.String? = nil, tags: [Swift.String]) {
                    self.name = name
                    self.nickname = nickname
                    self.tags = tags
                }

                private enum CodingKeys: Swift.String, Swift.CodingKey {
                    case name = "name"
                    case nickname = "nickname"
                    case tags = "tags"
                }

                /// Decodes the value; in strict mode (call parameters) unknown fields are rejected.
                public init(from decoder: any Swift.Decoder) throws {
                    try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["name", "nickname", "tags"])
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    self.name = try container.varlinkDecode(Swift.String.self, forKey: .name)
                    self.nickname = try container.varlinkDecodeIfPresent(Swift.String.self, forKey: .nickname)
                    self.tags = try container.varlinkDecode([Swift.String].self, forKey: .tags)
                }

                /// Encodes the value; absent optional fields are left out.
                public func encode(to encoder: any Swift.Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(self.name, forKey: .name)
                    try container.encodeIfPresent(self.nickname, forKey: .nickname)
                    try container.encode(self.tags, forKey: .tags)
                }

                /// Reads the value; a strict reader (call parameters) refuses fields it does not declare.
                public init(json reader: inout Varlink.VarlinkJSONReader) throws(Varlink.VarlinkJSONError) {
                    var field0: Swift.String? = nil
                    var field1: Swift.String? = nil
                    var field2: [Swift.String]? = nil
                    try reader.beginObject()
                    var first = true
                    while let key = try reader.nextKey(&first) {
                        switch key {
                        case "name": field0 = try reader.member("name", Swift.String.self)
                        case "nickname": field1 = try reader.member("nickname", Swift.String?.self)
                        case "tags": field2 = try reader.member("tags", [Swift.String].self)
                        default: try reader.unknownMember(key)
                        }
                    }
                    guard let field0 else { throw Varlink.VarlinkJSONReader.missing("name") }
                    guard let field2 else { throw Varlink.VarlinkJSONReader.missing("tags") }
                    self.name = field0
                    self.nickname = field1
                    self.tags = field2
                }

                /// Writes the value; absent optional fields are left out, keys are sorted.
                public func encodeJSON(to writer: inout Varlink.VarlinkJSONWriter) {
                    writer.beginObject()
                    writer.key("name")
                    self.name.encodeJSON(to: &writer)
                    if let value = self.nickname {
                        writer.key("nickname")
                        value.encodeJSON(to: &writer)
                    }
                    writer.key("tags")
                    self.tags.encodeJSON(to: &writer)
                    writer.endObject()
                }
            }
            """#)
    }

    @Test func anyFieldsAreJSONValues() throws {
        expectSnippet(
            try rendered("type Dynamic (value: any, maybe: ?any, list: []any)\n", member: "Dynamic"),
            #"""
            /// `Dynamic`
            public struct Dynamic: Swift.Codable, Varlink.VarlinkJSONCodable, Swift.Sendable, Swift.Hashable {
                /// `value`
                public var value: Varlink.JSONValue
                /// `maybe`
                public var maybe: Varlink.JSONValue?
                /// `list`
                public var list: [Varlink.JSONValue]

                /// Creates a value from its fields.
                public init(value: Varlink.JSONValue, maybe: Varlink.JSONValue? = nil, list: [Varlink.JSONValue]) {
                    self.value = value
                    self.maybe = maybe
                    self.list = list
                }

                private enum CodingKeys: Swift.String, Swift.CodingKey {
                    case value = "value"
                    case maybe = "maybe"
                    case list = "list"
                }

                /// Decodes the value; in strict mode (call parameters) unknown fields are rejected.
                public init(from decoder: any Swift.Decoder) throws {
                    try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["value", "maybe", "list"])
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    self.value = try container.varlinkDecode(Varlink.JSONValue.self, forKey: .value)
                    self.maybe = try container.varlinkDecodeIfPresent(Varlink.JSONValue.self, forKey: .maybe)
                    self.list = try container.varlinkDecode([Varlink.JSONValue].self, forKey: .list)
                }

                /// Encodes the value; absent optional fields are left out.
                public func encode(to encoder: any Swift.Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(self.value, forKey: .value)
                    try container.encodeIfPresent(self.maybe, forKey: .maybe)
                    try container.encode(self.list, forKey: .list)
                }

                /// Reads the value; a strict reader (call parameters) refuses fields it does not declare.
                public init(json reader: inout Varlink.VarlinkJSONReader) throws(Varlink.VarlinkJSONError) {
                    var field0: Varlink.JSONValue? = nil
                    var field1: Varlink.JSONValue? = nil
                    var field2: [Varlink.JSONValue]? = nil
                    try reader.beginObject()
                    var first = true
                    while let key = try reader.nextKey(&first) {
                        switch key {
                        case "value": field0 = try reader.member("value") { (reader: inout Varlink.VarlinkJSONReader) throws(Varlink.VarlinkJSONError) in try reader.readValue(allowNull: false) }
                        case "maybe": field1 = try reader.member("maybe", Varlink.JSONValue?.self)
                        case "list": field2 = try reader.member("list", [Varlink.JSONValue].self)
                        default: try reader.unknownMember(key)
                        }
                    }
                    guard let field0 else { throw Varlink.VarlinkJSONReader.missing("value") }
                    guard let field2 else { throw Varlink.VarlinkJSONReader.missing("list") }
                    self.value = field0
                    self.maybe = field1
                    self.list = field2
                }

                /// Writes the value; absent optional fields are left out, keys are sorted.
                public func encodeJSON(to writer: inout Varlink.VarlinkJSONWriter) {
                    writer.beginObject()
                    writer.key("list")
                    self.list.encodeJSON(to: &writer)
                    if let value = self.maybe {
                        writer.key("maybe")
                        value.encodeJSON(to: &writer)
                    }
                    writer.key("value")
                    self.value.encodeJSON(to: &writer)
                    writer.endObject()
                }
            }
            """#)
    }

    @Test func anEnumWhoseDecoderListsTheAllowedValues() throws {
        expectSnippet(
            try rendered("type Color (red, dark_blue)\n", member: "Color"),
            #"""
            /// `Color`
            public enum Color: Swift.String, Swift.Codable, Varlink.VarlinkJSONCodable, Swift.Sendable, Swift.Hashable, Swift.CaseIterable {
                /// `red`
                case red = "red"
                /// `dark_blue`
                case darkBlue = "dark_blue"

                /// Decodes a value; an unknown one is an error that lists the allowed values.
                public init(from decoder: any Swift.Decoder) throws {
                    let container = try decoder.singleValueContainer()
                    let raw = try container.decode(Swift.String.self)
                    guard let value = Self(rawValue: raw) else {
                        throw Swift.DecodingError.dataCorruptedError(
                            in: container, debugDescription: "unknown value '\(raw)' for enum Color; expected one of: red, dark_blue")
                    }
                    self = value
                }

                /// Reads a value; an unknown one is an error that lists the allowed values.
                public init(json reader: inout Varlink.VarlinkJSONReader) throws(Varlink.VarlinkJSONError) {
                    let raw = try reader.readString()
                    guard let value = Self(rawValue: raw) else {
                        throw Varlink.VarlinkJSONError("unknown value '\(raw)' for enum Color; expected one of: red, dark_blue")
                    }
                    self = value
                }

                /// Writes the value's name.
                public func encodeJSON(to writer: inout Varlink.VarlinkJSONWriter) {
                    writer.write(self.rawValue)
                }
            }
            """#)
    }

    @Test func aNestedAnonymousStruct() throws {
        let model = try translated("type Box (size: (width: int))\n")
        let box = try rendered(model, member: "Box")
        expectLines(
            box,
            #"""
                public var size: OrgExampleSnippets.Box.Size
                public init(size: OrgExampleSnippets.Box.Size) {
                    self.size = try container.varlinkDecode(OrgExampleSnippets.Box.Size.self, forKey: .size)
            """#)
        // The inline struct closes its parent, printed as at the top level but one level deeper.
        let size = try #require(model.member("Box", as: StructModel.self)?.nested.first)
        #expect(box.hasSuffix("    }\n\n" + indented(rendered { $0.write(size, to: &$1) }) + "}\n"))
    }

    @Test func keywordNamedFieldsNeedBackticksOrATrailingUnderscore() throws {
        expectLines(
            try rendered("type Options (default: bool, in: ?string, self: int)\n", member: "Options"),
            #"""
                public var `default`: Swift.Bool
                public var `in`: Swift.String?
                public var self_: Swift.Int
                public init(`default`: Swift.Bool, `in`: Swift.String? = nil, self_: Swift.Int) {
                    self.`default` = `default`
                    self.`in` = `in`
                    self.self_ = self_
                    case `default` = "default"
                    case `in` = "in"
                    case self_ = "self"
                    try Varlink.VarlinkJSON.checkKnownKeys(decoder, ["default", "in", "self"])
                    self.`default` = try container.varlinkDecode(Swift.Bool.self, forKey: .`default`)
                    self.`in` = try container.varlinkDecodeIfPresent(Swift.String.self, forKey: .`in`)
                    self.self_ = try container.varlinkDecode(Swift.Int.self, forKey: .self_)
                    try container.encode(self.`default`, forKey: .`default`)
                    try container.encodeIfPresent(self.`in`, forKey: .`in`)
                    try container.encode(self.self_, forKey: .self_)
            """#)
    }

    @Test func aSetIsConvertedForTheWire() throws {
        expectLines(
            try rendered("type Labels (names: [string]())\n", member: "Labels"),
            #"""
                public var names: Swift.Set<Swift.String>
                public init(names: Swift.Set<Swift.String>) {
                    self.names = try container.varlinkDecode(Varlink.VarlinkStringSet.self, forKey: .names).values
                    try container.encode(Varlink.VarlinkStringSet(self.names), forKey: .names)
            """#)
    }

    @Test func anAliasWithAnInlineElementType() throws {
        let model = try translated("type Levels [](low, high)\n")
        let levels = try #require(model.member("Levels", as: TypeAliasModel.self))
        let element = try #require(levels.nested.first?.model(as: EnumModel.self))
        #expect(element.name == "LevelsElement" && element.documentation == ["An element of `Levels`."])
        #expect(element.cases.map(\.value) == ["low", "high"])
        // The alias, then its element type beside it, printed as any enum is.
        let alias = "/// `Levels`\npublic typealias Levels = [OrgExampleSnippets.LevelsElement]\n"
        #expect(try rendered(model, member: "Levels") == alias + "\n" + rendered { $0.write(element, to: &$1) })
    }
}
