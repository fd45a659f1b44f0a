package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// strictScalars refuses variable values of the wrong type for the built-in
// scalars, as graphql-js does, with a request error (no data, like any
// other variable that cannot be coerced): gqlparser lets a JSON number
// through as a String (5 for a String! variable), a numeric string as an
// Int or a Float, any number as an ID, and does not check an Int's 32-bit
// range. The rules are the specification's input coercion: String takes a
// string; Int an integer from -2^31 to 2^31-1; Float a finite number; Boolean
// true or false; ID a string or an integer. Literals in the document are
// checked by validation already.
type strictScalars struct {
	schema *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = strictScalars{}

func (strictScalars) ExtensionName() string { return "famigraphStrictScalars" }

func (strictScalars) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters writes every integral JSON number of the
// variables as an integer (3.0 and 3e0 as 3), before the coercion reads
// them: JSON, like graphql-js, does not tell 3.0 from 3, while gqlparser
// refuses 3.0 for an Int.
func (strictScalars) MutateOperationParameters(_ context.Context, params *graphql.RawParams) *gqlerror.Error {
	for k, v := range params.Variables {
		params.Variables[k] = integral(v)
	}
	return nil
}

// integral rewrites the integral JSON numbers of v, up to 2^53, as integers.
func integral(v any) any {
	switch v := v.(type) {
	case json.Number:
		if !strings.ContainsAny(string(v), ".eE") {
			return v
		}
		if f, err := v.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			return json.Number(strconv.FormatInt(int64(f), 10))
		}
	case map[string]any:
		for k, e := range v {
			v[k] = integral(e)
		}
	case []any:
		for i, e := range v {
			v[i] = integral(e)
		}
	}
	return v
}

func (s strictScalars) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if v := intLiteralOutOfRange(opCtx.Doc); v != nil {
		err := gqlerror.ErrorPosf(v.Position, "Int cannot represent non 32-bit signed integer value: %s", v.Raw)
		errcode.Set(err, errcode.ValidationFailed)
		return err
	}
	for _, def := range opCtx.Operation.VariableDefinitions {
		v, ok := opCtx.Variables[def.Variable]
		if !ok {
			continue
		}
		if msg, at := s.check(def.Type, v, def.Variable); msg != "" {
			text := fmt.Sprintf("Variable \"$%s\" got invalid value %s", def.Variable, show(at.value))
			if at.path != def.Variable {
				text += fmt.Sprintf(" at %q", at.path)
			}
			err := gqlerror.ErrorPosf(def.Position, "%s; %s", text, msg)
			errcode.Set(err, errcode.ValidationFailed)
			return err
		}
	}
	return nil
}

// intLiteralOutOfRange returns the first Int literal of the document beyond
// 32 bits, which validation lets through, or nil.
func intLiteralOutOfRange(doc *ast.QueryDocument) *ast.Value {
	if doc == nil {
		return nil
	}
	var bad *ast.Value
	var value func(v *ast.Value)
	value = func(v *ast.Value) {
		if v == nil || bad != nil {
			return
		}
		if v.Kind == ast.IntValue && v.Definition != nil && v.Definition.Name == "Int" {
			if _, err := strconv.ParseInt(v.Raw, 10, 32); err != nil {
				bad = v
				return
			}
		}
		for _, c := range v.Children {
			value(c.Value)
		}
	}
	directives := func(ds ast.DirectiveList) {
		for _, d := range ds {
			for _, a := range d.Arguments {
				value(a.Value)
			}
		}
	}
	var selections func(set ast.SelectionSet)
	selections = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				for _, a := range sel.Arguments {
					value(a.Value)
				}
				directives(sel.Directives)
				selections(sel.SelectionSet)
			case *ast.FragmentSpread:
				directives(sel.Directives)
			case *ast.InlineFragment:
				directives(sel.Directives)
				selections(sel.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		for _, vd := range op.VariableDefinitions {
			value(vd.DefaultValue)
		}
		directives(op.Directives)
		selections(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		directives(f.Directives)
		selections(f.SelectionSet)
	}
	return bad
}

type location struct {
	path  string
	value any
}

// check returns what is wrong with v as a value of typ, and where, or "".
func (s strictScalars) check(typ *ast.Type, v any, path string) (string, location) {
	if v == nil {
		return "", location{} // nullness is checked by the coercion before
	}
	if typ.Elem != nil {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice {
			return s.check(typ.Elem, v, path) // a single value for a list
		}
		for i := 0; i < rv.Len(); i++ {
			if msg, at := s.check(typ.Elem, rv.Index(i).Interface(), path+"["+strconv.Itoa(i)+"]"); msg != "" {
				return msg, at
			}
		}
		return "", location{}
	}
	def := s.schema.Types[typ.NamedType]
	if def == nil {
		return "", location{}
	}
	switch def.Kind {
	case ast.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			return "", location{} // the coercion refuses it
		}
		for _, f := range def.Fields {
			if fv, ok := m[f.Name]; ok {
				if msg, at := s.check(f.Type, fv, path+"."+f.Name); msg != "" {
					return msg, at
				}
			}
		}
	case ast.Scalar:
		if msg := checkScalar(def.Name, v); msg != "" {
			return msg, location{path: path, value: v}
		}
	}
	return "", location{}
}

// checkScalar checks a value of one of the built-in scalars; any other
// scalar checks its own values.
func checkScalar(name string, v any) string {
	switch name {
	case "String":
		if _, ok := v.(string); !ok {
			return "String cannot represent a non string value: " + show(v)
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return "Boolean cannot represent a non boolean value: " + show(v)
		}
	case "Int":
		f, ok := number(v)
		switch {
		case !ok || f != math.Trunc(f):
			return "Int cannot represent non-integer value: " + show(v)
		case f < math.MinInt32 || f > math.MaxInt32:
			return "Int cannot represent non 32-bit signed integer value: " + show(v)
		}
	case "Float":
		if f, ok := number(v); !ok || math.IsInf(f, 0) || math.IsNaN(f) {
			return "Float cannot represent non numeric value: " + show(v)
		}
	case "ID":
		if _, ok := v.(string); ok {
			return ""
		}
		if f, ok := number(v); !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
			return "ID cannot represent value: " + show(v)
		}
	}
	return ""
}

// number returns v as a number, if it is one (a JSON number, or a number
// the coercion already converted); a string is not a number.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case int:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case float32:
		return float64(v), true
	}
	return 0, false
}

// show renders a value as JSON, shortened.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "..."
	}
	return s
}
