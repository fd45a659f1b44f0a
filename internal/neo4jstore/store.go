// Package neo4jstore serves the knowledge graph from Neo4j 5: the Cypher
// statements, the schema (constraints and indexes), idempotent seeding and a
// kg.Store that answers exactly as the embedded store does.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/famigraph/famigraph/internal/kg"
)

// Config says how to reach Neo4j and how quickly to give up.
type Config struct {
	URI      string // bolt://host:7687, neo4j://host:7687, neo4j+s://...
	User     string // empty for a server without authentication
	Password string
	Database string // empty for the server's default database

	// ConnectTimeout bounds opening a connection and waiting for one from
	// the pool, so that requests fail fast while Neo4j is unreachable.
	// Default 3s.
	ConnectTimeout time.Duration
	// MaxRetryTime bounds the driver's retries of a transaction that failed
	// for a transient reason (one retry, after about a second). Default 1s:
	// a request has its own deadline, and a seed can ask for more.
	MaxRetryTime time.Duration
	// Cooldown is how long the store fails requests at once, without trying
	// Neo4j, after Neo4j was found unreachable. Ping always tries. Default 1s.
	Cooldown time.Duration
	// OnRoundTrip, if set, is called with the statement's name each time the
	// store sends a statement (for metrics).
	OnRoundTrip func(statement string)
}

// Defaults for Config.
const (
	DefaultConnectTimeout = 3 * time.Second
	DefaultMaxRetryTime   = time.Second
	DefaultCooldown       = time.Second
)

// Store is a kg.Store over Neo4j. It is safe for concurrent use; open one
// per process.
type Store struct {
	run         runner
	roundTrips  atomic.Int64
	onRoundTrip func(string)
	breaker     breaker
}

var _ kg.Store = (*Store)(nil)

// Open creates the driver. It does not contact Neo4j: a server that is down
// at start makes requests fail with kg.EUNAVAILABLE until it comes back
// (see Ping), and the store recovers by itself.
func Open(cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, fmt.Errorf("neo4j: no URI")
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.MaxRetryTime <= 0 {
		cfg.MaxRetryTime = DefaultMaxRetryTime
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = cfg.ConnectTimeout
		c.ConnectionAcquisitionTimeout = cfg.ConnectTimeout
		c.MaxTransactionRetryTime = cfg.MaxRetryTime
		c.UserAgent = "famigraph"
	})
	if err != nil {
		// The driver's message may quote the URI, credentials included.
		msg := strings.ReplaceAll(err.Error(), cfg.URI, RedactURI(cfg.URI))
		if cfg.Password != "" {
			msg = strings.ReplaceAll(msg, cfg.Password, "xxxxx")
		}
		return nil, fmt.Errorf("neo4j: %s", msg)
	}
	return newStore(&driverRunner{driver: drv, database: cfg.Database}, cfg), nil
}

func newStore(r runner, cfg Config) *Store {
	if cfg.Cooldown <= 0 {
		cfg.Cooldown = DefaultCooldown
	}
	return &Store{run: r, onRoundTrip: cfg.OnRoundTrip, breaker: breaker{cooldown: cfg.Cooldown, now: time.Now}}
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.run.close(ctx) }

// RoundTrips returns how many statements the store has sent (Ping's
// excepted).
func (s *Store) RoundTrips() int64 { return s.roundTrips.Load() }

// Ping implements kg.Store: it runs a trivial query on the configured
// database, once, whether or not the store is cooling down after a
// failure, and its success ends the cool-down.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return wrap("ping", ctxError(err), err)
	}
	if err := s.run.ping(ctx); err != nil {
		return s.fail(ctx, "ping", err)
	}
	s.breaker.reset()
	return nil
}

// read sends one read statement, or its lean twin under
// kg.WithoutProvenance when it has one.
func (s *Store) read(ctx context.Context, op string, st Statement, params map[string]any) ([]record, error) {
	if st.lean != nil && kg.ProvenanceOmitted(ctx) {
		st = *st.lean
	}
	recs, err := s.send(ctx, op, st, params, s.run.read)
	if err != nil || st.columns == nil {
		return recs, err
	}
	return expandRows(op, st, recs)
}

// expandRows reads back the rows of a statement that returns them as one
// list (see rowsStmt).
func expandRows(op string, st Statement, recs []record) ([]record, error) {
	if len(recs) != 1 {
		return nil, internalf(op, "%s: %d rows, want one", st.Name, len(recs))
	}
	rows, ok := recs[0]["rows"].([]any)
	if !ok {
		return nil, internalf(op, "%s: rows is %T", st.Name, recs[0]["rows"])
	}
	var nodes map[string]any
	if st.shared {
		var err error
		if nodes, err = sharedNodes(recs[0]["nodes"]); err != nil {
			return nil, internalf(op, "%s: %v", st.Name, err)
		}
	}
	out := make([]record, len(rows))
	for i, row := range rows {
		values, ok := row.([]any)
		if !ok || len(values) != len(st.columns) {
			return nil, internalf(op, "%s: row %d is %T of %d values, want %d", st.Name, i, row, len(values), len(st.columns))
		}
		r := make(record, len(values))
		for j, c := range st.columns {
			r[c] = values[j]
		}
		if st.shared {
			id, _ := r["node"].(string)
			if r["node"] = nodes[id]; r["node"] == nil {
				return nil, internalf(op, "%s: row %d names %q, which nodes does not hold", st.Name, i, id)
			}
		}
		out[i] = r
	}
	return out, nil
}

// sharedNodes reads the nodes list of a statement from sharedRowsStmt:
// each record's id and projection.
func sharedNodes(v any) (map[string]any, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("nodes is %T", v)
	}
	out := make(map[string]any, len(list))
	for i, e := range list {
		pair, _ := e.([]any)
		if len(pair) != 2 {
			return nil, fmt.Errorf("node %d is %v", i, e)
		}
		id, _ := pair[0].(string)
		if id == "" || pair[1] == nil {
			return nil, fmt.Errorf("node %d is %v", i, e)
		}
		out[id] = pair[1]
	}
	return out, nil
}

// write sends one write statement in a retried transaction.
func (s *Store) write(ctx context.Context, op string, st Statement, params map[string]any) ([]record, error) {
	return s.send(ctx, op, st, params, s.run.write)
}

// transact runs calls in one write transaction (see runner.transact),
// counting a round trip per statement.
func (s *Store) transact(ctx context.Context, op string, calls []call, each func(int, []record) error) error {
	if err := ctx.Err(); err != nil {
		return wrap(op, ctxError(err), err)
	}
	if s.breaker.isOpen() {
		return wrap(op, errUnavailable, errCoolingDown)
	}
	err := s.run.transact(ctx, calls, func(i int, recs []record) error {
		s.roundTrips.Add(1)
		if s.onRoundTrip != nil {
			s.onRoundTrip(calls[i].st.Name)
		}
		return each(i, recs)
	})
	var kerr *kg.Error
	if errors.As(err, &kerr) {
		return err // from each: already what callers should see
	}
	if err != nil {
		return s.fail(ctx, op, err)
	}
	s.breaker.reset()
	return nil
}

func (s *Store) send(ctx context.Context, op string, st Statement, params map[string]any,
	do func(context.Context, Statement, map[string]any) ([]record, error)) ([]record, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrap(op, ctxError(err), err)
	}
	if s.breaker.isOpen() {
		return nil, wrap(op, errUnavailable, errCoolingDown)
	}
	s.roundTrips.Add(1)
	if s.onRoundTrip != nil {
		s.onRoundTrip(st.Name)
	}
	recs, err := do(ctx, st, params)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	s.breaker.reset()
	return recs, nil
}

// Errors API users may see. Their messages are safe: no Cypher, no driver
// detail, which stays in the wrapped cause for the logs.
var (
	errUnavailable = &kg.Error{Code: kg.EUNAVAILABLE, Message: "the graph database is unavailable"}
	errTimeout     = &kg.Error{Code: kg.ETIMEOUT, Message: "the graph database did not answer in time"}
	errCancelled   = &kg.Error{Code: kg.EUNAVAILABLE, Message: "the request was cancelled"}
	errInternal    = &kg.Error{Code: kg.EINTERNAL, Message: "internal error"}
	errCoolingDown = errors.New("neo4j was unreachable moments ago; not retrying yet")
)

// wrap returns an error whose message has the operation and the cause, and
// whose chain holds the safe *kg.Error first.
func wrap(op string, safe *kg.Error, cause error) error {
	return fmt.Errorf("%s: %w: %w", op, safe, cause)
}

func ctxError(err error) *kg.Error {
	if errors.Is(err, context.DeadlineExceeded) {
		return errTimeout
	}
	return errCancelled
}

// fail translates a failure of op into a kg error, and starts a cool-down
// when it shows that Neo4j cannot be reached.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	safe, down := classify(ctx, err)
	if down {
		s.breaker.trip()
	}
	return wrap(op, safe, err)
}

// classify maps a driver failure to the kg error API users see, and says
// whether it shows Neo4j to be unreachable or unusable (down), as opposed
// to one request failing.
func classify(ctx context.Context, err error) (safe *kg.Error, down bool) {
	// The caller's deadline or cancellation explains whatever the driver
	// reports once it has passed.
	if cerr := ctx.Err(); cerr != nil {
		return ctxError(cerr), false
	}
	var (
		ne    *neo4j.Neo4jError
		ce    *neo4j.ConnectivityError
		limit *neo4j.TransactionExecutionLimit
		te    *neo4j.TokenExpiredError
		ue    *neo4j.UsageError
		ke    *kg.Error
	)
	switch {
	case errors.As(err, &ke):
		return ke, false
	case errors.Is(err, context.DeadlineExceeded):
		return errTimeout, false
	case errors.Is(err, context.Canceled):
		return errCancelled, false
	case errors.As(err, &limit):
		// Retries ran out: the last attempt's failure says why.
		if n := len(limit.Errors); n > 0 {
			if safe, down := classify(ctx, limit.Errors[n-1]); safe != errInternal {
				return safe, down
			}
		}
		return errUnavailable, false
	case errors.As(err, &ce), errors.As(err, &te):
		return errUnavailable, true
	case errors.As(err, &ne):
		return classifyCode(ne.Code)
	case errors.As(err, &ue):
		return errInternal, false
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return errUnavailable, true
	}
	return errInternal, false
}

// classifyCode maps a Neo4j status code
// (https://neo4j.com/docs/status-codes/current/) to a kg error.
func classifyCode(code string) (safe *kg.Error, down bool) {
	switch {
	case strings.HasPrefix(code, "Neo.ClientError.Transaction.TransactionTimedOut"),
		strings.HasPrefix(code, "Neo.TransientError.Transaction.TransactionTimedOut"):
		return errTimeout, false
	case code == "Neo.ClientError.Database.DatabaseNotFound",
		code == "Neo.TransientError.General.DatabaseUnavailable",
		strings.HasPrefix(code, "Neo.ClientError.Security."): // misconfigured credentials: the log says which
		return errUnavailable, true
	case strings.HasPrefix(code, "Neo.TransientError."): // leader switch, lock timeouts, memory pressure
		return errUnavailable, false
	}
	return errInternal, false
}

// Reason explains, for an operator, a failure that is a misconfiguration
// rather than Neo4j being down: refused credentials or an unknown
// database. It returns "" for any other error.
func Reason(err error) string {
	var ne *neo4j.Neo4jError
	if !errors.As(err, &ne) {
		return ""
	}
	switch ne.Code {
	case "Neo.ClientError.Security.Unauthorized":
		return "authentication failed: Neo4j refused the user and password (NEO4J_USER, NEO4J_PASSWORD)"
	case "Neo.ClientError.Security.AuthenticationRateLimit":
		return "authentication failed too many times in a row: Neo4j locks the user for a while (check NEO4J_USER, NEO4J_PASSWORD)"
	case "Neo.ClientError.Database.DatabaseNotFound":
		return "the database does not exist (NEO4J_DATABASE)"
	case "Neo.ClientError.Security.Forbidden", "Neo.ClientError.Security.AuthorizationExpired":
		return "the user may not do this (NEO4J_USER)"
	}
	return ""
}

// breaker makes requests fail at once for a short while after Neo4j was
// found unreachable, instead of each waiting for its own connection
// timeout; after the cool-down the next request tries again.
type breaker struct {
	mu        sync.Mutex
	openUntil time.Time
	cooldown  time.Duration
	now       func() time.Time
}

func (b *breaker) isOpen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.now().Before(b.openUntil)
}

func (b *breaker) trip() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.openUntil = b.now().Add(b.cooldown)
}

func (b *breaker) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.openUntil = time.Time{}
}

// RedactURI returns the URI with any password it embeds replaced, for logs.
func RedactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	return u.Redacted()
}
