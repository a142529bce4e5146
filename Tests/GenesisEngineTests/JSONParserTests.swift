import Foundation
import GenesisEngine
import Testing

@Suite("The JSON parser every stream goes through")
struct JSONParserTests {
    /// What Foundation makes of the same text, as a JSONValue (nil when it refuses it).
    static func foundation(_ text: String) -> JSONValue? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
        func convert(_ any: Any) -> JSONValue {
            switch any {
            case let n as NSNumber where String(cString: n.objCType) == "c": return .bool(n.boolValue)
            case let n as NSNumber: return .number(n.doubleValue)
            case let s as String: return .string(s)
            case let a as [Any]: return .array(a.map(convert))
            case let o as [String: Any]: return .object(o.mapValues(convert))
            default: return .null
            }
        }
        return convert(object)
    }

    @Test("valid documents parse to what Foundation makes of them", arguments: [
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732540000,"choices":[{"index":0,"delta":{"content":" Hello"},"finish_reason":null}]}"#,
        #"{"a":[1,-2,3.5,-0.25,1e3,2E-2,0,-0,12345678901234567890],"b":{"c":[[],{}]},"t":true,"f":false,"n":null}"#,
        #"  [ "x" , "y\"z" , "\\" , "\/" , "\b\f\n\r\t" ]  "#,
        #"{"u":"\u00e9\u4e2d\ud83c\udf75","raw":"é中🍵","nul":"a\u0000b"}"#,
        #""just a string""#, "42", "-1.5e-7", "true", "null",
        #"{"dup":1,"dup":2}"#,
    ])
    func matchesFoundation(text: String) {
        let ours = JSONValue.parse(text)
        #expect(ours != nil)
        if text.contains("dup") { #expect(ours?["dup"]?.double == 2); return }
        #expect(ours == Self.foundation(text), "\(text)")
    }

    @Test("invalid documents are refused", arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nul", "2e1111111", "-1e400", "\"unterminated", "\"bad \\x escape\"", "\"\\u12G4\"", "\"raw\ncontrol\"", "[1]x", "{\"a\":1}}",
    ])
    func refusesInvalid(text: String) {
        #expect(JSONValue.parse(text) == nil, "\(text)")
    }

    @Test("lone surrogates become U+FFFD, invalid UTF-8 too; deep nesting is refused, not a crash")
    func edges() {
        #expect(JSONValue.parse(#""\ud83c x""#) == .string("\u{FFFD} x"))
        #expect(JSONValue.parse(#""\udf75""#) == .string("\u{FFFD}"))
        #expect(JSONValue.parse([0x22, 0x61, 0xC3, 0x28, 0x22]) == .string("a\u{FFFD}("))
        #expect(JSONValue.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) != nil)
        #expect(JSONValue.parse(String(repeating: "[", count: 100_000)) == nil)
    }

    @Test("random documents round-trip through the encoder and the parser")
    func roundTrip() {
        var random = SplitMix64(seed: 2026)
        func value(_ depth: Int) -> JSONValue {
            switch random.next() % (depth > 3 ? 4 : 6) {
            case 0: return .number(Double(Int64(bitPattern: random.next()) % 1_000_000) / 8)
            case 1: return .string(String((0..<Int(random.next() % 12)).map { _ in "aé\"\\\n\t🍵\u{1}x".randomElement(using: &random)! }))
            case 2: return .bool(random.next() % 2 == 0)
            case 3: return .null
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in value(depth + 1) })
            default: return .object(Dictionary((0..<Int(random.next() % 4)).map { ("k\($0)", value(depth + 1)) }, uniquingKeysWith: { $1 }))
            }
        }
        for _ in 0..<500 {
            let original = value(0)
            #expect(JSONValue.parse(original.encoded()) == original)
        }
    }
}

@Suite("The JSON writer every request body goes through")
struct JSONWriterTests {
    @Test("compact, keys sorted, only the escapes JSON requires")
    func exactBytes() {
        let value: JSONValue = ["z": 1, "a": ["x/y", "line\nbreak\t\"quoted\" \\ \u{1}", "茶 🍵"], "m": [true, false, .null]]
        #expect(JSONWriter.string(value) == #"{"a":["x/y","line\nbreak\t\"quoted\" \\ \u0001","茶 🍵"],"m":[true,false,null],"z":1}"#)
    }

    @Test("keys in the byte order of their UTF-8, at every depth: upper case before lower, shorter before longer, non-ASCII last")
    func keyOrder() {
        let value: JSONValue = ["b": 1, "B": 2, "ab": ["é": 1, "z": 2, "e": 3], "a": 4, "ä": 5]
        #expect(JSONWriter.string(value) == #"{"B":2,"a":4,"ab":{"e":3,"z":2,"é":1},"b":1,"ä":5}"#)
    }

    @Test("numbers: integers without a fraction, others in their shortest exact form, no NaN or infinity", arguments: [
        (16.0, "16"), (-3.0, "-3"), (0.7, "0.7"), (1e-05, "1e-05"), (9_007_199_254_740_992, "9007199254740992"),
        (1.5e300, "1.5e+300"), (Double.nan, "null"), (-Double.infinity, "null"),
    ])
    func numbers(value: Double, written: String) {
        #expect(JSONWriter.string(.number(value)) == written)
    }

    @Test("what the writer writes, Foundation reads back as the same document")
    func foundationAgrees() throws {
        let value: JSONValue = ["model": "gpt-4o-mini", "temperature": 0.7, "max_tokens": 16,
                                "messages": [["role": "user", "content": "say \"hi\"\n\u{7f}\u{1b}[31m"]], "stream": true]
        let written = value.encoded()
        let foundation = try JSONSerialization.jsonObject(with: written) as? [String: Any]
        #expect(foundation?["max_tokens"] as? Int == 16 && foundation?["temperature"] as? Double == 0.7)
        #expect(((foundation?["messages"] as? [[String: Any]])?.first?["content"] as? String) == "say \"hi\"\n\u{7f}\u{1b}[31m")
        #expect(JSONValue.parse(written) == value)
    }
}
