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
    /// Change-password with a current password that does not verify (or while locked out).
    public static let wrongCurrentPassword = PortalError(
        status: 401, code: "invalid_credentials", message: "The current password is incorrect.")
    public static let unauthenticated = PortalError(
        status: 401, code: "unauthenticated", message: "You are not signed in.")
    public static let invalidAdminKey = PortalError(
        status: 401, code: "invalid_admin_key", message: "The admin key is missing, unknown or revoked.")
    public static let invalidToken = PortalError(
        status: 400, code: "invalid_token", message: "This link is invalid or has expired. Please request a new one.")
    public static let forbiddenOrigin = PortalError(
        status: 403, code: "forbidden_origin", message: "Requests from this origin are not allowed.")
    public static let originRequired = PortalError(
        status: 403, code: "forbidden_origin",
        message: "A request that changes something and carries the session cookie needs an Origin header.")
    public static let malformedPath = PortalError(status: 400, code: "invalid_request", message: "The path has an empty segment.")
    public static let metricsTokenRequired = PortalError(
        status: 401, code: "unauthenticated", message: "Metrics need Authorization: Bearer <PORTAL_METRICS_TOKEN>.")
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
        if SQLState.isRetryable(error.sqlState) || SQLState.temporarilyUnavailable.contains(error.sqlState ?? "") {
            return .unavailable()
        }
        switch error.sqlState {
        case SQLState.invalidToken: return .invalidToken
        case SQLState.emailTaken: return PortalError(status: 409, code: "email_taken", message: "This email address is already in use.")
        case SQLState.portalUserExists: return PortalError(status: 409, code: "portal_user_exists", message: "This client already has a portal user.")
        case SQLState.clientNotFound: return PortalError(status: 404, code: "client_not_found", message: "No such client.")
        case SQLState.portNotFound: return PortalError(status: 404, code: "port_not_found", message: "No such port.")
        case SQLState.portalUserNotFound: return PortalError(status: 404, code: "portal_user_not_found", message: "This client has no portal user.")
        case SQLState.alreadyActive: return PortalError(status: 409, code: "already_active", message: "This portal user has already activated the account.")
        case SQLState.invalidInput: return .badRequest("A field is malformed.")
        case SQLState.tokenConflict: return PortalError(status: 409, code: "token_conflict", message: "This token was sealed with another hash.")
        case SQLState.invalidSetting: return PortalError(status: 400, code: "invalid_setting", message: "Unknown setting or value out of range.")
        case SQLState.adminKeyNotFound: return PortalError(status: 404, code: "admin_key_not_found", message: "No such admin key.")
        case SQLState.portalUserDisabled: return PortalError(status: 409, code: "portal_user_disabled", message: "This portal user is disabled.")
        case SQLState.passwordConflict: return PortalError(status: 409, code: "password_conflict", message: "The password was changed meanwhile. Please try again.")
        case SQLState.invalidAdminKey: return .invalidAdminKey
        case SQLState.idTaken: return PortalError(status: 409, code: "id_taken", message: "This id is already in use.")
        default: return .internalError
        }
    }
}
