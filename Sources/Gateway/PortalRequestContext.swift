import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortalCore

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

/// Who is calling: the client address (canonical, so it is safe to pass as `inet`), the key its
/// rate limits count under (an IPv6 client's /64), and the user agent.
///
/// Behind `PORTAL_TRUST_FORWARDED_FOR=true` the client is the `PORTAL_TRUSTED_PROXY_HOPS`-th
/// `X-Forwarded-For` entry from the right (proxies append; what stands further left came from
/// the client). Without it, or when that entry is not an address, it is the socket peer.
struct Caller: Sendable {
    let ip: String?
    let rateLimitKey: String
    let userAgent: String?

    init(request: Request, context: PortalRequestContext, trustedProxyHops: Int) {
        var address: ClientAddress?
        if trustedProxyHops > 0 {
            address = ClientAddress.forwarded(request.headers[values: .xForwardedFor], hops: trustedProxyHops)
        }
        if address == nil, let peer = context.remoteAddress?.ipAddress { address = ClientAddress(peer) }
        ip = address?.text
        // Only a peer without an IP (a Unix socket) lands here; every TCP client has its own key.
        rateLimitKey = address?.limitKey ?? "unix-socket"
        userAgent = request.headers[.userAgent].map { String($0.prefix(512)) }
    }
}

/// Header names HTTPTypes does not define.
extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwarded = HTTPField.Name("Forwarded")!
    static let xRealIP = HTTPField.Name("X-Real-IP")!
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
}
