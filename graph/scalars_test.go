package graph

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckScalar covers the coercion rules of the built-in scalars,
// Float included (no argument of the schema is a Float).
func TestCheckScalar(t *testing.T) {
	for _, c := range []struct {
		scalar string
		value  any
		ok     bool
	}{
		{"String", "x", true}, {"String", json.Number("5"), false}, {"String", int64(5), false}, {"String", true, false},
		{"Boolean", true, true}, {"Boolean", "true", false}, {"Boolean", json.Number("1"), false},
		{"Int", int64(5), true}, {"Int", json.Number("-2147483648"), true}, {"Int", json.Number("2147483648"), false},
		{"Int", json.Number("5.5"), false}, {"Int", json.Number("5.0"), true}, {"Int", "5", false}, {"Int", float64(1e10), false},
		{"Float", float64(1.5), true}, {"Float", int64(2), true}, {"Float", json.Number("1e3"), true}, {"Float", "1.5", false},
		{"Float", true, false},
		{"ID", "org:x", true}, {"ID", int64(5), true}, {"ID", json.Number("5"), true}, {"ID", json.Number("5.5"), false},
		{"ID", float64(0.5), false}, {"ID", false, false},
		{"Date", json.Number("5"), true}, // a custom scalar checks its own values
	} {
		msg := checkScalar(c.scalar, c.value)
		if (msg == "") != c.ok || (msg != "" && !strings.HasPrefix(msg, c.scalar+" cannot represent")) {
			t.Errorf("%s %#v: %q, want ok %v", c.scalar, c.value, msg, c.ok)
		}
	}
}

func TestIntegralNumbers(t *testing.T) {
	in := map[string]any{
		"a": json.Number("3.0"), "b": json.Number("1e3"), "c": json.Number("2.5"), "d": json.Number("7"),
		"e": []any{json.Number("-4.00"), "5.0"}, "f": map[string]any{"g": json.Number("1e300")},
	}
	got := integral(in).(map[string]any)
	want := map[string]any{
		"a": json.Number("3"), "b": json.Number("1000"), "c": json.Number("2.5"), "d": json.Number("7"),
		"e": []any{json.Number("-4"), "5.0"}, "f": map[string]any{"g": json.Number("1e300")},
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("integral = %s, want %s", gb, wb)
	}
}
