import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Testing

@Suite("Suites from anyone: aliases and nesting are bounded")
struct HostileSuiteTests {
    /// "Billion laughs" cut to six levels: each level repeats the one before nine times, so the
    /// last would add 9^5 x 10 values. (The full nine levels, 474 bytes, would need gigabytes.)
    static let laughs = """
        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        prompts: ["hi"]
        """

    @Test("aliases that would expand past the limit are refused at their line, naming the limits")
    func aliasBomb() {
        let error = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse(Self.laughs, file: "evals/laughs.yaml") }
        #expect(error?.line == 6, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("evals/laughs.yaml:6, file: YAML aliases here would expand the document by more than 100000 values") == true,
                "\(String(describing: error))")
        #expect(error?.description.contains("at most 10000 aliases") == true)
    }

    @Test("too many aliases are refused even when each is small")
    func aliasCount() {
        var limits = YAMLLimits()
        limits.aliases = 3
        let text = "x: &x 1\nlist: [*x, *x, *x, *x]\n"
        #expect(limits.problem(in: text) == YAMLLimits.Problem(line: 2, message: "more than 3 YAML aliases (*name) in one document; a suite may use at most 3 aliases adding at most 100000 values in all; write the repeated parts out, or use defaultTest for what every test shares"))
    }

    @Test("lists nested deeper than the limit are refused at the line that goes over")
    func deepNesting() {
        let text = "prompts: [\"hi\"]\ntests: " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "\n"
        let error = #expect(throws: SuiteError.self) { _ = try SuiteLoader.parse(text, file: "deep.yaml") }
        #expect(error?.line == 2 && error?.message.contains("nested more than 512 deep") == true, "\(String(describing: error))")
    }

    @Test("a suite sharing its checks through anchors and merge keys loads as written out")
    func fewAliasesLoad() throws {
        let suite = try SuiteLoader.parse("""
            prompts: ["Capital of {{country}}?"]
            tests:
              - vars: &france {country: France}
                assert: &paris [{type: icontains, value: paris}]
              - vars: {<<: *france, extra: x}
                assert: *paris
            """)
        #expect(suite.tests.map(\.vars) == [["country": "France"], ["country": "France", "extra": "x"]])
        #expect(suite.tests.map { $0.assertions.map(\.type) } == [[.icontains], [.icontains]])
    }
}
