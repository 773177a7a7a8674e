import CCurl
import Foundation

/// SMTP through libcurl: `smtp://` with optional STARTTLS (required when `starttls`), or
/// `smtps://` (implicit TLS); AUTH when a user and password are configured; timeouts.
///
/// One easy handle is kept across sends, so consecutive mails of a batch reuse the connection.
/// libcurl handles are not thread-safe: the mailer calls `send` from its single SMTP thread.
public final class SMTPTransport: MailTransport, @unchecked Sendable {
    private let settings: SMTPSettings
    private let handle: UnsafeMutableRawPointer
    private let lock = NSLock()

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(settings: SMTPSettings) {
        _ = Self.globalInit
        self.settings = settings
        handle = curl_easy_init()
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// The message bytes libcurl reads from, with the position reached.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    public func send(_ message: MailMessage) throws(MailSendError) {
        lock.lock()
        defer { lock.unlock() }
        let upload = Upload(message.data)
        let recipients: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "<\(message.recipient)>")
        defer { curl_slist_free_all(recipients) }

        // Resetting keeps live connections, so the next mail reuses this one.
        curl_easy_reset(handle)
        let scheme = settings.security == .tls ? "smtps" : "smtp"
        let local = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
        CCurl_setopt_string(handle, CURLOPT_URL, "\(scheme)://\(settings.host):\(settings.port)/\(local)")
        CCurl_setopt_long(handle, CURLOPT_USE_SSL, settings.security == .starttls ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
        CCurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(message.from)>")
        CCurl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipients)
        CCurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, Int(min(settings.timeoutSeconds, 10)))
        CCurl_setopt_long(handle, CURLOPT_TIMEOUT, Int(settings.timeoutSeconds))
        if let caFile = settings.caFile { CCurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if let username = settings.username, let password = settings.password {
            CCurl_setopt_string(handle, CURLOPT_USERNAME, username)
            CCurl_setopt_string(handle, CURLOPT_PASSWORD, password)
        }
        CCurl_setopt_read_function(handle) { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            let upload = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
            let length = min(size * count, upload.bytes.count - upload.offset)
            if length > 0 {
                upload.bytes.withUnsafeBufferPointer { source in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
                }
                upload.offset += length
            }
            return length
        }
        let result = withExtendedLifetime(upload) {
            CCurl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque())
            return curl_easy_perform(handle)
        }
        guard result != CURLE_OK else { return }

        var code = 0
        CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        let reason = String(cString: curl_easy_strerror(result)) + (code > 0 ? " (SMTP \(code))" : "")
        // 5xx is permanent — except the authentication replies, which mean our configuration is
        // wrong, not the mail: those wait for an operator like any transient failure.
        let permanent = (500...599).contains(code) && ![530, 534, 535, 538].contains(code)
        throw MailSendError(permanent: permanent, reason: reason)
    }
}
