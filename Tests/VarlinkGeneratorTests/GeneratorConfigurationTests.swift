import Testing
import VarlinkGenerator

/// `varlink-generator.json`, the options a target gives the build plugin.
@Suite("The generator configuration file")
struct GeneratorConfigurationTests {
    @Test func optionsAreReadAndDefaulted() throws {
        #expect(try GeneratorConfiguration(parsing: #"{ "insideRuntime": true }"#).insideRuntime)
        #expect(try !GeneratorConfiguration(parsing: "{\n  \"insideRuntime\": false\n}\n").insideRuntime)
        #expect(try GeneratorConfiguration(parsing: " {} ") == GeneratorConfiguration())
        #expect(try GeneratorConfiguration(parsing: #"{"inside\u0052untime": true}"#).insideRuntime)
    }

    @Test(arguments: [
        ("{\n  \"insideRuntme\": true\n}", 2, 3, "unknown option 'insideRuntme'; the options are insideRuntime"),
        (#"{"insideRuntime": 1}"#, 1, 19, "the value of 'insideRuntime' must be true or false"),
        (#"{"insideRuntime": true, "insideRuntime": false}"#, 1, 25, "option 'insideRuntime' is given twice"),
        (#"{"insideRuntime": true,}"#, 1, 24, "expected an option name in double quotes"),
        (#"{"insideRuntime": true} {}"#, 1, 25, "unexpected text after the object"),
        ("[]", 1, 1, "expected a JSON object '{'"),
        ("", 1, 1, "expected a JSON object '{'"),
        (#"{"insideRuntime" true}"#, 1, 18, "expected ':' after 'insideRuntime'"),
        (#"{"inside"#, 1, 2, "unterminated string"),
    ])
    func mistakesAreErrorsWithTheirPosition(text: String, line: Int, column: Int, message: String) {
        #expect(throws: GeneratorConfiguration.ParseError(line: line, column: column, message: message)) {
            try GeneratorConfiguration(parsing: text)
        }
    }
}
