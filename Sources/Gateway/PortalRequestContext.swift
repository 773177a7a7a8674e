import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the peer address (for per-IP limits
/// and the audit trail). Bodies are capped at 64 KiB.
public struct PortalRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { JSONBody.maximumSize }
}

/// Who is calling: the client address (validated, so it is safe to pass as `inet`) and agent.
struct Caller: Sendable {
    let ip: String?
    let userAgent: String?

    init(request: Request, context: PortalRequestContext, trustForwardedFor: Bool) {
        var address: String?
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor] {
            // The left-most entry is the original client, as set by the trusted proxy.
            address = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if address == nil { address = context.remoteAddress?.ipAddress }
        if let candidate = address, (try? SocketAddress(ipAddress: candidate, port: 0)) == nil {
            address = nil
        }
        ip = address
        userAgent = request.headers[.userAgent].map { String($0.prefix(512)) }
    }

    /// The rate-limit key: the address, or a shared bucket when unknown.
    var rateLimitKey: String { ip ?? "unknown" }
}

/// Header names HTTPTypes does not define.
extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
}
