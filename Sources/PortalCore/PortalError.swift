import PQ

/// Every refusal or failure a caller can be told about, in the service's own words: a reason
/// (a stable snake_case code), a human sentence and, where it helps, when to retry and what to
/// change. Nothing here is HTTP: the gateway maps reasons to statuses (`Reason.status` in
/// `Gateway`), the CLI to exit codes, the mailer to retry or dead. Database errors are mapped here
/// from their SQLSTATE (never their text).
public struct PortalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong. Adapters switch over it exhaustively, so a new reason cannot go unmapped.
    public enum Reason: String, Sendable, CaseIterable {
        case invalidCredentials = "invalid_credentials"
        case unauthenticated
        case invalidAdminKey = "invalid_admin_key"
        case invalidToken = "invalid_token"
        case invalidRequest = "invalid_request"
        case weakPassword = "weak_password"
        case rateLimited = "rate_limited"
        case unavailable
        case overloaded
        case emailTaken = "email_taken"
        case portalUserExists = "portal_user_exists"
        case clientNotFound = "client_not_found"
        case portNotFound = "port_not_found"
        case portalUserNotFound = "portal_user_not_found"
        case adminKeyNotFound = "admin_key_not_found"
        case alreadyActive = "already_active"
        case tokenConflict = "token_conflict"
        case invalidSetting = "invalid_setting"
        case portalUserDisabled = "portal_user_disabled"
        case passwordConflict = "password_conflict"
        case idTaken = "id_taken"
        case internalError = "internal_error"
    }

    public let reason: Reason
    public let message: String
    /// Seconds to wait before trying again (rate limits, an unavailable database).
    public var retryAfter: Int?
    /// Field-level or policy details (`weak_password` lists every violation).
    public var details: [String]?
    /// For the operator's log only, never a response: what the database said in codes (the
    /// SQLSTATE, or that the connection failed) — no SQL text, no values.
    public var cause: String?

    public init(_ reason: Reason, _ message: String, retryAfter: Int? = nil, details: [String]? = nil) {
        self.reason = reason
        self.message = message
        self.retryAfter = retryAfter
        self.details = details
    }

    /// Whether the database could not be reached at all (the pool logs that once per outage).
    public var isConnectionFailure: Bool { cause == "connection" }

    /// Equal when a caller could not tell them apart: the cause is for the log only.
    public static func == (a: PortalError, b: PortalError) -> Bool {
        a.reason == b.reason && a.message == b.message && a.retryAfter == b.retryAfter && a.details == b.details
    }

    /// The stable code clients and scripts match on.
    public var code: String { reason.rawValue }
    public var description: String { code + (cause.map { " (\($0))" } ?? "") }

    public static let invalidCredentials = PortalError(.invalidCredentials, "The email address or password is incorrect.")
    /// Change-password with a current password that does not verify (or while locked out).
    public static let wrongCurrentPassword = PortalError(.invalidCredentials, "The current password is incorrect.")
    public static let unauthenticated = PortalError(.unauthenticated, "You are not signed in.")
    public static let invalidAdminKey = PortalError(.invalidAdminKey, "The admin key is missing, unknown or revoked.")
    public static let invalidToken = PortalError(.invalidToken, "This link is invalid or has expired. Please request a new one.")
    public static let internalError = PortalError(.internalError, "Something went wrong on our side.")
    public static let overloaded = PortalError(.overloaded, "The service is busy. Please try again in a moment.", retryAfter: 1)

    public static func badRequest(_ message: String) -> PortalError {
        PortalError(.invalidRequest, message)
    }

    public static func rateLimited(retryAfter: Int) -> PortalError {
        PortalError(.rateLimited, "Too many requests. Please wait and try again.", retryAfter: max(1, retryAfter))
    }

    public static func unavailable(retryAfter: Int = 1) -> PortalError {
        PortalError(.unavailable, "The service is temporarily unavailable. Please try again.", retryAfter: retryAfter)
    }

    public static func weakPassword(_ violations: [String]) -> PortalError {
        PortalError(.weakPassword, violations.joined(separator: " "), details: violations)
    }

    /// The error a database failure means to a caller. Unknown SQLSTATEs are internal errors:
    /// nothing a client sends should reach one.
    public static func from(_ error: PQError) -> PortalError {
        var mapped = mapping(error)
        mapped.cause = error.isConnectionFailure ? "connection" : "\(error.kind) sqlstate \(error.sqlState ?? "-")"
        // A missing grant: what was denied (`permission denied for function …`, an object's name,
        // never SQL text) goes to the log with it, so the line names the grant (`RoleGrants.denial`).
        if error.sqlState == SQLState.insufficientPrivilege { mapped.cause! += ": \(error.message)" }
        return mapped
    }

    private static func mapping(_ error: PQError) -> PortalError {
        if error.isConnectionFailure { return .unavailable() }
        if SQLState.isRetryable(error.sqlState) || SQLState.temporarilyUnavailable.contains(error.sqlState ?? "") {
            return .unavailable()
        }
        switch error.sqlState {
        case SQLState.invalidToken: return .invalidToken
        case SQLState.emailTaken: return PortalError(.emailTaken, "This email address is already in use.")
        case SQLState.portalUserExists: return PortalError(.portalUserExists, "This client already has a portal user.")
        case SQLState.clientNotFound: return PortalError(.clientNotFound, "No such client.")
        case SQLState.portNotFound: return PortalError(.portNotFound, "No such port.")
        case SQLState.portalUserNotFound: return PortalError(.portalUserNotFound, "This client has no portal user.")
        case SQLState.alreadyActive: return PortalError(.alreadyActive, "This portal user has already activated the account.")
        case SQLState.invalidInput: return .badRequest("A field is malformed.")
        case SQLState.tokenConflict: return PortalError(.tokenConflict, "This token was sealed with another hash.")
        case SQLState.invalidSetting: return PortalError(.invalidSetting, "Unknown setting or value out of range.")
        case SQLState.adminKeyNotFound: return PortalError(.adminKeyNotFound, "No such admin key.")
        case SQLState.portalUserDisabled: return PortalError(.portalUserDisabled, "This portal user is disabled.")
        case SQLState.passwordConflict: return PortalError(.passwordConflict, "The password was changed meanwhile. Please try again.")
        case SQLState.invalidAdminKey: return .invalidAdminKey
        case SQLState.idTaken: return PortalError(.idTaken, "This id is already in use.")
        default: return .internalError
        }
    }
}
