import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import PortalCore

/// Maps every error to the one error body, once: `{"error": {"code", "message"}}`, plus
/// `Retry-After` for 429/503 and `details` for policy violations. Server-side failures are logged
/// by type and SQLSTATE only — never with SQL text, a password or a token; a missing grant (42501)
/// also with what the server denied (an object's name) and the role, as one sentence with the fix.
///
/// A browser asking for a page that does not exist gets an HTML 404 with a link home; the API
/// (`/api/…`) and anyone sending `Accept: application/json` keep the JSON body.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    /// The HTML 404 in the request's language.
    let notFoundPage: @Sendable (Request) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error where Self.status(of: error) == 404 && Self.wantsPage(request) {
            return notFoundPage(request)
        } catch let error as PortalError {
            if let cause = error.cause {
                if let denial = error.privilegeDenial {
                    // A missing grant (42501): the role, what was denied and the fix, not a bare code.
                    context.logger.error("\(RoleGrants.gateway.denial(denial))")
                } else if error.isConnectionFailure {
                    // The pool logs an outage once, with libpq's reason; one line per request would bury it.
                    context.logger.debug("database unavailable", metadata: ["cause": "\(cause)"])
                } else if error.reason.status.code >= 500 {
                    // A read-only primary after a failover, retries used up, out of resources, a bug:
                    // the SQLSTATE says which.
                    context.logger.error("database error", metadata: ["cause": "\(cause)"])
                }
            }
            return Self.response(for: error)
        } catch let failure as HTTPFailure {
            return Self.response(for: failure)
        } catch let error as HTTPParserError {
            // A body the parser cannot frame (Transfer-Encoding it does not know, a chunk size
            // that overflows, …): the client's fault, not ours — 400, and only a debug line.
            context.logger.debug("unparseable request body", metadata: ["error": "\(error)"])
            return Self.response(for: .badRequest("The request body cannot be read (malformed framing or transfer coding)."))
        } catch let error as HTTPError {
            return Self.response(forStatus: error.status)
        } catch let error as any HTTPResponseError {
            return Self.response(forStatus: error.status)
        } catch {
            context.logger.error("unhandled error", metadata: ["type": "\(type(of: error))"])
            return Self.response(for: .internalError)
        }
    }

    private static func status(of error: any Error) -> Int? {
        if let error = error as? PortalError { return error.reason.status.code }
        if let failure = error as? HTTPFailure { return failure.status.code }
        if let error = error as? any HTTPResponseError { return error.status.code }
        return nil
    }

    /// A GET or HEAD for something outside the API, from a client that did not ask for JSON.
    static func wantsPage(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/api/") else { return false }
        return !(request.headers[.accept]?.contains("application/json") ?? false)
    }

    /// The body for an error Hummingbird raised with only a status (no route, a body it refused).
    static func response(forStatus status: HTTPResponse.Status) -> Response {
        switch status.code {
        case 404: return response(for: HTTPFailure.notFound)
        case 405: return response(for: HTTPFailure.methodNotAllowed)
        case 413: return response(for: HTTPFailure.payloadTooLarge)
        case 415: return response(for: HTTPFailure.unsupportedMediaType)
        case 400..<500: return response(for: PortalError.badRequest("The request is malformed."))
        default: return response(for: PortalError.internalError)
        }
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let details: [String]?
        }
        let error: Detail
    }

    static func response(for error: PortalError) -> Response {
        var headers: HTTPFields = [.portalErrorCode: error.code]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return .json(
            Body(error: .init(code: error.code, message: error.message, details: error.details)),
            status: error.reason.status, headers: headers)
    }

    static func response(for failure: HTTPFailure) -> Response {
        .json(
            Body(error: .init(code: failure.code, message: failure.message, details: nil)), status: failure.status,
            headers: [.portalErrorCode: failure.code])
    }
}

extension HTTPField.Name {
    /// The error code of a refusal, from here to the access log (which logs it and removes the
    /// field: the client has the code in the body).
    static let portalErrorCode = Self("X-Portal-Error-Code")!
}
