// @neo4j/graphql over famigraph's Neo4j graph, served by graphql-yoga: the
// peer `make bench-peer` measures famigraph against (docs/benchmarks.md).
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USER= NEO4J_PASSWORD= node server.mjs --port 8081
//
// Environment: NEO4J_URI (required), NEO4J_USER (default neo4j; empty for a
// server without authentication), NEO4J_PASSWORD, NEO4J_DATABASE (default:
// the server's), PEER_WORKERS (processes sharing the port; default: one per
// CPU, as famigraph's Go runtime uses every CPU). DEBUG=@neo4j/graphql:*
// logs the Cypher the library generates for each request.
// Flags: --host (default 127.0.0.1), --port (required; 0 for a free one).
// Prints `peer: @neo4j/graphql on http://HOST:PORT/graphql, N workers (pids
// P...)` when every worker listens.
import cluster from "node:cluster";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string" } },
});
const port = Number(args.port);
if (args.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error("peer: --port N is required (0 for a free port)");
  process.exit(2);
}
const uri = process.env.NEO4J_URI;
if (!uri) {
  console.error("peer: NEO4J_URI is not set");
  process.exit(2);
}
const workers = Number(process.env.PEER_WORKERS || availableParallelism());

if (cluster.isPrimary && workers > 1) {
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    const w = cluster.fork();
    w.on("message", (m) => {
      // Workers that listen on port 0 share one port the primary chose.
      if (m?.ready && ++ready === workers) {
        const pids = Object.values(cluster.workers).map((x) => x.process.pid);
        console.log(`peer: @neo4j/graphql on http://${args.host}:${m.port}/graphql, ${workers} workers (pids ${pids.join(" ")})`);
      }
    });
  }
  let stopping = false;
  cluster.on("exit", (w, code, signal) => {
    if (!stopping) {
      console.error(`peer: worker ${w.process.pid} exited (${signal || code}); stopping`);
      stop(1);
    }
  });
  const stop = (code) => {
    stopping = true;
    for (const w of Object.values(cluster.workers)) w.process.kill("SIGTERM");
    process.exitCode = code;
  };
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));
} else {
  await serve();
}

async function serve() {
  const [{ Neo4jGraphQL }, { createYoga }, neo4jModule] = await Promise.all([
    import("@neo4j/graphql"),
    import("graphql-yoga"),
    import("neo4j-driver"),
  ]);
  const neo4j = neo4jModule.default;
  const user = process.env.NEO4J_USER ?? "neo4j";
  const auth = user === "" ? undefined : neo4j.auth.basic(user, process.env.NEO4J_PASSWORD ?? "");
  const driver = neo4j.driver(uri, auth);
  const typeDefs = readFileSync(new URL("./typedefs.graphql", import.meta.url), "utf8");
  const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
  const database = process.env.NEO4J_DATABASE || undefined;
  const yoga = createYoga({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: false,
    landingPage: false,
    logging: "warn",
    context: () => (database ? { sessionConfig: { database } } : {}),
  });
  const server = createServer(yoga);
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, args.host, resolve);
  });
  const bound = server.address().port;
  if (cluster.isWorker) process.send({ ready: true, port: bound });
  else console.log(`peer: @neo4j/graphql on http://${args.host}:${bound}/graphql, 1 worker (pids ${process.pid})`);
  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    driver.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
