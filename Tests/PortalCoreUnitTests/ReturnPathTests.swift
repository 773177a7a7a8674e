import PortalCore
import Testing

/// `next`: only a plain path on this origin passes; every other spelling falls back to `/portal`.
@Suite struct ReturnPathTests {
    /// Spellings that would leave the site (or could, at a browser or proxy that reads them
    /// loosely): each must fall back to `/portal`.
    static let openRedirects: [String] = [
        "https://evil.example",
        "http://evil.example/portal",
        "HTTPS://evil.example",
        "//evil.example",
        "//evil.example/portal",
        "///evil.example",
        "////evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\\/evil.example",
        "/portal\\..\\..\\evil",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "evil.example",
        "evil.example/portal",
        "portal",
        "@evil.example",
        "/%2F%2Fevil.example",
        "/%2f/evil.example",
        "/%5Cevil.example",
        "/%5cevil.example",
        "%2F%2Fevil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/%09/evil.example",
        "/%0d%0aLocation:%20https://evil.example",
        "/portal\r\nSet-Cookie: x=1",
        " /portal",
        "/portal ",
        "/por tal",
        "\u{0000}/portal",
        "/portal\u{0000}",
        "/\u{3000}/evil.example",
        "/ﬀ/evil",
        "/../evil.example",
        "/portal/../../evil",
        "/./evil",
        "/%2e%2e/%2fevil.example",
        "/portal/%2E%2E",
        "/%",
        "/%zz",
        "/%2",
        "https:/evil.example",
        "https:evil.example",
        "/\u{7F}",
        "",
        String(repeating: "/a", count: 2000),
    ]

    @Test(arguments: openRedirects)
    func aSpellingThatCouldLeaveTheSiteFallsBackToThePortal(_ next: String) {
        #expect(ReturnPath.safe(next) == "/portal", "\(next.debugDescription)")
    }

    @Test func thereAreAtLeastThirtySpellings() {
        #expect(Self.openRedirects.count >= 30)
    }

    @Test(arguments: [
        "/portal", "/portal/", "/invoices/7", "/invoices/7?tab=pdf&page=2", "/berths/list#row-3", "/a/b.c/d-e_f~g",
        "/search?q=a%20b", "/invoices/%C3%A9t%C3%A9", "/", "/portal/login",
    ])
    func aPlainPathOnThisSiteIsKept(_ next: String) {
        #expect(ReturnPath.safe(next) == next)
    }

    @Test func aMissingNextFallsBack() {
        #expect(ReturnPath.safe(nil) == "/portal")
    }

    @Test func theSignInLocationCarriesThePageEncodedAsOneParameter() {
        #expect(ReturnPath.loginLocation(returningTo: "/invoices/7?tab=pdf&x=1") == "/portal/login?next=/invoices/7%3Ftab%3Dpdf%26x%3D1")
        #expect(ReturnPath.loginLocation(returningTo: "//evil.example") == "/portal/login")
        #expect(ReturnPath.loginLocation(returningTo: nil) == "/portal/login")
        #expect(ReturnPath.loginLocation(returningTo: "/portal") == "/portal/login")
    }
}
