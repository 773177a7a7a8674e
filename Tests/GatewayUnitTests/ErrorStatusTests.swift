@testable import Gateway
import PortalCore
import Testing

/// The gateway owns HTTP: every domain reason has one status, and the body says the reason's code.
/// No database.
@Suite struct ErrorStatusTests {
    @Test func everyReasonHasItsStatus() {
        let expected: [PortalError.Reason: Int] = [
            .invalidCredentials: 401, .unauthenticated: 401, .invalidAdminKey: 401, .invalidToken: 400, .invalidRequest: 400,
            .weakPassword: 422, .rateLimited: 429, .unavailable: 503, .overloaded: 503, .emailTaken: 409,
            .portalUserExists: 409, .clientNotFound: 404, .portNotFound: 404, .portalUserNotFound: 404, .adminKeyNotFound: 404,
            .alreadyActive: 409, .tokenConflict: 409, .invalidSetting: 400, .portalUserDisabled: 409, .passwordConflict: 409,
            .idTaken: 409, .internalError: 500,
        ]
        #expect(Set(expected.keys) == Set(PortalError.Reason.allCases), "the table covers every reason")
        for reason in PortalError.Reason.allCases {
            #expect(reason.status.code == expected[reason], "\(reason)")
        }
    }

    @Test func theBodyCarriesTheCodeAndRetryAfter() {
        let response = ErrorMiddleware.response(for: PortalError.rateLimited(retryAfter: 7))
        #expect(response.status.code == 429)
        #expect(response.headers[.retryAfter] == "7")
        #expect(ErrorMiddleware.response(for: HTTPFailure.payloadTooLarge).status.code == 413)
        #expect(ErrorMiddleware.response(forStatus: .methodNotAllowed).status.code == 405)
        #expect(ErrorMiddleware.response(forStatus: .init(code: 418)).status.code == 400)
    }
}
