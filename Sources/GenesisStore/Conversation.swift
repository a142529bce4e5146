import Foundation
import GenesisEngine

/// A conversation: a prompt line's exchanges with one or more models (a console session, a
/// `genesis ask` or a `genesis compare`).
public struct Conversation: Sendable, Hashable {
    public var id: String
    public var title: String
    /// `console`, `ask` or `compare`.
    public var source: String
    public var system: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var messageCount: Int
    /// Models that answered in it, `provider:model`, in order of first answer.
    public var models: [String]

    /// `2026-11-25 15:43` in local time, as lists show dates.
    public static func listingDate(_ date: Date) -> String { listingFormat.format(date) }

    private static let listingFormat = Date.VerbatimFormatStyle(
        format: "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
        timeZone: .current, calendar: .current)
}

/// One message: the person's prompt, or one model's answer to it.
public struct StoredMessage: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Saved in full.
        case complete
        /// Still streaming, or the process ended mid-stream: the text is what arrived up to the last save.
        case incomplete
        /// The request failed; the text is whatever arrived before.
        case error
        case cancelled
        /// The answer could not all be written out (the reader of standard output went away, or
        /// the disk is full): the request was stopped there; the text is what was written.
        case cutOff = "cut_off"
    }

    public var id: Int64
    public var conversationID: String
    public var role: ChatRole
    /// The model asked (the pane's).
    public var model: ModelID?
    /// The model that answered instead, after a fallback; nil when it was `model`.
    public var servedBy: ModelID?
    public var servedVersion: String?
    public var content: String
    public var parameters: GenerationParameters?
    public var status: Status
    public var finishReason: String?
    public var error: String?
    public var usage: Usage?
    /// Dollars; nil when unknown.
    public var cost: Double?
    public var latencyMs: Int?
    public var ttftMs: Int?
    public var createdAt: Date
    public var updatedAt: Date
    /// The model's reasoning beside the answer (never part of `content`, never sent back).
    public var reasoning = ""
    /// How long the model reasoned, when it did.
    public var reasoningMs: Int?
}

/// Asking for a conversation that is not there.
public struct ConversationNotFound: GenesisError, Hashable {
    public var reference: String
    public var candidates: [String]

    public var provider: String? { nil }
    public var model: String? { nil }
    public var category: ErrorCategory { .invalidRequest }
    public var description: String {
        candidates.isEmpty
            ? "no conversation \"\(reference)\". Next: run `genesis history` to list conversations and their ids."
            : "\"\(reference)\" matches several conversations (\(candidates.joined(separator: ", "))). Next: give more of the id."
    }
}
