import PQ

/// Every error a client can be told about: an HTTP status, a stable snake_case code and a human
/// sentence. Mapped to HTTP once, in the gateway's error middleware. Database errors are mapped
/// here from their SQLSTATE (never their text).
public struct PortalError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    /// Seconds to wait, sent as `Retry-After` (429, 503).
    public var retryAfter: Int?
    /// Field-level or policy details (`weak_password` lists every violation).
    public var details: [String]?

    public init(status: Int, code: String, message: String, retryAfter: Int? = nil, details: [String]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.details = details
    }

    public var description: String { "\(status) \(code)" }

    public static let invalidCredentials = PortalError(
        status: 401, code: "invalid_credentials", message: "The email address or password is incorrect.")
    public static let unauthenticated = PortalError(
        status: 401, code: "unauthenticated", message: "You are not signed in.")
    public static let invalidAdminKey = PortalError(
        status: 401, code: "invalid_admin_key", message: "The admin key is missing, unknown or revoked.")
    public static let invalidToken = PortalError(
        status: 400, code: "invalid_token", message: "This link is invalid or has expired. Please request a new one.")
    public static let forbiddenOrigin = PortalError(
        status: 403, code: "forbidden_origin", message: "Requests from this origin are not allowed.")
    public static let notFound = PortalError(status: 404, code: "not_found", message: "There is nothing here.")
    public static let methodNotAllowed = PortalError(
        status: 405, code: "method_not_allowed", message: "This method is not allowed here.")
    public static let unsupportedMediaType = PortalError(
        status: 415, code: "unsupported_media_type", message: "Send the request body as application/json.")
    public static let payloadTooLarge = PortalError(
        status: 413, code: "payload_too_large", message: "The request body is larger than 64 KiB.")
    public static let requestTimeout = PortalError(
        status: 408, code: "request_timeout", message: "The request body did not arrive in time.")
    public static let internalError = PortalError(
        status: 500, code: "internal_error", message: "Something went wrong on our side.")

    public static func badRequest(_ message: String) -> PortalError {
        PortalError(status: 400, code: "invalid_request", message: message)
    }

    public static func rateLimited(retryAfter: Int) -> PortalError {
        PortalError(status: 429, code: "rate_limited", message: "Too many requests. Please wait and try again.",
                    retryAfter: max(1, retryAfter))
    }

    public static func unavailable(retryAfter: Int = 1) -> PortalError {
        PortalError(status: 503, code: "unavailable", message: "The service is temporarily unavailable. Please try again.",
                    retryAfter: retryAfter)
    }

    public static let overloaded = PortalError(
        status: 503, code: "overloaded", message: "The service is busy. Please try again in a moment.", retryAfter: 1)

    public static func weakPassword(_ violations: [String]) -> PortalError {
        PortalError(status: 422, code: "weak_password", message: violations.joined(separator: " "), details: violations)
    }

    /// The error a database failure means to a client. Unknown SQLSTATEs are internal errors:
    /// nothing a client sends should reach one.
    public static func from(_ error: PQError) -> PortalError {
        if error.isConnectionFailure { return .unavailable() }
        switch error.sqlState {
        case "PA001": return .invalidToken
        case "PA002": return PortalError(status: 409, code: "email_taken", message: "This email address is already in use.")
        case "PA003": return PortalError(status: 409, code: "portal_user_exists", message: "This client already has a portal user.")
        case "PA004": return PortalError(status: 404, code: "client_not_found", message: "No such client.")
        case "PA005": return PortalError(status: 404, code: "port_not_found", message: "No such port.")
        case "PA006": return PortalError(status: 404, code: "portal_user_not_found", message: "This client has no portal user.")
        case "PA007": return PortalError(status: 409, code: "already_active", message: "This portal user has already activated the account.")
        case "PA008": return .badRequest("A field is malformed.")
        case "PA012": return PortalError(status: 409, code: "portal_user_disabled", message: "This portal user is disabled.")
        case "PA013": return PortalError(status: 409, code: "password_conflict", message: "The password was changed meanwhile. Please try again.")
        case "PA014": return .invalidAdminKey
        case "25006", "53100", "53200", "53300", "57014":  // read-only, disk full, out of memory, too many connections, cancelled
            return .unavailable()
        default: return .internalError
        }
    }
}
