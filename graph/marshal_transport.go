package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// postTransport is gqlgen's POST transport, with one change in how an
// answer without errors is written. gqlgen's writes every response with
// json.Marshal, which re-validates the executor's data (json.RawMessage)
// byte by byte through encoding/json's scanner: a fifth of the CPU of an
// uncached map query. Here the transport marshals the response with a
// one-byte placeholder for the data, and the writer puts the data in its
// place, compacted and HTML-escaped as json.Marshal does (appendCompact),
// in one plain pass. Responses with errors go through gqlgen's path
// unchanged. TestPostTransportWritesWhatGqlgenWrites compares the bytes.
type postTransport struct{ transport.POST }

// Do implements graphql.Transport.
func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	dw := &dataWriter{ResponseWriter: w}
	t.POST.Do(dw, r, dataExecutor{GraphExecutor: exec, w: dw})
	dw.release()
}

// dataExecutor takes the data out of an operation's response without
// errors, for its dataWriter.
type dataExecutor struct {
	graphql.GraphExecutor
	w *dataWriter
}

// placeholder stands for the data in the response json.Marshal writes.
var placeholder = json.RawMessage("0")

// DispatchOperation implements graphql.GraphExecutor.
func (e dataExecutor) DispatchOperation(ctx context.Context, rc *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	next, ctx := e.GraphExecutor.DispatchOperation(context.WithValue(ctx, dataWriterKey{}, e.w), rc)
	return func(ctx context.Context) *graphql.Response {
		resp := next(ctx)
		if resp != nil && len(resp.Errors) == 0 && len(resp.Data) > 0 && e.w.data == nil {
			out := *resp
			e.w.data, out.Data = resp.Data, placeholder
			return &out
		}
		return resp
	}, ctx
}

// dataWriter writes the data it holds in place of the placeholder. The
// buffers it writes from, the executor's (marshalData) and its own, are
// reused by later requests once the transport is done (release).
type dataWriter struct {
	http.ResponseWriter
	data json.RawMessage
	// bufs are the pooled buffers the request took.
	bufs []*[]byte
	// marshalled is the data marshalData wrote, and clean the ranges of it
	// written already compacted and escaped (execState.clean).
	marshalled []byte
	clean      []int
}

// dataWriterKey is the context key of the request's dataWriter.
type dataWriterKey struct{}

// buffers keeps the buffers of written responses (*[]byte), for the next
// ones: an uncached map query's answer is written twice (the executor's
// data, then the compacted response), 41 KB each, which a fresh buffer
// grows to by doubling (~2.5 times that in garbage).
var buffers sync.Pool

// maxPooledBuffer is the largest buffer kept for reuse: a rare large
// response does not pin its memory.
const maxPooledBuffer = 1 << 20

// buffer returns an empty buffer to write the response into, kept until
// release.
func (w *dataWriter) buffer() []byte {
	b, _ := buffers.Get().(*[]byte)
	if b == nil {
		b = new([]byte)
	}
	w.bufs = append(w.bufs, b)
	return (*b)[:0]
}

// keep records what was written into the last buffer (it may have grown).
func (w *dataWriter) keep(b []byte) { *w.bufs[len(w.bufs)-1] = b }

// release returns the request's buffers to the pool: the response is
// written, and nothing else holds them (http.ResponseWriter and the
// response cache copy what they are given).
func (w *dataWriter) release() {
	for _, b := range w.bufs {
		if cap(*b) <= maxPooledBuffer {
			buffers.Put(b)
		}
	}
	w.bufs, w.data, w.marshalled, w.clean = nil, nil, nil, nil
}

// marshalData writes an operation's data (graph/internal/generate puts this
// call in the executable schema's Exec): into a reused buffer when the POST
// transport will write it and release the buffer, else into a new one.
func marshalData(ctx context.Context, data graphql.Marshaler) []byte {
	w, _ := ctx.Value(dataWriterKey{}).(*dataWriter)
	if w == nil {
		var buf bytes.Buffer
		data.MarshalGQL(&buf)
		return buf.Bytes()
	}
	buf := bytes.NewBuffer(w.buffer())
	st := executionState(graphql.GetOperationContext(ctx))
	if st != nil {
		st.out, st.clean, st.depth = buf, nil, 0
	}
	data.MarshalGQL(buf)
	w.keep(buf.Bytes())
	w.marshalled, w.clean = buf.Bytes(), nil
	if st != nil {
		w.clean, st.out, st.clean = st.clean, nil, nil
		st.release()
	}
	return buf.Bytes()
}

// prefix is how json.Marshal begins a response without errors.
var prefix = []byte(`{"data":0`)

// Write implements http.ResponseWriter.
func (w *dataWriter) Write(b []byte) (int, error) {
	if w.data == nil || !bytes.HasPrefix(b, prefix) {
		return w.ResponseWriter.Write(b)
	}
	out := slices.Grow(w.buffer(), len(b)+len(w.data)+len(w.data)/16)
	out = append(out, prefix[:len(prefix)-1]...)
	if len(w.clean) > 0 && len(w.data) == len(w.marshalled) && unsafe.SliceData(w.data) == unsafe.SliceData(w.marshalled) {
		out = appendCompactRanges(out, w.data, w.clean)
	} else { // not the data marshalData wrote
		out = appendCompact(out, w.data)
	}
	out = append(out, b[len(prefix):]...)
	w.keep(out)
	w.data = nil
	// The whole answer is at hand: say its length, rather than leave
	// net/http to send it in chunks.
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	if _, err := w.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// appendCompact appends the valid JSON src to dst as json.Marshal writes a
// json.RawMessage: whitespace outside strings removed; <, >, & and the
// line and paragraph separators U+2028 and U+2029 escaped. It skips the
// bytes that need nothing (most of them) by table, a run at a time.
func appendCompact(dst, src []byte) []byte {
	const hex = "0123456789abcdef"
	start, i, n := 0, 0, len(src)
	for i < n {
		for i < n && !outsideString[src[i]] {
			i++
		}
		if i == n {
			break
		}
		if src[i] != '"' { // whitespace
			dst = append(dst, src[start:i]...)
			i++
			start = i
			continue
		}
		i++
	inString:
		for i < n {
			for i < n && !insideString[src[i]] {
				i++
			}
			if i == n {
				break
			}
			switch c := src[i]; c {
			case '"':
				i++
				break inString
			case '\\':
				i += 2 // the escaped byte is never special
			case 0xE2:
				if i+2 < n && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8 {
					dst = append(dst, src[start:i]...)
					dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
					start = i + 3
					i += 3
				} else {
					i++
				}
			default: // <, >, &
				dst = append(dst, src[start:i]...)
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
				i++
				start = i
			}
		}
	}
	if start < n {
		dst = append(dst, src[start:]...)
	}
	return dst
}

// appendCompactRanges is appendCompact for src of which the ranges clean
// (start and end offsets, in order, each a whole JSON value) are written
// compacted and escaped already: they are copied, the rest compacted.
func appendCompactRanges(dst, src []byte, clean []int) []byte {
	prev := 0
	for k := 0; k+1 < len(clean); k += 2 {
		start, end := clean[k], clean[k+1]
		dst = appendCompact(dst, src[prev:start])
		dst = append(dst, src[start:end]...)
		prev = end
	}
	return appendCompact(dst, src[prev:])
}

// The bytes appendCompact stops at outside and inside strings.
var outsideString, insideString = byteSet(" \t\n\r\""), byteSet("\"\\<>&\xe2")

func byteSet(s string) (set [256]bool) {
	for i := range len(s) {
		set[s[i]] = true
	}
	return set
}
