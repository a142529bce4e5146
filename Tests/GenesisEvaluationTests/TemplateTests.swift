import Foundation
import GenesisEngine
@testable import GenesisEvaluation
import Testing

/// Nunjucks as promptfoo renders prompts with it (autoescape off). Each row is a template, the
/// variables, and what Nunjucks prints for them; the rows were worked out from Nunjucks'
/// documentation and its JavaScript semantics (no Nunjucks was at hand offline to run them).
@Suite("Nunjucks templates")
struct TemplateTests {
    static let vars: [String: JSONValue] = [
        "name": "ada lovelace", "n": 3, "pi": 3.14159, "empty": "", "zero": 0, "flag": true, "nothing": .null,
        "items": ["b", "a", "C"], "nums": [3, 1, 2],
        "user": ["name": "Ada", "langs": ["en", "fr"], "age": 36],
        "people": [["name": "Bo", "age": 30], ["name": "Al", "age": 20]],
        "html": "<b>hi</b> & 'you'", "padded": "  hi  ", "long": "The quick brown fox jumps",
    ]

    @Test("filters give what Nunjucks' builtin filters give", arguments: [
        ("{{ name | upper }}", "ADA LOVELACE"),
        ("{{ 'HeLLo' | lower }}", "hello"),
        ("{{ name | capitalize }}", "Ada lovelace"),
        ("{{ name | title }}", "Ada Lovelace"),
        ("{{ padded | trim }}|", "hi|"),
        ("{{ missing | default('none given') }}", "none given"),
        ("{{ missing | d('x') }}", "x"),
        ("{{ empty | default('fallback') }}", ""),
        ("{{ empty | default('fallback', true) }}", "fallback"),
        ("{{ nothing | default('x') }}", ""),
        ("{{ items | join(', ') }}", "b, a, C"),
        ("{{ items | join }}", "baC"),
        ("{{ people | join(' & ', 'name') }}", "Bo & Al"),
        ("{{ items | length }} {{ name | length }} {{ user | length }}", "3 12 3"),
        ("{{ items | first }}{{ items | last }}{{ name | first }}", "bCa"),
        ("{{ items | sort | join }}", "abC"),
        ("{{ items | sort(true) | join }}", "Cba"),
        ("{{ people | sort(false, false, 'age') | join(',', 'name') }}", "Al,Bo"),
        ("{{ nums | reverse | join }}{{ 'abc' | reverse }}", "213cba"),
        ("{{ nums | sum }} {{ people | sum('age') }}", "6 50"),
        ("{{ user | dump }}", "{\"age\":36,\"langs\":[\"en\",\"fr\"],\"name\":\"Ada\"}"),
        ("{{ items | dump }}|{{ 'say \"hi\"' | dump }}", "[\"b\",\"a\",\"C\"]|\"say \\\"hi\\\"\""),
        ("{{ user.langs | dump(2) }}", "[\n  \"en\",\n  \"fr\"\n]"),
        ("{{ 'a-b-c' | replace('-', '+') }}", "a+b+c"),
        ("{{ 'a-b-c' | replace('-', '+', 1) }}", "a+b-c"),
        ("{{ '3.7' | int }} {{ 'x' | int }} {{ 'x' | int(5) }} {{ '12px' | int }}", "3 0 5 12"),
        ("{{ '3.75' | float }} {{ 'nope' | float(1.5) }}", "3.75 1.5"),
        ("{{ pi | round }} {{ pi | round(2) }} {{ 2.5 | round }} {{ pi | round(1, 'floor') }} {{ 2.1 | round(0, 'ceil') }}", "3 3.14 3 3.1 3"),
        ("{{ long | truncate(9) }}", "The quick..."),
        ("{{ long | truncate(9, true) }}", "The quick..."),
        ("{{ long | truncate(12, true, '…') }}", "The quick br…"),
        ("{{ long | truncate(100) }}", "The quick brown fox jumps"),
        ("{{ long | wordcount }}", "5"),
        ("{{ html | safe }}", "<b>hi</b> & 'you'"),
        ("{{ html }}", "<b>hi</b> & 'you'"),
        ("{{ html | escape }}", "&lt;b&gt;hi&lt;/b&gt; &amp; &#39;you&#39;"),
        ("{{ html | striptags }}", "hi & 'you'"),
        ("{{ -5 | abs }}", "5"), // the filter takes -5: Nunjucks applies filters after a unary minus
        ("{{ 'line1\\nline2' | indent(2) }}", "line1\n  line2"),
        ("{{ 'ab' | center(6) }}|", "  ab  |"),
        ("{{ nums | batch(2) | dump }}", "[[3,1],[2]]"),
        ("{{ 'a b' | urlencode }}", "a%20b"),
        ("{{ 'x' | string }}{{ 5 | string }}", "x5"),
        ("{{ people | selectattr('age') | length }}", "2"),
        ("{{ nums | select('odd') | join }}{{ nums | reject('odd') | join }}", "312"),
        ("{{ user | dictsort | first | first }}", "age"),
        ("{{ 'a\\nb' | nl2br }}", "a<br />\nb"),
        ("{{ name | upper | replace('ADA', 'Countess') }}", "Countess LOVELACE"),
    ])
    func filters(template: String, expected: String) throws {
        #expect(try NunjucksTemplate(template).render(Self.vars) == expected)
    }

    @Test("tags, loops, scopes, operators and literals behave as in Nunjucks", arguments: [
        ("{% if n > 2 %}big{% elif n > 1 %}mid{% else %}small{% endif %}", "big"),
        ("{% if zero %}yes{% elif empty %}e{% else %}no{% endif %}", "no"),
        ("{% if [] %}a list is true even empty{% endif %}", "a list is true even empty"),
        ("{% if user.age >= 18 and 'fr' in user.langs %}adult francophone{% endif %}", "adult francophone"),
        ("{% if not flag or missing %}x{% else %}y{% endif %}", "y"),
        ("{% if 'love' in name %}in{% endif %}{% if 'zz' not in name %} out{% endif %}", "in out"),
        ("{% if n == '3' %}loose{% endif %}{% if n === '3' %}strict{% endif %}", "loose"),
        ("{% if missing is defined %}d{% else %}u{% endif %}{% if n is odd %} odd{% endif %}{% if n is divisibleby(3) %} by3{% endif %}", "u odd by3"),
        ("{% for x in items %}{{ loop.index }}:{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}", "1:b, 2:a, 3:C"),
        ("{% for x in items %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.length }} {% endfor %}", "03true3 12false3 21false3 "),
        ("{% for p in people %}{{ p.name }} is {{ p.age }}. {% endfor %}", "Bo is 30. Al is 20. "),
        ("{% for k, v in user %}{{ k }}={{ v }};{% endfor %}", "age=36;langs=en,fr;name=Ada;"),
        ("{% for x in [] %}never{% else %}empty list{% endfor %}", "empty list"),
        ("{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(1, 7, 2) %}{{ i }}{% endfor %}", "012135"),
        ("{% for row in [[1, 2], [3, 4]] %}{% for x in row %}{{ x }}{% endfor %}|{% endfor %}", "12|34|"),
        ("{% set greeting = 'Hello, ' ~ user.name %}{{ greeting }}!", "Hello, Ada!"),
        ("{% set total = 0 %}{% for x in nums %}{% set total = total + x %}{% endfor %}{{ total }}", "6"),
        ("{% for x in nums %}{% set inner = x %}{% endfor %}[{{ inner | default('unset outside') }}]", "[unset outside]"),
        ("{% set block %}Dear {{ user.name }},{% endset %}{{ block | upper }}", "DEAR ADA,"),
        ("{% filter upper %}shout {{ user.name }}{% endfilter %}", "SHOUT ADA"),
        ("{{ user.langs[1] }} {{ user['name'] }} {{ people[0].name }} {{ items[-1] }}|", "fr Ada Bo |"),
        ("{{ items[1:] | join }} {{ 'hello'[1:3] }}", "aC el"),
        ("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ 7 % 4 }} {{ 2 ** 10 }} {{ 7 / 2 }} {{ 0.1 + 0.2 }}", "7 9 3 3 1024 3.5 0.30000000000000004"),
        ("{{ 'a' + 1 }} {{ 1 ~ 2 }} {{ n + '1' }}", "a1 12 31"),
        ("{{ 'yes' if flag else 'no' }} {{ 'shown' if zero }}|", "yes |"),
        ("{{ {'a': 1, b: [true, none]} | dump }}", "{\"a\":1,\"b\":[true,null]}"),
        ("{{ items }} {{ flag }} {{ nothing }}|{{ user.missing }}|", "b,a,C true ||"),
        ("{{ missing or 'fallback' }} {{ n and 'both' }}", "fallback both"),
        ("{# a comment #}text{#- trimmed -#}   more", "textmore"),
        ("a  {{- name | upper -}}  b", "aADA LOVELACEb"),
        ("<ul>\n  {%- for x in items %}\n  <li>{{ x }}</li>\n  {%- endfor %}\n</ul>", "<ul>\n  <li>b</li>\n  <li>a</li>\n  <li>C</li>\n</ul>"),
        ("{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}"),
        ("{{ '}}' }} and {{ \"%}\" }}", "}} and %}"),
        ("no tags at all {single braces}", "no tags at all {single braces}"),
    ])
    func tags(template: String, expected: String) throws {
        #expect(try NunjucksTemplate(template).render(Self.vars) == expected)
    }

    @Test("what the template cannot do is an error naming the filter, tag or line", arguments: [
        ("{{ name | shout }}", "unknown filter \"shout\""),
        ("{{ items | random }}", "random filter is not supported"),
        ("{% macro m() %}x{% endmacro %}", "macros ({% macro %}) is not supported"),
        ("{% include 'other.njk' %}", "including other templates"),
        ("{% frobnicate %}", "unknown tag {% frobnicate %}"),
        ("{% if x %}never closed", "{% if %} is never closed with {% endif %}"),
        ("{% endfor %}", "{% endfor %} without an opening tag"),
        ("{{ x ", "\"{{\" without \"}}\""),
        ("line one\n{{ 'a' | truncate(len=2) }}", "line 2: keyword arguments"),
        ("{{ cycler(1, 2) }}", "calling cycler(…) is not supported"),
        ("{{ n is shiny }}", "unknown test \"is shiny\""),
        ("{# never closed", "comment {# is never closed"),
    ])
    func errors(template: String, message: String) {
        let error = #expect(throws: TemplateError.self) { _ = try NunjucksTemplate(template).render(Self.vars) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("custom filters run with node: in prompts and assertion values, with arguments, one over another's result")
    func customFilters() async throws {
        let suite = try SuiteFixtures.load("templates/filters.yaml")
        #expect(suite.filters?.files.keys.sorted() == ["initials", "shout"])
        let registry = try await SuiteFixtures.registry(answering: "unused")
        let run = try #require(await ModelEvaluator(registry: registry).run(suite, models: ["sim:echo"]).models[0].cases[0].runs.first)
        #expect(run.error == nil, "\(run.error ?? "")")
        #expect(run.text == "Greet ADA!! from GH")
        #expect(run.assertions.map(\.passed) == [true, true, true], "\(run.assertions.map(\.reason))")
    }

    @Test("a grading prompt (rubricPrompt) uses the suite's custom filters as its prompts do")
    func customFiltersInGradingPrompts() async throws {
        let directory = SuiteFixtures.path("templates")
        let suite = try SuiteLoader.parse("""
            nunjucksFilters: {shout: ./filters/shout.js}
            prompts: ['Greet {{ name }}']
            tests:
              - vars: {name: ada}
                assert:
                  - type: llm-rubric
                    value: is a greeting
                    provider: judge:strict
                    rubricPrompt: 'Does "{{ output | shout(1) }}" meet "{{ rubric }}" for {{ name | shout(0) }}? Answer JSON.'
            """, file: directory + "/s.yaml", directory: directory)
        let registry = try await SuiteFixtures.registry(answering: "unused")
        let judge = ScriptProvider(name: "judge") { _, _ in #"{"pass": true, "score": 1, "reason": "a greeting"}"# }
        try await registry.addProvider(name: "judge", provider: judge)
        let run = try #require(await ModelEvaluator(registry: registry).run(suite, models: ["sim:echo"]).models[0].cases[0].runs.first)
        #expect(run.assertions.map(\.passed) == [true], "\(run.assertions.map(\.reason))")
        #expect(judge.seen == [#"Does "GREET ADA!" meet "is a greeting" for ADA? Answer JSON."#])
    }

    @Test("renders at once keep their own unanswered calls; a builtin filter that fails on a value a custom one was still to change waits for it")
    func customFiltersConcurrentlyAndInChains() async throws {
        let directory = SuiteFixtures.path("templates")
        let tests = (0..<12).map { "  - vars: {name: n\($0), raw: '{\"b\": \($0), \"a\": 1}'}" }.joined(separator: "\n")
        let suite = try SuiteLoader.parse("""
            nunjucksFilters: {shout: ./filters/shout.js, parse: ./filters/parse.js}
            prompts: ['{{ name | shout }} {% for k, v in raw | parse | dictsort %}{{ k }}={{ v }};{% endfor %}']
            defaultTest:
              assert: [{type: contains, value: '{{ name | shout(0) }}!'}]
            tests:
            \(tests)
            """, file: directory + "/s.yaml", directory: directory)
        let registry = try await SuiteFixtures.registry(answering: "unused")
        let cases = await ModelEvaluator(registry: registry, concurrency: 8).run(suite, models: ["sim:echo"]).models[0].cases
        #expect(cases.map { $0.runs[0].text } == (0..<12).map { "N\($0)! a=1;b=\($0);" })
        #expect(cases.allSatisfy { $0.passed }, "\(cases.map { $0.runs[0].assertions.map(\.reason) })")
    }

    @Test("a custom filter that throws fails its case naming the filter; files and node are checked when the suite loads")
    func customFilterProblems() async throws {
        let directory = SuiteFixtures.path("templates")
        let thrown = try SuiteLoader.parse("nunjucksFilters: {broken: ./filters/broken.js}\nprompts: ['{{ x | broken }}']\ntests: [{vars: {x: soup}}]",
                                           file: directory + "/s.yaml", directory: directory)
        let registry = try await SuiteFixtures.registry(answering: "unused")
        let run = try #require(await ModelEvaluator(registry: registry).run(thrown, models: ["sim:echo"]).models[0].cases[0].runs.first)
        #expect(run.error?.contains("the filter broken") == true && run.error?.contains("Error: no soup today") == true, "\(run.error ?? "")")
        for (yaml, message) in [
            ("nunjucksFilters: {shout: ./filters/none.js}", "does not exist"),
            ("nunjucksFilters: {shout: ./filters.yaml}", "is not a JavaScript file"),
            ("nunjucksFilters: [shout]", "must be a mapping of filter names to JavaScript files"),
        ] {
            let error = #expect(throws: SuiteError.self) {
                _ = try SuiteLoader.parse(yaml + "\nprompts: ['{{ x | shout }}']\ntests: [{vars: {x: a}}]", file: directory + "/s.yaml", directory: directory)
            }
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        }
        let noNode = #expect(throws: SuiteError.self) {
            _ = try SuiteLoader.parse("nunjucksFilters: {shout: ./filters/shout.js}\nprompts: ['{{ x | shout }}']\ntests: [{vars: {x: a}}]",
                                      file: directory + "/s.yaml", directory: directory, scripts: ScriptSettings(searchPath: "/nonexistent"))
        }
        #expect(noNode?.description.contains("custom Nunjucks filters run with node (Node.js), which is not on PATH") == true)
    }

    @Test("a bare variable the test does not set is an error naming it; behind a filter or a test it is undefined, as in Nunjucks")
    func missingVariables() throws {
        let error = #expect(throws: TemplateError.self) { _ = try NunjucksTemplate("Hi {{ nmae }}").render(Self.vars) }
        #expect(error?.missingVariable == "nmae")
        #expect(try NunjucksTemplate("{{ profile.name }}").render(["profile": ["name": "Ada"]]) == "Ada")
        #expect(#expect(throws: TemplateError.self) { _ = try NunjucksTemplate("{{ profile.name }}").render([:]) }?.missingVariable == "profile")
        #expect(try NunjucksTemplate("{{ nmae | default('') }}{% if nmae %}x{% endif %}").render([:]) == "")
    }

    @Test("variables name other variables, as promptfoo composes them; one trailing newline is cut")
    func variableComposition() throws {
        let test = TestCase(index: 1, vars: ["topic": "bees", "question": "Why do {{ topic }} dance?", "outer": "Q: {{question}}", "text": "two\nlines\n\n",
                                             "unknown": "{{ nothing }} stays"])
        let variables = test.templateVariables
        #expect(variables["question"] == "Why do bees dance?")
        #expect(variables["outer"] == "Q: Why do bees dance?")
        #expect(variables["text"] == "two\nlines\n")
        #expect(variables["unknown"] == "{{ nothing }} stays")
    }

    @Test("a suite written with Nunjucks runs as its author meant: typed and file vars, loops, filters, and templated assertion values")
    func fixtureSuite() async throws {
        let suite = try SuiteFixtures.load("templates/nunjucks.yaml")
        let prompts = try suite.cases.map { try $0.template.render($0.test.templateVariables) }
        #expect(prompts[0] == """
            You are helping Ada (36).
            Languages: EN, FR.
            1. Bees dance to point at food.
            2. Bees hum when cold.
            Answer in at most 20 words.
            """)
        #expect(prompts[1].hasPrefix("You are helping a guest."))
        let chat = try suite.prompts[1].renderMessages(suite.tests[0].templateVariables)
        #expect(chat.map(\.role) == [.system, .user, .assistant, .user])
        #expect(chat.last?.text == "Why do bees dance?")
        let registry = try await SuiteFixtures.registry(answering: "ok")
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        // The recording provider answers "ok"; the templated equals expects exactly that.
        let assertions = report.models[0].cases.flatMap(\.runs).flatMap(\.assertions)
        #expect(assertions.filter { $0.assertion.type == .equals }.allSatisfy { $0.passed }, "\(assertions.map(\.reason))")
        #expect(assertions.first { $0.assertion.type == .contains }?.reason.contains("Ada") == true, "\(assertions.map(\.reason))")
    }

    @Test("_conversation holds each earlier turn of the prompt's tests, per conversationId, and those tests run in order")
    func conversation() async throws {
        let suite = try SuiteFixtures.load("templates/conversation.yaml")
        let (registry, recorder) = try await SuiteFixtures.recording()
        let report = await ModelEvaluator(registry: registry, concurrency: 8).run(suite, models: ["record:m"])
        #expect(report.models[0].passed == 4)
        #expect(recorder.seen.contains([.user("Who founded Facebook?"), .assistant("ok"), .user("Where does he live?"), .assistant("ok"),
                                         .user("Which state is that in?")]), "\(recorder.seen)")
        #expect(recorder.seen.contains([.user("Where is Yosemite?")])) // another conversation starts afresh
    }
}
