import Foundation
import Logging

/// Why a send failed, and whether trying again can help.
public struct MailSendError: Error, Sendable, CustomStringConvertible {
    /// A 5xx answer for this recipient or message: retrying will not help.
    public let permanent: Bool
    /// Short, secret-free: the transport's reason and the SMTP reply code.
    public let reason: String

    public var description: String { reason }
}

/// Something that delivers a rendered mail. Blocking: called on the mailer's SMTP thread.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) throws(MailSendError)
}

/// Development delivery: each mail becomes `<MAIL_DIR>/<outbox id>-<time>.eml`, written
/// atomically. The path is logged, never the link inside.
public struct FileTransport: MailTransport {
    public let directory: String
    let logger: Logger

    public init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    public func send(_ message: MailMessage) throws(MailSendError) {
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let path = "\(directory)/mail-\(message.outboxID)-\(stamp).eml"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(message.data).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MailSendError(permanent: false, reason: "could not write the mail file")
        }
        logger.info("mail written", metadata: ["outboxId": "\(message.outboxID)", "path": "\(path)"])
    }
}
