package kg

import (
	"reflect"
	"strings"
	"testing"
)

// TestOptionalMethods checks every Opt method: nil for an empty field, a
// pointer to its value otherwise.
func TestOptionalMethods(t *testing.T) {
	n := 0
	for _, v := range []any{&Citation{}, &Fact{}, &Region{}, &Body{}, &Call{}, &Action{}, &Amendment{}, &Edge{}, &Project{}, &Place{}, &Initiative{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			field, ok := strings.CutPrefix(m.Name, "Opt")
			if !ok {
				continue
			}
			n++
			obj := reflect.New(typ.Elem())
			if got := m.Func.Call([]reflect.Value{obj})[0].Interface().(*string); got != nil {
				t.Errorf("%s.%s of an empty %s = %q, want nil", typ.Elem().Name(), m.Name, field, *got)
			}
			obj.Elem().FieldByName(field).SetString("x")
			if got := m.Func.Call([]reflect.Value{obj})[0].Interface().(*string); got == nil || *got != "x" {
				t.Errorf("%s.%s of %s \"x\" = %v, want \"x\"", typ.Elem().Name(), m.Name, field, got)
			}
		}
	}
	if n != 25 {
		t.Errorf("%d Opt methods, want 25 (gqlgen.yml binds them)", n)
	}
}
