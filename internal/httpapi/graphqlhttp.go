package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Codes of requests refused at the HTTP edge, in extensions.code.
const (
	CodeBadRequest       = "BAD_REQUEST"
	CodeMediaType        = "UNSUPPORTED_MEDIA_TYPE"
	CodeTooLarge         = "PAYLOAD_TOO_LARGE"
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	CodeNotFound         = "NOT_FOUND"
	CodeRateLimited      = "RATE_LIMITED"
)

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// graphqlOverHTTP makes the GraphQL endpoint follow the GraphQL-over-HTTP
// specification: a request that is not well-formed (wrong content type,
// body that is not a JSON object of the right shape, missing query) is
// refused with a 4xx status and a coded error before gqlgen sees it, without
// echoing the body; a well-formed request that fails parsing or validation
// gets 200 with application/json and 400 with
// application/graphql-response+json (gqlgen answers 422).
//
// With a cache, a request answered before with a successful response gets
// the same bytes without running again. A request that must run is admitted
// by adm, or refused at once as OVERLOADED.
//
// A request error (a document that fails parsing or validation, a variable
// that cannot be coerced, a limit exceeded) is answered without a data
// entry, as the GraphQL specification says of errors raised before
// execution begins (gqlgen writes "data": null).
func graphqlOverHTTP(next http.Handler, rejected func(reason string), cache *responseCache, cacheEvent func(hit bool), adm *admission) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		media := responseMediaType(r)
		refuse := func(status int, code, reason, msg string) {
			rejected(reason)
			writeError(w, media, status, code, msg)
		}
		var body []byte
		switch r.Method {
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != mediaJSON {
				refuse(http.StatusUnsupportedMediaType, CodeMediaType, "media_type", "a POST request must have Content-Type application/json")
				return
			}
			body, err = io.ReadAll(r.Body)
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				refuse(http.StatusRequestEntityTooLarge, CodeTooLarge, "too_large", "the request body is larger than the limit")
				return
			case err != nil:
				refuse(http.StatusBadRequest, CodeBadRequest, "malformed", "the request body could not be read")
				return
			}
			if msg := checkBody(body); msg != "" {
				refuse(http.StatusBadRequest, CodeBadRequest, "malformed", msg)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		case http.MethodGet:
			q := r.URL.Query()
			if q.Get("query") == "" && q.Get("extensions") == "" {
				refuse(http.StatusBadRequest, CodeBadRequest, "malformed", "a GET request needs a query parameter")
				return
			}
			if msg := checkParams(q.Get("query"), q.Get("variables"), q.Get("extensions")); msg != "" {
				refuse(http.StatusBadRequest, CodeBadRequest, "malformed", msg)
				return
			}
		}
		out := &statusRewriter{ResponseWriter: w, media: media, rejected: rejected}
		defer out.finish()
		if cache == nil {
			adm.serve(out, r, media, rejected, next)
			return
		}
		key := cacheKey(r, media, body)
		if c, ok := cache.get(key); ok {
			cacheEvent(true)
			w.Header().Set("Content-Type", c.contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
			_, _ = w.Write(c.body)
			return
		}
		cacheEvent(false)
		rec := &recorder{ResponseWriter: out, limit: cache.maxEntry()}
		adm.serve(rec, r, media, rejected, next)
		if !rec.overflow && cacheable(rec.status, rec.body.Bytes()) {
			cache.put(&cached{key: key, contentType: w.Header().Get("Content-Type"), body: bytes.Clone(rec.body.Bytes())})
		}
	})
}

// checkBody checks that body is a GraphQL-over-HTTP request: a JSON object
// whose query is a string (it may be absent for a persisted query), whose
// operationName is a string or null and whose variables and extensions are
// objects or null. It returns what is wrong, or "".
func checkBody(body []byte) string {
	if !utf8.Valid(body) {
		return "the request body is not valid UTF-8"
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(body, &p); err != nil {
		return "the request body is not a JSON object"
	}
	// gqlgen decodes the body into a struct, whose field names Go matches
	// without regard to case: refuse "Query" beside "query" rather than
	// let the two readers disagree.
	for k := range p {
		for _, name := range []string{"query", "operationName", "variables", "extensions"} {
			if k != name && strings.EqualFold(k, name) {
				return "unexpected parameter " + strconvQuote(k)
			}
		}
	}
	kind := func(raw json.RawMessage) byte {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			return 0
		}
		return raw[0]
	}
	query, hasQuery := p["query"]
	switch k := kind(query); {
	case k == 0 && !hasQuery && kind(p["extensions"]) == '{':
		// A persisted query may come without its text.
	case k != '"':
		return "query must be a string"
	}
	if k := kind(p["operationName"]); k != 0 && k != '"' {
		return "operationName must be a string"
	}
	for _, name := range []string{"variables", "extensions"} {
		if k := kind(p[name]); k != 0 && k != '{' {
			return name + " must be an object"
		}
	}
	return ""
}

// checkParams checks the parameters of a GET request: valid UTF-8, and
// variables and extensions, when present, JSON objects.
func checkParams(query, variables, extensions string) string {
	if !utf8.ValidString(query) {
		return "the query parameter is not valid UTF-8"
	}
	for name, v := range map[string]string{"variables": variables, "extensions": extensions} {
		var obj map[string]json.RawMessage
		if v != "" && json.Unmarshal([]byte(v), &obj) != nil {
			return name + " must be a JSON object"
		}
	}
	return ""
}

// responseMediaType picks the response media type from Accept exactly as
// gqlgen's transports do (the first part it recognises wins; nothing
// recognised means the GraphQL response type), so that statuses and cache
// keys match the response gqlgen writes.
func responseMediaType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		case mediaJSON, "*/*", "application/*":
			return mediaJSON
		}
	}
	return mediaGraphQLResponse
}

// statusRewriter replaces gqlgen's status for documents that fail parsing
// or validation by the status the specification gives for the media type,
// and drops the data entry of such a response (see finish).
type statusRewriter struct {
	http.ResponseWriter
	media    string
	rejected func(string)

	requestError bool         // gqlgen answered 422: a request error
	body         bytes.Buffer // its body, held until finish
}

func (s *statusRewriter) WriteHeader(code int) {
	// gqlgen answers a request error with 422, or with 400 when the client
	// accepts application/graphql-response+json.
	if code == http.StatusUnprocessableEntity || code == http.StatusBadRequest {
		s.rejected("invalid")
		s.requestError = true
		code = http.StatusOK
		if s.media == mediaGraphQLResponse {
			code = http.StatusBadRequest
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRewriter) Write(b []byte) (int, error) {
	if s.requestError {
		return s.body.Write(b)
	}
	return s.ResponseWriter.Write(b)
}

// finish writes a request error's response, without its data entry.
func (s *statusRewriter) finish() {
	if s.requestError {
		_, _ = s.ResponseWriter.Write(withoutData(s.body.Bytes()))
	}
}

func (s *statusRewriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// withoutData removes a null data entry from a GraphQL response, keeping
// errors first; a body that is not a JSON object is returned as it is.
func withoutData(body []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	if d, ok := m["data"]; !ok || !bytes.Equal(bytes.TrimSpace(d), []byte("null")) {
		return body
	}
	delete(m, "data")
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(k string, v json.RawMessage) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	if e, ok := m["errors"]; ok {
		write("errors", e)
		delete(m, "errors")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		write(k, m[k])
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// writeError writes a GraphQL response with one coded error.
func strconvQuote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func writeError(w http.ResponseWriter, media string, status int, code, msg string) {
	w.Header().Set("Content-Type", media)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody(code, msg))
}

// errorBody is a GraphQL response with one coded error.
func errorBody(code, msg string) map[string]any {
	return map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": code}}},
	}
}
