# Chorus server image (the default target) and the steps service image (`--target steps-service`).
#
#   docker build -t chorus .
#   docker build -t chorus-steps --target steps-service .
#
# The base images are build arguments so that a mirror, a pinned digest or an image built locally can take their
# place without editing this file.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Only what the published projects need (see .dockerignore): the build settings first, then the sources.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY examples/discovery.json examples/
COPY src/ src/
# Framework-dependent publishes: the runtime image carries .NET. The CLI sits beside the server so that
# `docker exec … chorus token` mints tokens with the container's own JWT_SECRET.
RUN dotnet publish src/Chorus.Server -c Release -o /out/server -nologo \
 && dotnet publish src/Chorus.Cli -c Release -o /out/cli -nologo \
 && dotnet publish src/Chorus.StepsService -c Release -o /out/steps-service -nologo

FROM ${RUNTIME_IMAGE} AS steps-service
# Microsoft's .NET images carry a non-root user with this uid (`app`); any other uid works as well.
ARG APP_UID=1654
WORKDIR /app
COPY --from=build /out/steps-service ./
# The steps service has no authentication of its own: publish its port only where the engine alone reaches it.
# ASPNETCORE_HTTP_PORTS is emptied because HOST and PORT decide where it listens.
ENV HOST=0.0.0.0 PORT=8001 ASPNETCORE_HTTP_PORTS=
EXPOSE 8001
USER ${APP_UID}
# The runtime images have no curl or wget: bash's /dev/tcp speaks the one HTTP request the check needs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Chorus.StepsService.dll"]

FROM ${RUNTIME_IMAGE} AS server
ARG APP_UID=1654
WORKDIR /app
COPY --from=build /out/server ./
COPY --from=build /out/cli ./cli/
# `chorus` on PATH inside the container, for tokens, backups and the rest of the CLI.
RUN printf '#!/bin/sh\nexec dotnet /app/cli/chorus.dll "$@"\n' > /usr/local/bin/chorus \
 && chmod 755 /usr/local/bin/chorus \
 && mkdir -p /data && chown ${APP_UID}:${APP_UID} /data
# The SQLite database and the generated key files live in /data: mount a volume there to keep them. Listening
# beyond 127.0.0.1 needs a token key, so the container refuses to start until JWT_SECRET (or JWT_PUBLIC_KEY or
# JWT_JWKS_FILE) is given at `docker run`. DATABASE_URL=postgres://… switches to PostgreSQL.
ENV HOST=0.0.0.0 PORT=8000 DATABASE_URL=/data/chorus.db ASPNETCORE_HTTP_PORTS=
VOLUME /data
# The server works in /data, so that files it places in its working directory by default (the secrets key with
# PostgreSQL) land in the volume too, never in /app, which the non-root user cannot write.
WORKDIR /data
EXPOSE 8000
USER ${APP_UID}
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "/app/Chorus.Server.dll"]
