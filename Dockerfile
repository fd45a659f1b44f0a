# famigraph server image: a static binary on distroless, running as non-root.
#   docker build -t famigraph .
#   docker run --rm -p 8080:8080 famigraph                      # embedded data
#   docker run --rm -e NEO4J_URI=bolt://neo4j:7687 -e NEO4J_PASSWORD=... famigraph   # Neo4j
# See docker-compose.yml and docs/neo4j.md.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# docker build --build-arg VERSION=v1.2.3 sets what 'famigraph version' reports.
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/famigraph ./cmd/famigraph \
 && /out/famigraph validate

FROM gcr.io/distroless/static-debian12:nonroot
# The binary carries the seed: the embedded store serves it, 'famigraph seed'
# loads it. Mount a directory and set FAMIGRAPH_SEED to serve another.
COPY --from=build /out/famigraph /famigraph
USER nonroot:nonroot
ENV FAMIGRAPH_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/famigraph"]
CMD ["serve"]
