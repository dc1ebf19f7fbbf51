# syntax=docker/dockerfile:1
# One image for both the API (default entrypoint) and the workers
# (docker-compose overrides the entrypoint to /app/workers/Tracing.Workers.dll).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /src
COPY . .
# The stand-in packages must be in build/local-feed before any restore (nuget.config).
RUN bash build/standins/pack.sh
RUN --mount=type=cache,id=tracing-nuget,target=/root/.nuget/packages \
    dotnet publish src/Api/Tracing.Api.csproj -c Release -o /app/api \
 && dotnet publish src/Workers/Tracing.Workers.csproj -c Release -o /app/workers

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app /app
ENV ASPNETCORE_URLS=http://+:4318 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 4318
# Artifact storage (ADR 0006): writable by the non-root user; mount a volume here.
RUN mkdir -p /data && chown "$APP_UID" /data
ENV Tracing__DataDir=/data
# Non-root user provided by the .NET base images.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/api/Tracing.Api.dll"]
