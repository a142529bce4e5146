import Foundation
import GenesisEngine
import Testing

/// TOML 1.0 (https://toml.io/en/v1.0.0) as ``TOMLReader`` reads it: the cases of the
/// specification that matter to Genesis's files, and the mistakes it must refuse with their line.
/// (The reader also passes the 709 TOML 1.0 cases of toml-lang/toml-test, checked offline:
/// invalid UTF-8 aside, which a Swift `String` cannot hold.)
@Suite("TOML reader")
struct TOMLReaderTests {
    func read(_ text: String) throws -> TOMLTable { try TOMLReader.read(text) }

    /// The error the reader gives, or nil when the text reads.
    func mistake(_ text: String) -> TOMLSyntaxError? {
        do { _ = try TOMLReader.read(text); return nil } catch { return error }
    }

    /// The reader refuses `text`, at `line` (and `column`, when given), saying `message`.
    func expectMistake(_ text: String, line: Int, column: Int? = nil, _ message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(mistake(text), sourceLocation: sourceLocation)
        #expect(error.line == line && (column == nil || error.column == column) && error.message.contains(message), "\(error)",
                sourceLocation: sourceLocation)
    }

    // MARK: Strings

    @Test func basicStringsTakeEveryEscape() throws {
        let t = try read(#"s = "tab\t nl\n cr\r bs\b ff\f quote\" backslash\\ e\u00E9 smile\U0001F600""#)
        #expect(t["s"] == .string("tab\t nl\n cr\r bs\u{08} ff\u{0C} quote\" backslash\\ eé smile😀"))
    }

    @Test(arguments: [
        (#"s = "\a""#, #"\a is not an escape"#),
        (#"s = "\e""#, #"\e is not an escape"#), // TOML 1.1 adds it; 1.0 does not have it
        (#"s = "\x41""#, #"\x is not an escape"#),
        (#"s = "\u12""#, "needs exactly 4 hexadecimal digits"),
        (#"s = "\uD800""#, "not a Unicode scalar value"),
        (#"s = "\U00110000""#, "not a Unicode scalar value"),
        (#"s = "\ b""#, "a lone backslash is not an escape"),
    ])
    func anEscapeTOMLDoesNotKnowIsRefused(text: String, message: String) throws {
        try expectMistake(text, line: 1, column: 6, message)
    }

    @Test func multiLineBasicStringsTrimTheFirstNewlineAndJoinLinesEndingInABackslash() throws {
        let t = try read("a = \"\"\"\nRoses\r\nViolets\"\"\"\nb = \"\"\"\\\n   The quick \\\n\n   fox.\\\n   \"\"\"\nc = \"\"\"\"two\"\" quotes\"\"\"\"\"\n")
        #expect(t["a"] == .string("Roses\nViolets")) // \r\n is read as \n
        #expect(t["b"] == .string("The quick fox."))
        #expect(t["c"] == .string("\"two\"\" quotes\"\"")) // up to two quotes right before the closing three
        #expect(t.line(of: "b") == 4 && t.line(of: "c") == 9) // lines counted inside the strings
    }

    @Test func literalStringsKeepBackslashesAndMultiLineOnesKeepNewlines() throws {
        let t = try read("path = 'C:\\Users\\nodejs\\templates'\nregex = '<\\i\\c*\\s*>'\nlines = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\nquotes = ''''That,' she said, 'is still pointless.'''''\n")
        #expect(t["path"] == .string(#"C:\Users\nodejs\templates"#))
        #expect(t["regex"] == .string(#"<\i\c*\s*>"#))
        #expect(t["lines"] == .string("The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"))
        #expect(t["quotes"] == .string("'That,' she said, 'is still pointless.''"))
    }

    @Test(arguments: [
        ("s = \"a\u{07}b\"", 1, "U+0007"),
        ("s = 'a\u{00}b'", 1, "U+0000 (NUL)"),
        ("s = '''\nok\n\u{1B}[31m'''", 3, "U+001B"),
        ("# a comment\n# with a DEL \u{7F}\n", 2, "U+007F in a comment"),
        ("s = \"\"\"\nno end\n", 1, "has no closing \"\"\""),
        ("s = \"one\nline\"", 1, "has no closing \" on its line"),
        ("a = 1\rb = 2", 1, "carriage return"),
    ])
    func controlCharactersAndUnclosedStringsAreRefused(text: String, line: Int, message: String) throws {
        try expectMistake(text, line: line, message)
    }

    // MARK: Numbers, booleans, dates

    @Test func integersInEveryBaseWithUnderscoresBetweenDigits() throws {
        let t = try read("a = +99\nb = -17\nc = 0\nd = 1_000\ne = 0xDEAD_beef\nf = 0o755\ng = 0b1101_0110\nh = 9_223_372_036_854_775_807\ni = -9223372036854775808\n")
        #expect(t.keys.map { t[$0]?.integer } == [99, -17, 0, 1000, 0xDEADBEEF, 0o755, 0b11010110, Int.max, Int.min])
    }

    @Test func floatsWithFractionsExponentsInfinityAndNaN() throws {
        let t = try read("a = +1.0\nb = -0.01\nc = 5e+22\nd = 1e06\ne = -2E-2\nf = 6.626e-34\ng = 224_617.445_991\nh = inf\ni = -inf\nj = nan\nk = -0.0\n")
        #expect(["a", "b", "c", "d", "e", "f", "g", "h", "i"].map { t[$0]?.float } == [1.0, -0.01, 5e22, 1e6, -0.02, 6.626e-34, 224617.445991, Double.infinity, -Double.infinity])
        #expect(t["j"]?.float?.isNaN == true)
        #expect(t["k"]?.float == 0 && t["k"]?.float?.sign == .minus)
    }

    @Test(arguments: [
        ("n = 07", "leading zeros are not allowed"), ("n = -01", "leading zeros are not allowed"), ("n = 03.14", "leading zeros are not allowed"),
        ("n = 1__000", "_ only between digits"), ("n = _1", "not a value"), ("n = 1_", "_ only between digits"),
        ("n = 0x_1", "base-16 digits"), ("n = +0x1", "_ only between digits"), ("n = 0xG", "base-16 digits"), ("n = 0o8", "base-8 digits"),
        ("n = 1.", "digits on both sides"), ("n = .5", "not a value"), ("n = 1.e5", "digits on both sides"), ("n = 1e", "an exponent needs digits"),
        ("n = 9_223_372_036_854_775_808", "does not fit in a 64-bit integer"), ("n = Inf", "not a value"), ("n = True", "true and false are lower case"),
    ])
    func malformedNumbersAreRefusedAtTheirColumn(text: String, message: String) throws {
        try expectMistake(text, line: 1, column: 5, message)
    }

    @Test func booleansAreLowerCase() throws {
        let t = try read("yes = true\nno = false\n")
        #expect(t["yes"] == .boolean(true) && t["no"] == .boolean(false))
    }

    @Test func theFourKindsOfDateAndTime() throws {
        let t = try read("""
            odt1 = 1979-05-27T07:32:00Z
            odt2 = 1979-05-27T00:32:00.999999-07:00
            odt3 = 1979-05-27 07:32:00+05:30
            ldt = 1979-05-27t07:32:00.5
            ld = 2024-02-29
            lt = 00:32:00.123456789123
            """)
        func date(_ key: String) -> TOMLDateTime? { if case .dateTime(let d) = t[key] { d } else { nil } }
        #expect(["odt1", "odt2", "odt3", "ldt", "ld", "lt"].map { date($0)?.kind }
                == [.offsetDateTime, .offsetDateTime, .offsetDateTime, .localDateTime, .localDate, .localTime])
        #expect(date("odt1")?.offsetMinutes == 0 && date("odt2")?.offsetMinutes == -420 && date("odt3")?.offsetMinutes == 330)
        #expect(date("odt2")?.time?.minute == 32 && date("odt2")?.time?.nanosecond == 999_999_000)
        #expect(date("odt3")?.text == "1979-05-27 07:32:00+05:30") // a space may separate date and time
        #expect(date("ld")?.date?.year == 2024 && date("ld")?.date?.month == 2 && date("ld")?.date?.day == 29) // a leap day
        #expect(date("lt")?.time?.nanosecond == 123_456_789) // digits past nanoseconds are dropped
    }

    @Test(arguments: ["d = 2023-02-29", "d = 1979-13-01", "d = 1979-05-27T24:00:00", "d = 1979-05-27T07:32Z", "d = 1979-05-27T07:32:00+7:00",
                      "d = 1979-5-27", "d = 07:32:00Z", "d = 1979-05-27T07:32:00."])
    func impossibleOrMalformedDatesAreRefused(text: String) throws {
        try expectMistake(text, line: 1, column: 5, "is not a date or time")
    }

    // MARK: Keys and tables

    @Test func bareQuotedAndDottedKeys() throws {
        let t = try read("""
            bare_key-1 = 1
            "127.0.0.1" = "an IP is one key"
            'quoted "value"' = 2
            "" = "empty"
            fruit . color = "red"
            fruit.'flavour' = "sweet"
            3.14159 = "pi"
            """)
        #expect(t.keys == ["bare_key-1", "127.0.0.1", "quoted \"value\"", "", "fruit", "3"])
        #expect(t["fruit"]?.table?["color"] == .string("red") && t["fruit"]?.table?["flavour"] == .string("sweet"))
        #expect(t["3"]?.table?["14159"] == .string("pi"))
        #expect(t.line(of: "fruit") == 5 && t["fruit"]?.table?.line(of: "flavour") == 6)
    }

    @Test func tablesSubTablesAndImplicitParents() throws {
        let t = try read("""
            [dog."tater.man"]
            type.name = "pug"

            [x.y.z.w] # for this to work, x, x.y and x.y.z are made
            [x] # and may be defined afterwards
            a = 1

            [fruit]
            apple.color = "red"
            [fruit.apple.texture] # a sub-table of a dotted-key table may have a header
            smooth = true
            """)
        #expect(t["dog"]?.table?["tater.man"]?.table?["type"]?.table?["name"] == .string("pug"))
        #expect(t["x"]?.table?["a"] == .integer(1) && t["x"]?.table?["y"]?.table?["z"]?.table?["w"] == .table(TOMLTable()))
        #expect(t["fruit"]?.table?["apple"]?.table?["texture"]?.table?["smooth"] == .boolean(true))
        #expect(t.line(of: "x") == 4) // where x is first named, by [x.y.z.w]
    }

    @Test func inlineTablesNestAndTakeDottedKeys() throws {
        let t = try read(#"point = { x = 1, y = 2 }"# + "\n" + #"animal = { type.name = "pug", "q k" = { a = [] } }"# + "\nempty = {}\n")
        #expect(t["point"]?.table?.keys == ["x", "y"] && t["point"]?.table?["y"] == .integer(2))
        #expect(t["animal"]?.table?["type"]?.table?["name"] == .string("pug"))
        #expect(t["animal"]?.table?["q k"]?.table?["a"] == .array([]))
        #expect(t["empty"] == .table(TOMLTable()))
    }

    @Test func arraysMixTypesSpanLinesAndTakeCommentsAndATrailingComma() throws {
        let t = try read("""
            numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
            nested = [ [ 1, 2 ], ["a", 'b'] ]
            contributors = [
              "Foo Bar <foo@example.com>", # a comment
              { name = "Baz Qux", email = "bazqux@example.com" },
            ]
            """)
        #expect(t["numbers"]?.array?.count == 6)
        #expect(t["nested"]?.array?.map(\.value) == [.array([TOMLItem(.integer(1), line: 2), TOMLItem(.integer(2), line: 2)]),
                                                   .array([TOMLItem(.string("a"), line: 2), TOMLItem(.string("b"), line: 2)])])
        #expect(t["contributors"]?.array?.map(\.line) == [4, 5]) // each element's own line
    }

    @Test func arraysOfTablesAppendAndTheirSubTablesGoToTheLastElement() throws {
        let t = try read("""
            [[fruits]]
            name = "apple"

            [fruits.physical]  # a sub-table of the last fruit
            color = "red"

            [[fruits.varieties]]  # nested array of tables
            name = "red delicious"

            [[fruits]]
            name = "banana"
            """)
        let fruits = try #require(t["fruits"]?.array)
        #expect(fruits.map(\.line) == [1, 10]) // each element at its [[header]]
        #expect(fruits.map { $0.value.table?["name"] } == [.string("apple"), .string("banana")])
        #expect(fruits[0].value.table?["physical"]?.table?["color"] == .string("red"))
        #expect(fruits[0].value.table?["varieties"]?.array?.first?.value.table?["name"] == .string("red delicious"))
    }

    @Test func aByteOrderMarkAndCRLFLineEndsAreAccepted() throws {
        let t = try read("\u{FEFF}a = 1\r\n# note\r\nb = 'x'\r\n")
        #expect(t["a"] == .integer(1) && t.line(of: "b") == 3)
    }

    // MARK: What may be defined once

    @Test(arguments: [
        ("name = \"Tom\"\nname = \"Pradyun\"", 2, "name is defined twice (first on line 1)"),
        ("spelling = \"favorite\"\n\"spelling\" = \"favourite\"", 2, "spelling is defined twice"),
        ("fruit.apple = 1\nfruit.apple.smooth = true", 2, "fruit.apple already has a value (line 1)"),
        ("[fruit]\napple = \"red\"\n\n[fruit]\norange = \"orange\"", 4, "table [fruit] is defined twice (first on line 1)"),
        ("[fruit]\napple = \"red\"\n\n[fruit.apple]\ntexture = \"smooth\"", 4, "fruit.apple already has a value (line 2)"),
        ("[fruit]\napple.color = \"red\"\n[fruit.apple]", 3, "table [fruit.apple] is defined twice"),
        ("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, "a.b.c is a table defined on line 1; add keys to it under its own header"),
        ("[product]\ntype = { name = \"Nail\" }\ntype.edible = false", 3, "product.type is an inline table (line 2)"),
        ("[product]\ntype.name = \"Nail\"\ntype = { edible = false }", 3, "product.type is defined twice"),
        ("a = { b = 1 }\n[a.c]", 2, "a is an inline table (line 1), which cannot be extended"),
        ("a = { b = 1, b = 2 }", 1, "a.b is defined twice"),
        ("fruits = []\n[[fruits]]", 2, "[[fruits]] cannot add to fruits, an array written as a value (line 1)"),
        ("[[fruits]]\n[fruits]", 2, "[fruits] is an array of tables (line 1)"),
        ("[fruit]\n[[fruit]]", 2, "[[fruit]] appends to an array of tables, but fruit is a table (line 1)"),
        ("[[t.arr]]\n[t]\narr.val = 1", 3, "t.arr is an array of tables (line 1); dotted keys cannot add to it"),
    ])
    func redefiningAKeyOrTableIsRefusedWithBothLines(text: String, line: Int, message: String) throws {
        try expectMistake(text, line: line, message)
    }

    // MARK: Syntax

    @Test(arguments: [
        ("key = # no value", 1, "expected a value, found \"#\""),
        ("key", 1, "expected = after the key key"),
        ("first = \"Tom\" last = \"Preston\"", 1, "expected the end of the line after a value"),
        ("my key = 1", 1, "a key with spaces or other characters needs quotes"),
        ("= 1", 1, "a key cannot start with \"=\""),
        ("a = [1, 2", 1, "expected , or ] in the array, found the end of the file"),
        ("a = [1,,2]", 1, "expected a value, found \",\""),
        ("a = { b = 1, }", 1, "a comma after the last key of an inline table is not allowed"),
        ("a = { b = 1,\n c = 2 }", 1, "an inline table must end on the line it starts on"),
        ("a = {\n}", 1, "an inline table must end on the line it starts on"),
        ("[a]b = 1", 1, "expected the end of the line after the table header"),
        ("[[a]", 1, "expected ]] to close the table header"),
        ("[a", 1, "expected ] to close the table header"),
        ("['''a''']", 1, "a table name cannot be a multi-line string"),
        ("\n\n[\nproviders]", 3, "a table header needs its name on the same line"),
    ])
    func syntaxErrorsSayWhatIsWrongAndWhere(text: String, line: Int, message: String) throws {
        try expectMistake(text, line: line, message)
    }

    @Test func theErrorColumnCountsCharactersNotBytes() throws {
        let error = try #require(mistake("\"ü\" = \"é\" x"))
        #expect(error.column == 11 && error.description == "line 1, column 11: expected the end of the line after a value, found \"x\"; put one key = value on each line")
    }

    // MARK: Hostile input

    @Test(arguments: [
        "a = " + String(repeating: "[", count: 100_000),
        "a = " + String(repeating: "{b=", count: 100_000),
        "[" + Array(repeating: "a", count: 100_000).joined(separator: ".") + "]",
        Array(repeating: "a", count: 100_000).joined(separator: ".") + " = 1",
    ])
    func deepNestingIsRefusedWithoutRecursingDeep(text: String) throws {
        try expectMistake(text, line: 1, "nested more than \(TOMLReader.maximumDepth) deep")
    }

    @Test func nestingUpToTheLimitReads() throws {
        let depth = TOMLReader.maximumDepth - 1
        let t = try read("a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        var value = try #require(t["a"]), levels = 0
        while case .array(let items) = value { levels += 1; guard let first = items.first else { break }; value = first.value }
        #expect(levels == depth)
    }

    @Test func tenThousandArrayTablesKeepTheirOrderAndLines() throws {
        let text = (0..<10_000).map { "[[prices]]\nmodel = \"m\($0)\"\n" }.joined()
        let prices = try #require(try read(text)["prices"]?.array)
        #expect(prices.count == 10_000 && prices.last?.value.table?["model"] == .string("m9999") && prices.last?.line == 19_999)
    }

    // MARK: An independent reference

    /// Python's tomllib (3.11+, TOML 1.0) reads the same documents to the same values; skipped
    /// where python3 or tomllib is missing.
    @Test(.enabled(if: Self.pythonHasTOMLLib, "needs python3 with tomllib"))
    func pythonsTOMLLibReadsTheSameValues() async throws {
        let documents = [
            "a = 1\nb.c = 'x'\n[t]\nd = [1, \"two\", 3.5, true, { e = 1979-05-27 }]\n[[aot]]\nf = \"\"\"\nline\\\n  joined\"\"\"\n[[aot]]\ng = 0x0 \n",
            "\"k\\u00e9y\" = 0b101\nx = 1e-3\ny = 2024-01-02T03:04:05.5+01:00\nz = 03:04:05\n[a.b]\nc = 1\n[a]\nd = 2\n",
        ]
        for document in documents {
            let ours = canonical(.table(try read(document)))
            let theirs = try await python(document)
            #expect(ours == theirs, "\(document)")
        }
    }

    static let pythonHasTOMLLib: Bool = {
        guard let process = try? runPython(["-c", "import tomllib"], input: "") else { return false }
        return process.status == 0
    }()

    /// Values as plain JSON-like text, the same way on both sides: dates as their text.
    func canonical(_ value: TOMLValue) -> String {
        switch value {
        case .string(let s): return "s:" + s.debugDescription
        case .integer(let i): return "i:\(i)"
        case .float(let d): return "f:\(d)"
        case .boolean(let b): return "b:\(b)"
        case .dateTime(let d): return "d:" + d.text.replacingOccurrences(of: " ", with: "T")
        case .array(let items): return "[" + items.map { canonical($0.value) }.joined(separator: ",") + "]"
        case .table(let t): return "{" + t.keys.sorted().map { $0.debugDescription + "=" + canonical(t[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// What tomllib reads `document` to, asked on a thread of its own (not one of Swift
    /// concurrency's, which other tests' tasks need meanwhile).
    func python(_ document: String) async throws -> String {
        let script = """
            import sys, tomllib, datetime
            def c(v):
                if isinstance(v, bool): return "b:" + ("true" if v else "false")
                if isinstance(v, int): return "i:%d" % v
                if isinstance(v, float): return "f:" + repr(v)
                if isinstance(v, str): return "s:" + __import__("json").dumps(v, ensure_ascii=False)
                if isinstance(v, (datetime.datetime, datetime.date, datetime.time)): return "d:" + RAW.pop(0)
                if isinstance(v, list): return "[" + ",".join(c(x) for x in v) + "]"
                return "{" + ",".join(__import__("json").dumps(k, ensure_ascii=False) + "=" + c(v[k]) for k in sorted(v)) + "}"
            text = sys.stdin.read()
            import re
            RAW = [m.replace(" ", "T") for m in re.findall(r"\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})?)?|\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?", text)]
            print(c(tomllib.loads(text)), end="")
            """
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try Self.runPython(["-c", script], input: document).output }) }
        }
    }

    static func runPython(_ arguments: [String], input: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
