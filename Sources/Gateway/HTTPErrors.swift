import HTTPTypes
import PortalCore

/// The gateway's half of the error vocabulary: the HTTP status of each domain reason (an
/// exhaustive switch: a new reason does not compile until it has one), and the failures only HTTP
/// has — a route that does not exist, a body of the wrong type, size or speed, an origin the CSRF
/// check refuses. Both render as the one error body (`ErrorMiddleware`).
extension PortalError.Reason {
    var status: HTTPResponse.Status {
        switch self {
        case .invalidCredentials, .unauthenticated, .invalidAdminKey: HTTPResponse.Status(code: 401)
        case .invalidToken, .invalidRequest, .invalidSetting: HTTPResponse.Status(code: 400)
        case .weakPassword: HTTPResponse.Status(code: 422)
        case .rateLimited: HTTPResponse.Status(code: 429)
        case .unavailable, .overloaded: HTTPResponse.Status(code: 503)
        case .emailTaken, .portalUserExists, .alreadyActive, .tokenConflict, .portalUserDisabled, .passwordConflict, .idTaken:
            HTTPResponse.Status(code: 409)
        case .clientNotFound, .portNotFound, .portalUserNotFound, .adminKeyNotFound: HTTPResponse.Status(code: 404)
        case .internalError: HTTPResponse.Status(code: 500)
        }
    }
}

/// A failure only HTTP has.
struct HTTPFailure: Error, Sendable, Equatable {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    static let notFound = HTTPFailure(status: .notFound, code: "not_found", message: "There is nothing here.")
    static let methodNotAllowed = HTTPFailure(
        status: .methodNotAllowed, code: "method_not_allowed", message: "This method is not allowed here.")
    static let unsupportedMediaType = HTTPFailure(
        status: .unsupportedMediaType, code: "unsupported_media_type", message: "Send the request body as application/json.")
    static let payloadTooLarge = HTTPFailure(
        status: .contentTooLarge, code: "payload_too_large", message: "The request body is larger than 64 KiB.")
    static let requestTimeout = HTTPFailure(
        status: .requestTimeout, code: "request_timeout", message: "The request body did not arrive in time.")
    static let forbiddenOrigin = HTTPFailure(
        status: .forbidden, code: "forbidden_origin", message: "Requests from this origin are not allowed.")
    static let originRequired = HTTPFailure(
        status: .forbidden, code: "forbidden_origin",
        message: "A request that changes something and carries the session cookie needs an Origin header.")
    static let malformedPath = HTTPFailure(status: .badRequest, code: "invalid_request", message: "The path has an empty segment.")
    static let metricsTokenRequired = HTTPFailure(
        status: .unauthorized, code: "unauthenticated", message: "Metrics need Authorization: Bearer <PORTAL_METRICS_TOKEN>.")
}
