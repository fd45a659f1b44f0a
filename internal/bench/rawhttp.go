package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httputil"
	"net/url"
	"strconv"
	"time"
)

// rawConn is one client's keep-alive HTTP/1.1 connection, driven without
// net/http's transport: the client's own goroutine writes the request's
// bytes, prepared once, and reads the response into a buffer it reuses.
// net/http's client runs two more goroutines per connection and hands every
// request and response between them; with 1,024 clients in one process on
// 2 cores those hand-offs queued for a processor (p99 59 ms) and became the
// measure. A client this light is what wrk does, and what a measure of the
// server needs when the clients share its machine.
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
	path := u.RequestURI()
	return &rawConn{addr: addr, host: u.Host, path: path, dials: dialled, headLen: -1}, nil
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
	return c.readResponse(buf)
}

// readResponse reads a response's status line, headers and body (by
// Content-Length or chunked), the body into buf.
func (c *rawConn) readResponse(buf *bytes.Buffer) (status int, retryAfter string, keep bool, err error) {
	line, err := c.line()
	if err != nil {
		return 0, "", false, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, "", false, fmt.Errorf("malformed status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, "", false, fmt.Errorf("malformed status line %q", line)
	}
	keep = line[7] == '1'
	length, chunked := int64(-1), false
	for {
		h, err := c.line()
		if err != nil {
			return status, "", false, err
		}
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return status, "", false, fmt.Errorf("malformed header %q", h)
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "Content-Length"):
			if length, err = strconv.ParseInt(string(value), 10, 64); err != nil || length < 0 {
				return status, "", false, fmt.Errorf("malformed Content-Length %q", value)
			}
		case asciiEqualFold(name, "Transfer-Encoding"):
			chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "Connection"):
			if asciiEqualFold(value, "close") {
				keep = false
			}
		case asciiEqualFold(name, "Retry-After"):
			retryAfter = string(value)
		}
	}
	buf.Reset()
	switch {
	case chunked:
		if _, err = buf.ReadFrom(httputil.NewChunkedReader(c.r)); err == nil {
			err = c.trailer()
		}
	case length >= 0:
		buf.Grow(int(length))
		_, err = io.CopyN(buf, c.r, length)
	default: // the body runs to the connection's end
		keep = false
		_, err = buf.ReadFrom(c.r)
	}
	return status, retryAfter, keep, err
}

// trailer reads a chunked body's trailer, which the chunked reader leaves:
// header lines up to an empty one.
func (c *rawConn) trailer() error {
	for {
		l, err := c.line()
		if err != nil || len(l) == 0 {
			return err
		}
	}
}

// line reads one header line without its CRLF.
func (c *rawConn) line() ([]byte, error) {
	l, err := c.r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, errors.New("header line too long")
		}
		return nil, err
	}
	return bytes.TrimRight(l, "\r\n"), nil
}

func (c *rawConn) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// asciiEqualFold reports whether b equals s, ignoring ASCII case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
