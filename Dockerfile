# portal-auth: one image, three commands (serve, mailer, migrate).
# Build: docker build -t portal-auth .    Run: see docker-compose.yml.

ARG SWIFT_VERSION=6.3.1
FROM swift:${SWIFT_VERSION}-bookworm AS build
# DL3008 (pin apt versions): the base image pins the Debian release; bookworm's archive keeps
# only the current security build of each package, so an exact version would break the build
# at the next point release instead of taking its fixes.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libssl-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so source edits do not re-resolve them; Package.resolved pins them.
COPY Package.swift Package.resolved ./
RUN swift package resolve
COPY Sources ./Sources
# SwiftPM checks every target of Package.swift, the test targets too, before it builds one product.
COPY Tests ./Tests
COPY sql ./sql
RUN swift build -c release --product portal-auth --static-swift-stdlib \
 && bin="$(swift build -c release --show-bin-path)" \
 && mkdir -p /out/bin /out/share/portal-auth \
 && cp "$bin/portal-auth" /out/bin/ \
 && cp -R "$bin"/*.resources /out/bin/ \
 && mkdir -p /out/share/portal-auth/sql \
 && cp -R sql/schema sql/internal sql/api /out/share/portal-auth/sql/

FROM debian:bookworm-slim
# DL3008: as in the build stage above.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libssl3 libcurl4 ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin portal
# The binary finds its resource bundles (the SQL among them) next to itself; ../share holds the SQL too.
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/share/ /usr/local/share/
# Numeric, so a runtime that refuses root (runAsNonRoot) can verify it. The process writes
# nothing to the image: it runs with a read-only root filesystem (see docker-compose.yml).
USER 10001:10001
ENV HOST=0.0.0.0 PORT=8080 LOG_FORMAT=json
EXPOSE 8080
# The gateway's liveness; compose overrides it per service (the mailer answers on MAILER_METRICS_ADDRESS).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/bin/sh", "-c", "curl -fsS \"http://127.0.0.1:${PORT}/healthz\" || exit 1"]
ENTRYPOINT ["portal-auth"]
CMD ["serve"]
