package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pool is the connection pool, whose reads and transactions are tried
// again, once, when the connection they took was found lost. After the
// database restarts or fails over, every connection the pool kept is dead
// and fails its next use; pgxpool pings before use only a connection idle
// for a second or more (ShouldPing's default), so a connection used just
// before the restart is handed out as it is. The second try acquires with
// a ping (see shouldPing), which destroys the dead connections until one
// answers or a new one is made.
type pool struct{ *pgxpool.Pool }

// checkConnections marks a context whose acquire pings the connection
// before handing it out, however recently it was used.
type checkConnections struct{}

// withCheckedConnections is ctx, for acquiring a connection that answers.
func withCheckedConnections(ctx context.Context) context.Context {
	return context.WithValue(ctx, checkConnections{}, true)
}

// shouldPing is pgxpool's ShouldPing: its default (a connection idle for
// a second or more), and every connection on a second try.
func shouldPing(ctx context.Context, p pgxpool.ShouldPingParams) bool {
	return p.IdleDuration > time.Second || ctx.Value(checkConnections{}) != nil
}

// lostConnection says whether err means that the connection is gone, the
// database having ended the session (an administrator's or a crash's
// shutdown, a server still starting) or the network having dropped it:
// the work it carried can be done again on another connection. A timeout
// or a cancellation is not a lost connection: trying again would only
// wait as long again.
func lostConnection(err error) bool {
	if err == nil || pgconn.Timeout(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08") // connection_exception and its kind
	}
	return pgconn.SafeToRetry(err) || // not sent, on a connection closed
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}

// inTx runs f in a transaction. When the connection is lost before the
// commit is sent, the transaction did not commit (the server rolls back
// a session it ends), and it runs once more on a connection that answers.
// A commit whose answer was lost is not tried again: it may have
// committed. f may thus run twice: it must start from scratch each time.
func (p pool) inTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	committing, err := p.tryTx(ctx, f)
	if lostConnection(err) && (!committing || pgconn.SafeToRetry(err)) && ctx.Err() == nil {
		_, err = p.tryTx(withCheckedConnections(ctx), f)
	}
	return err
}

// tryTx runs f in a transaction, and says whether an error came from the
// commit.
func (p pool) tryTx(ctx context.Context, f func(tx pgx.Tx) error) (committing bool, err error) {
	tx, err := p.Pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	if err := f(tx); err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		return false, err
	}
	return true, tx.Commit(ctx)
}

// Exec runs one statement that writes, in a transaction of its own (see
// inTx).
func (p pool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := p.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		tag, err = tx.Exec(ctx, sql, args...)
		return err
	})
	return tag, err
}

// Query runs a query, and runs it once more on a connection that answers
// when the first one is lost before a row is read.
func (p pool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	retry := func() (pgx.Rows, error) { return p.Pool.Query(withCheckedConnections(ctx), sql, args...) }
	rows, err := p.Pool.Query(ctx, sql, args...)
	if err != nil {
		if lostConnection(err) && ctx.Err() == nil {
			return retry()
		}
		return rows, err
	}
	// A statement the connection prepared before is sent without waiting
	// for an answer: the loss shows at the first row.
	return &retriedRows{Rows: rows, retry: retry, ctx: ctx}, nil
}

// QueryRow runs a query of one row, as Query does.
func (p pool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return retriedRow{p: p, ctx: ctx, sql: sql, args: args}
}

type retriedRow struct {
	p    pool
	ctx  context.Context
	sql  string
	args []any
}

func (r retriedRow) Scan(dest ...any) error {
	err := r.p.Pool.QueryRow(r.ctx, r.sql, r.args...).Scan(dest...)
	if lostConnection(err) && r.ctx.Err() == nil {
		err = r.p.Pool.QueryRow(withCheckedConnections(r.ctx), r.sql, r.args...).Scan(dest...)
	}
	return err
}

// retriedRows are rows that are asked for again, once, when the
// connection is found lost before the first row.
type retriedRows struct {
	pgx.Rows
	retry func() (pgx.Rows, error)
	ctx   context.Context
}

func (r *retriedRows) Next() bool {
	if r.Rows.Next() {
		r.retry = nil
		return true
	}
	if r.retry != nil && lostConnection(r.Rows.Err()) && r.ctx.Err() == nil {
		retry := r.retry
		r.retry = nil
		r.Rows, _ = retry() // on failure, rows whose Err says why
		return r.Rows.Next()
	}
	return false
}
