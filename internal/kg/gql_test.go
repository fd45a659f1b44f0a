package kg

import (
	"bytes"
	"strconv"
	"testing"
)

// TestMarshalEnumIsQuote: enum values are written as strconv.Quote writes
// them, whatever the string.
func TestMarshalEnumIsQuote(t *testing.T) {
	for _, s := range []string{"", "LEAD", "PLANNED_PARTNER", "a\"b", `a\b`, "tab\t", "città", "\x7f", "\xff"} {
		var w bytes.Buffer
		marshalEnum(&w, s)
		if want := strconv.Quote(s); w.String() != want {
			t.Errorf("%q: wrote %s, want %s", s, w.String(), want)
		}
	}
}
