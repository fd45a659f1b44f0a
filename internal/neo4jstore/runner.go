package neo4jstore

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// record is one result row: column name to value, with the driver's value
// types (string, int64, float64, bool, []any, map[string]any, neo4j.Date,
// neo4j.Point2D, nil).
type record map[string]any

// runner sends one statement to the database and returns every row. It is
// the seam between the adapter's own code and the driver, which cannot be
// faked: tests put a fake behind it.
type runner interface {
	// read runs a read-only statement, routed to readers.
	read(ctx context.Context, st Statement, params map[string]any) ([]record, error)
	// write runs a statement in a write transaction that the driver retries
	// on transient failures: the statement must be idempotent.
	write(ctx context.Context, st Statement, params map[string]any) ([]record, error)
	// transact runs calls in order in one write transaction, calling each
	// after every statement with its rows; an error from each rolls the
	// transaction back. The driver may run the whole transaction again on a
	// transient failure: the statements must be idempotent and each must
	// tolerate being called again from the first statement.
	transact(ctx context.Context, calls []call, each func(i int, recs []record) error) error
	// ping runs stPing once, without the driver's retries: a health probe
	// must report what it sees now.
	ping(ctx context.Context) error
	// close releases the connections.
	close(ctx context.Context) error
}

// call is one statement of a transaction, with its parameters.
type call struct {
	st     Statement
	params map[string]any
}

// driverRunner is the runner over the Neo4j Go driver.
type driverRunner struct {
	driver   neo4j.DriverWithContext
	database string
}

// txTimeout is the server-side transaction timeout for a call under ctx:
// the time left before its deadline, so that Neo4j stops working on a
// request nobody waits for any more. Zero means no deadline.
func txTimeout(ctx context.Context) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return 0
	}
	d := time.Until(dl)
	// The driver sends milliseconds and 0 means "no timeout": round up.
	ms := math.Ceil(float64(d) / float64(time.Millisecond))
	if ms < 1 {
		ms = 1
	}
	return time.Duration(ms) * time.Millisecond
}

func (d *driverRunner) txConfig(ctx context.Context) []func(*neo4j.TransactionConfig) {
	if t := txTimeout(ctx); t > 0 {
		return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(t)}
	}
	return nil
}

func (d *driverRunner) read(ctx context.Context, st Statement, params map[string]any) ([]record, error) {
	res, err := d.query(ctx, st.Cypher, params)
	if err != nil {
		return nil, err
	}
	return toRecords(res.Records)
}

// query runs a read-only statement, routed to readers, and returns the
// driver's whole result.
func (d *driverRunner) query(ctx context.Context, cypher string, params map[string]any) (*neo4j.EagerResult, error) {
	opts := []neo4j.ExecuteQueryConfigurationOption{
		neo4j.ExecuteQueryWithReadersRouting(),
		neo4j.ExecuteQueryWithTransactionConfig(d.txConfig(ctx)...),
	}
	if d.database != "" {
		opts = append(opts, neo4j.ExecuteQueryWithDatabase(d.database))
	}
	return neo4j.ExecuteQuery(ctx, d.driver, cypher, params, neo4j.EagerResultTransformer, opts...)
}

func (d *driverRunner) write(ctx context.Context, st Statement, params map[string]any) ([]record, error) {
	session := d.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: d.database, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	// The callback may run more than once: it only runs the statement and
	// collects its rows, and every write statement is idempotent.
	out, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, st.Cypher, params)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		return toRecords(recs)
	}, d.txConfig(ctx)...)
	if err != nil {
		return nil, err
	}
	return out.([]record), nil
}

func (d *driverRunner) transact(ctx context.Context, calls []call, each func(int, []record) error) error {
	session := d.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: d.database, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	_, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for i, c := range calls {
			res, err := tx.Run(ctx, c.st.Cypher, c.params)
			if err != nil {
				return nil, err
			}
			recs, err := res.Collect(ctx)
			if err != nil {
				return nil, err
			}
			rows, err := toRecords(recs)
			if err != nil {
				return nil, err
			}
			if err := each(i, rows); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, d.txConfig(ctx)...)
	return err
}

func (d *driverRunner) ping(ctx context.Context) error {
	session := d.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: d.database, AccessMode: neo4j.AccessModeRead})
	defer session.Close(ctx)
	// An auto-commit transaction: the driver does not retry it.
	res, err := session.Run(ctx, stPing.Cypher, nil, d.txConfig(ctx)...)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

func (d *driverRunner) close(ctx context.Context) error { return d.driver.Close(ctx) }

func toRecords(rs []*neo4j.Record) ([]record, error) {
	out := make([]record, len(rs))
	for i, r := range rs {
		if len(r.Keys) != len(r.Values) {
			return nil, fmt.Errorf("malformed record: %d keys, %d values", len(r.Keys), len(r.Values))
		}
		m := make(record, len(r.Keys))
		for j, k := range r.Keys {
			m[k] = r.Values[j]
		}
		out[i] = m
	}
	return out, nil
}
