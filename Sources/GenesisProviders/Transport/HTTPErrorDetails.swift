import Foundation
import GenesisEngine
import NIOHTTP1

/// What every provider's error responses share: the status, the headers that say when to retry,
/// and a body that may be JSON, HTML from a proxy, or nothing.
struct HTTPErrorDetails {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]
    let json: JSONValue?

    init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
        json = JSONValue.parse(body)
    }

    /// `retry-after-ms`, then `retry-after` (seconds, decimal seconds or an HTTP date).
    var retryAfter: Duration? {
        if let ms = headers.first(name: "retry-after-ms").flatMap(Double.init), ms.isFinite, ms >= 0 {
            return RateLimitSnapshot.clamped(ms / 1000)
        }
        guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 { return RateLimitSnapshot.clamped(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = formatter.date(from: value) {
            return .milliseconds(Int64(max(0, min(date.timeIntervalSinceNow, 86_400)) * 1000))
        }
        return nil
    }

    /// The `x-should-retry` override some APIs send.
    var shouldRetry: Bool? {
        switch headers.first(name: "x-should-retry")?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    var requestID: String? {
        headers.first(name: "x-request-id") ?? headers.first(name: "request-id") ?? json?["request_id"]?.string
    }

    /// A short, readable excerpt of a body that is not the provider's JSON (an HTML error page).
    var excerpt: String {
        var text = String(decoding: body.prefix(4096), as: UTF8.self)
        text = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.isEmpty { return "an empty response body" }
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }

    /// The category a status means when the body says nothing more specific.
    var category: ErrorCategory {
        switch status {
        case 400, 413, 422, 501: .invalidRequest
        case 401: .authentication
        case 402, 403: .permission
        case 404: .modelNotFound
        case 408, 504: .timeout
        case 409: .server // a conflict with another request in flight: the SDKs retry it
        case 429: .rateLimit
        case 503, 529: .overloaded
        default: status >= 500 ? .server : .invalidRequest
        }
    }
}
