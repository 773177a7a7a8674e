import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import PQ
import PortalCore

/// Maps every error to the one error body, once: `{"error": {"code", "message"}}`, plus
/// `Retry-After` for 429/503 and `details` for policy violations. Server-side failures are logged
/// by type and SQLSTATE only — never with SQL text, a password or a token.
///
/// A browser asking for a page that does not exist gets an HTML 404 with a link home; the API
/// (`/api/…`) and anyone sending `Accept: application/json` keep the JSON body.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let notFoundPage: Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error where Self.status(of: error) == 404 && Self.wantsPage(request) {
            return notFoundPage
        } catch let error as PortalError {
            return Self.response(for: error)
        } catch let error as PQError {
            let mapped = PortalError.from(error)
            if error.isConnectionFailure {
                // The pool logs an outage once, with libpq's reason; one line per request would bury it.
                context.logger.debug("database unavailable", metadata: ["kind": "\(error.kind)"])
            } else if mapped.status >= 500 {
                context.logger.error("database error", metadata: ["kind": "\(error.kind)", "sqlstate": "\(error.sqlState ?? "-")"])
            }
            return Self.response(for: mapped)
        } catch let error as HTTPParserError {
            // A body the parser cannot frame (Transfer-Encoding it does not know, a chunk size
            // that overflows, …): the client's fault, not ours — 400, and only a debug line.
            context.logger.debug("unparseable request body", metadata: ["error": "\(error)"])
            return Self.response(for: .badRequest("The request body cannot be read (malformed framing or transfer coding)."))
        } catch let error as HTTPError {
            return Self.response(for: Self.map(error.status))
        } catch let error as any HTTPResponseError {
            return Self.response(for: Self.map(error.status))
        } catch {
            context.logger.error("unhandled error", metadata: ["type": "\(type(of: error))"])
            return Self.response(for: .internalError)
        }
    }

    private static func status(of error: any Error) -> Int? {
        if let error = error as? PortalError { return error.status }
        if let error = error as? any HTTPResponseError { return error.status.code }
        return nil
    }

    /// A GET or HEAD for something outside the API, from a client that did not ask for JSON.
    static func wantsPage(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/api/") else { return false }
        return !(request.headers[.accept]?.contains("application/json") ?? false)
    }

    static func map(_ status: HTTPResponse.Status) -> PortalError {
        switch status.code {
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 413: return .payloadTooLarge
        case 415: return .unsupportedMediaType
        case 400..<500: return .badRequest("The request is malformed.")
        default: return .internalError
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
        var headers: HTTPFields = [:]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return .json(
            Body(error: .init(code: error.code, message: error.message, details: error.details)),
            status: HTTPResponse.Status(code: error.status), headers: headers)
    }
}
