package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/httpapi"
)

// TestVariableCoercion requires variables of the built-in scalars to be
// coerced as the specification (and graphql-js) does: a value of the wrong
// type is a request error, answered without data.
func TestVariableCoercion(t *testing.T) {
	srv := newServer(t, httpapi.RateLimit{})
	const (
		str  = `query($v: String!) { search(text: $v, first: 1) { score } }`
		strs = `query($v: [String!]) { paths(from: "region:marche", to: "region:marche", relations: $v) { length } }`
		num  = `query($v: Int) { lineage(of: "call:avviso-1-2023", maxDepth: $v) { depth } }`
		id   = `query($v: ID!) { node(id: $v) { id } }`
		ids  = `query($v: [ID!]!) { nodes(ids: $v) { id } }`
		flt  = `query($v: OrganizationFilter) { organizations(filter: $v, first: 1) { totalCount } }`
		boo  = `query($v: Boolean!) { calls @include(if: $v) { id } }`
	)
	for _, c := range []struct {
		name, query, vars string // vars: the JSON of $v
		refused           string // part of the message; "" when accepted
	}{
		{"String given a string", str, `"piano"`, ""},
		{"String given a number", str, `5`, `Variable "$v" got invalid value 5; String cannot represent a non string value: 5`},
		{"String given a boolean", str, `true`, "cannot use bool as String"},
		{"String in a list given a number", strs, `["PARTICIPATES_IN", 5]`, `Variable "$v" got invalid value 5 at "v[1]"; String cannot represent a non string value: 5`},
		{"Int given an integer", num, `3`, ""},
		{"Int given an integral float", num, `3.0`, ""}, // JSON does not tell 3.0 from 3
		{"Int given an integral exponent", num, `3e0`, ""},
		{"Int given a numeric string", num, `"3"`, `Int cannot represent non-integer value: "3"`},
		{"Int given a fraction", num, `2.5`, "cannot use value"},
		{"Int beyond 32 bits", num, `2147483648`, "Int cannot represent non 32-bit signed integer value: 2147483648"},
		{"Int at the 32-bit limit", num, `2147483647`, ""}, // coerced, then BAD_INPUT as a depth
		{"ID given a string", id, `"region:marche"`, ""},
		{"ID given an integer", id, `5`, ""}, // accepted as "5", then BAD_INPUT as an id
		{"ID given a fraction", id, `5.5`, "ID cannot represent value: 5.5"},
		{"ID given an integral float", id, `5.0`, ""},
		{"String given an integral float", str, `5.0`, "String cannot represent a non string value: 5"},
		{"ID given a boolean", id, `true`, "cannot use bool as ID"},
		{"ID in a list given a fraction", ids, `["region:marche", 1.5]`, `at "v[1]"; ID cannot represent value: 1.5`},
		{"ID in an input object given a fraction", flt, `{"callIds": [0.5]}`, `at "v.callIds[0]"; ID cannot represent value: 0.5`},
		{"ID in an input object given a string", flt, `{"callIds": ["call:impact"]}`, ""},
		{"Boolean given a boolean", boo, `true`, ""},
		{"Boolean given a string", boo, `"true"`, "cannot use string as Boolean"},
		{"Boolean given a number", boo, `1`, "cannot use string as Boolean"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, _ := json.Marshal(c.query)
			body := []byte(`{"query": ` + string(q) + `, "variables": {"v": ` + c.vars + `}}`)
			for _, accept := range []string{"application/graphql-response+json", "application/json"} {
				status, _, resp := send(t, srv, request{accept: accept, body: body})
				code, msg := codeOf(t, resp)
				var keys map[string]json.RawMessage
				_ = json.Unmarshal(resp, &keys)
				_, hasData := keys["data"]
				if c.refused == "" {
					if status != 200 || code == "GRAPHQL_VALIDATION_FAILED" || !hasData {
						t.Errorf("%s: %d %s", accept, status, resp)
					}
					continue
				}
				want := 400
				if accept == "application/json" {
					want = 200
				}
				if status != want || code != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(msg, c.refused) || hasData {
					t.Errorf("%s: %d %s\nwant %d, GRAPHQL_VALIDATION_FAILED, %q and no data", accept, status, resp, want, c.refused)
				}
			}
		})
	}
}

// TestIntLiterals requires an Int literal beyond 32 bits to be refused by
// validation, wherever it is in the document.
func TestIntLiterals(t *testing.T) {
	srv := newServer(t, httpapi.RateLimit{})
	for q, refused := range map[string]bool{
		`{ lineage(of: "call:impact", maxDepth: 2147483648) { depth } }`:                              true,
		`{ lineage(of: "call:impact", maxDepth: -2147483649) { depth } }`:                             true,
		`query($d: Int = 99999999999) { lineage(of: "call:impact", maxDepth: $d) { depth } }`:         true,
		`{ ...F } fragment F on Query { lineage(of: "call:impact", maxDepth: 4294967296) { depth } }`: true,
		`{ ... on Query { search(text: "piano", first: 9223372036854775808) { score } } }`:            true,
		`{ lineage(of: "call:impact", maxDepth: 2) { depth } }`:                                       false,
		`{ lineage(of: "call:impact", maxDepth: 2147483647) { depth } }`:                              false, // BAD_INPUT as a depth
		`{ organizations(filter: {callIds: [12345678901234]}, first: 1) { totalCount } }`:             false, // an ID, not an Int
	} {
		status, _, resp := send(t, srv, request{accept: "application/graphql-response+json", body: jsonBody(q, nil)})
		code, msg := codeOf(t, resp)
		if refused != (status == 400 && code == "GRAPHQL_VALIDATION_FAILED" && strings.Contains(msg, "Int cannot represent non 32-bit signed integer value")) {
			t.Errorf("%s: %d %s", q, status, resp)
		}
	}
}

// TestRequestErrorsWithoutData requires a document that fails parsing or
// validation to be answered without a data entry, under either media type.
func TestRequestErrorsWithoutData(t *testing.T) {
	srv := newServer(t, httpapi.RateLimit{})
	for _, q := range []string{`{ regions { id `, `{ regions { password } }`, `query($id: ID!) { node(id: $id) { id } }`} {
		for accept, want := range map[string]int{"application/graphql-response+json": 400, "application/json": 200} {
			status, header, resp := send(t, srv, request{accept: accept, body: jsonBody(q, nil)})
			var keys map[string]json.RawMessage
			if err := json.Unmarshal(resp, &keys); err != nil {
				t.Fatalf("%s: %v: %s", q, err, resp)
			}
			if _, ok := keys["data"]; ok || status != want || len(keys["errors"]) == 0 || header.Get("Content-Type") != accept {
				t.Errorf("%q (%s): %d %s %s", q, accept, status, header.Get("Content-Type"), resp)
			}
		}
	}
}
