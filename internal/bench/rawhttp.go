package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// rawConn is one client's keep-alive HTTP/1.1 connection, driven without
// net/http's transport: the client's own goroutine writes the request's
// bytes, prepared once, and reads the response (http.ReadResponse) into a
// buffer it reuses. net/http's client runs two more goroutines per
// connection and hands every request and response between them; with 1,024
// clients in one process on 2 cores those hand-offs queued for a processor
// (p99 59 ms) and became the measure. A client this light is what wrk
// does, and what a measure of the server needs when the clients share its
// machine.
type rawConn struct {
	addr string
	host string
	path string
	conn net.Conn
	r    *bufio.Reader
	// head is the last request's head, reused for the next body of the
	// same length.
	head    []byte
	headLen int
	dials   func()
}

// newRawConn returns a connection (dialled at its first request) to the
// URL rawURL, an http:// one; dialled is called for every dial.
func newRawConn(rawURL string, dialled func()) (*rawConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("raw client: %q is not an http:// URL", rawURL)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return &rawConn{addr: addr, host: u.Host, path: u.RequestURI(), dials: dialled, headLen: -1}, nil
}

// requestTimeout bounds one request's exchange, as the net/http client's
// Timeout does.
const requestTimeout = 30 * time.Second

// do posts body as JSON and reads the response's body into buf. It returns
// the status, the Retry-After header's value and the body's bytes (buf's),
// or an error for a transport failure; after one the connection is closed
// and the next request dials again.
func (c *rawConn) do(ctx context.Context, body []byte, buf *bytes.Buffer) (status int, retryAfter string, out []byte, err error) {
	status, retryAfter, keep, err := c.exchange(ctx, body, buf)
	if err != nil || !keep {
		c.close()
	}
	return status, retryAfter, buf.Bytes(), err
}

func (c *rawConn) exchange(ctx context.Context, body []byte, buf *bytes.Buffer) (status int, retryAfter string, keep bool, err error) {
	if c.conn == nil {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			return 0, "", false, err
		}
		if c.dials != nil {
			c.dials()
		}
		c.conn = conn
		if c.r == nil {
			c.r = bufio.NewReaderSize(conn, 16<<10)
		} else {
			c.r.Reset(conn)
		}
	}
	deadline := time.Now().Add(requestTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := c.conn.SetDeadline(deadline); err != nil {
		return 0, "", false, err
	}
	if len(body) != c.headLen {
		c.head = fmt.Appendf(c.head[:0], "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
			c.path, c.host, len(body))
		c.headLen = len(body)
	}
	bufs := net.Buffers{c.head, body}
	if _, err := bufs.WriteTo(c.conn); err != nil {
		return 0, "", false, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, "", false, err
	}
	defer resp.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return resp.StatusCode, "", false, err
	}
	// A body without a length runs to the connection's end.
	keep = !resp.Close && (resp.ContentLength >= 0 || len(resp.TransferEncoding) > 0)
	return resp.StatusCode, resp.Header.Get("Retry-After"), keep, nil
}

func (c *rawConn) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
