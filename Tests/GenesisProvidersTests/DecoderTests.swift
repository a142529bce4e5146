@testable import GenesisProviders
import GenesisEngine
import Testing

@Suite("SSE and JSON-lines decoding")
struct DecoderTests {
    static let streamFixtures = Fixtures.expected.keys.filter { $0.hasSuffix(".sse") }.sorted()

    func decode(_ chunks: [[UInt8]]) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += try parser.feed(chunk) }
        parser.finish()
        return events
    }

    @Test func theEdgeCasesDecodeAsTheSpecificationSays() throws {
        let events = try decode([Fixtures.bytes("sse-edge-cases.sse")])
        let expected = try #require(Fixtures.expected["sse-edge-cases.sse"]?["events"]?.array)
        #expect(events.count == expected.count)
        for (event, want) in zip(events, expected) {
            #expect(event.type == want["event"]?.string)
            #expect(event.data == want["data"]?.string)
            #expect(event.id == want["id"]?.string)
            #expect(event.retry == want["retry_ms"]?.int)
        }
    }

    @Test(arguments: streamFixtures)
    func chunkBoundariesNeverChangeTheEvents(fixture: String) throws {
        let bytes = Fixtures.bytes(fixture)
        let whole = try decode([bytes])
        #expect(try decode(Fixtures.chunks(bytes, size: 1)) == whole)
        #expect(try decode(Fixtures.chunks(bytes, size: 3)) == whole)
        for split in stride(from: 1, to: bytes.count, by: 1) {
            let halves = [Array(bytes[..<split]), Array(bytes[split...])]
            let events = try decode(halves)
            if events != whole { Issue.record("\(fixture) split at byte \(split) decodes differently"); return }
        }
    }

    @Test func aCRAtTheEndOfOneReadAndAnLFAtTheStartOfTheNextAreOneLineEnd() throws {
        let events = try decode([Array("data: a\r".utf8), Array("\n\r\ndata: b\r\n\r\n".utf8)])
        #expect(events.map(\.data) == ["a", "b"])
    }

    @Test func aUTF8CharacterSplitAcrossReadsSurvives() throws {
        let bytes = Array("data: 茶🍵⛵️🇳🇱\n\n".utf8)
        for split in 1..<bytes.count {
            #expect(try decode([Array(bytes[..<split]), Array(bytes[split...])]).first?.data == "茶🍵⛵️🇳🇱")
        }
    }

    @Test func invalidUTF8BecomesAReplacementCharacterAndTheStreamGoesOn() throws {
        let events = try decode([Array("data: a".utf8) + [0xFF] + Array("b\n\ndata: next\n\n".utf8)])
        #expect(events.map(\.data) == ["a\u{FFFD}b", "next"])
    }

    @Test func theDoneSentinelIsAnOrdinaryEvent() throws {
        #expect(try decode([Array("data: [DONE]\n\n".utf8)]).first?.data == "[DONE]")
    }

    @Test func anOversizedEventFailsClearlyInsteadOfGrowingForever() throws {
        var parser = ServerSentEventParser(maxEventBytes: 1024)
        #expect(throws: ServerSentEventParser.EventTooLarge.self) { try parser.feed(Array(repeating: UInt8(ascii: "x"), count: 2000)) }
    }

    @Test func aLargeEventInManySmallReadsDecodesWhole() throws {
        let payload = String(repeating: "0123456789", count: 100_000)
        let events = try decode(Fixtures.chunks(Array("data: \(payload)\n\n".utf8), size: 4096))
        #expect(events.first?.data.count == payload.count)
    }

    @Test func jsonLinesSkipBlankLinesAndKeepTheUnterminatedLast() throws {
        let bytes = Fixtures.bytes("ndjson-edge-cases.ndjson")
        let expected = try #require(Fixtures.expected["ndjson-edge-cases.ndjson"]?["objects"]?.array)
        for size in [1, 2, 3, bytes.count] {
            var parser = JSONLinesParser()
            var lines: [[UInt8]] = []
            for chunk in Fixtures.chunks(bytes, size: size) { lines += try parser.feed(chunk) }
            if let last = parser.finish() { lines.append(last) }
            let texts = lines.compactMap { JSONValue.parse($0)?["text"]?.string }
            #expect(texts == expected.compactMap { $0["text"]?.string }, "chunk size \(size)")
        }
    }
}
