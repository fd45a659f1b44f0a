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
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/famigraph ./cmd/famigraph \
 && /out/famigraph validate --seed seed

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/famigraph /famigraph
# The seed files: the embedded store serves them, 'famigraph seed' loads them.
COPY --from=build /src/seed /seed
USER nonroot:nonroot
ENV FAMIGRAPH_ADDR=0.0.0.0:8080 \
    FAMIGRAPH_SEED=/seed
EXPOSE 8080
ENTRYPOINT ["/famigraph"]
CMD ["serve"]
