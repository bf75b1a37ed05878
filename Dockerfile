# Novi in a container: built with the same offline toolchain steps as `make build` (crates.io
# and Debian only), run as an unprivileged user on slim Debian with Debian's Chromium for the
# WhatsApp Web worker and the PostgreSQL client for backups.
#
#   docker build -t novi .
#   docker run -p 3000:3000 -v novi:/var/lib/novi -e JWT_SECRET=... novi
#
# See docs/deploy.md for the settings, PostgreSQL, TLS and upgrades.

FROM rust:1-bookworm AS build
WORKDIR /src
# The tools first: they change far less often than the code, so this layer is usually cached.
COPY Makefile Cargo.lock ./
RUN make tools
COPY . .
RUN make build \
    && mkdir -p /out \
    && cp target/release/novi /out/novi \
    && cp -r target/site /out/site

FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates chromium fonts-liberation postgresql-client tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/novi --create-home novi
COPY --from=build /out/novi /usr/local/bin/novi
COPY --from=build /out/site /usr/share/novi/site

# Everything Novi writes lives under /var/lib/novi: mount a volume there.
ENV NOVI_SITE_ROOT=/usr/share/novi/site \
    DATABASE_URL=sqlite:///var/lib/novi/data/novi.db?mode=rwc \
    WHATSAPP_SESSION_PATH=/var/lib/novi/whatsapp \
    CHROMIUM_PATH=/usr/bin/chromium \
    LOG_FORMAT=json \
    PORT=3000
USER novi
WORKDIR /var/lib/novi
VOLUME ["/var/lib/novi"]
EXPOSE 3000
# tini reaps the Chromium processes the WhatsApp workers start and passes SIGTERM on, so a
# stop finishes requests in flight and seals the WhatsApp profiles.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/novi"]
CMD ["serve"]
