package kg

import "testing"

// declaring is a store that declares itself immutable and local, or not.
type declaring struct {
	Store
	immutable, local bool
}

func (d declaring) Immutable() bool { return d.immutable }
func (d declaring) Local() bool     { return d.local }

// wrapping wraps a store, as the metrics' and the benchmarks' do.
type wrapping struct{ Store }

func (w wrapping) Unwrap() Store { return w.Store }

// TestDeclares: a store's declarations are read through the stores that
// wrap it; a store that declares nothing declares false.
func TestDeclares(t *testing.T) {
	for _, c := range []struct {
		name             string
		s                Store
		immutable, local bool
	}{
		{"nil", nil, false, false},
		{"silent", wrapping{}, false, false},
		{"immutable", declaring{immutable: true}, true, false},
		{"local", declaring{local: true}, false, true},
		{"wrapped", wrapping{wrapping{declaring{immutable: true, local: true}}}, true, true},
	} {
		if got := IsImmutable(c.s); got != c.immutable {
			t.Errorf("%s: IsImmutable = %v", c.name, got)
		}
		if got := IsLocal(c.s); got != c.local {
			t.Errorf("%s: IsLocal = %v", c.name, got)
		}
	}
}
