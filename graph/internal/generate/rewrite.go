package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// objectFunc matches gqlgen's marshaller of a (non-root) object type.
var objectFunc = regexp.MustCompile(`(?ms)^func \(ec \*executionContext\) _(\w+)\(ctx context\.Context, sel ast\.SelectionSet, obj [^)]+\) graphql\.Marshaler \{\n.*?\n\}\n`)

// Pieces of an object's marshaller that the rewrite replaces.
var (
	collectCall  = "fields := graphql.CollectFields(ec.OperationContext, sel, "
	ownCollect   = "fields := ec.collectFields(sel, "
	newFieldSet  = "\tout := graphql.NewFieldSet(fields)\n"
	ownFieldSet  = "\tout := ec.newFieldSet(fields)\n"
	newDeferred  = "\tdeferred := graphql.NewDeferredGroup(ctx)\n"
	dispatch     = "\tout.Dispatch(ctx)\n"
	deferredTail = "\tif n := len(deferred.Defers); n > 0 {\n\t\tatomic.AddInt32(&ec.Deferred, int32(min(n, math.MaxInt32)))\n\t\tec.ProcessDeferredGroup(deferred)\n\t}\n\n"
)

// rewriteObjects makes every object marshaller collect its fields through
// the executor's per-operation cache (graph/marshal.go: gqlgen's boxes the
// selection set to build its key, an allocation per object). The
// marshaller of a sequential object (one that schedules no field
// concurrently, hence defers none) also gets the executor's field set,
// which writes itself without a map or iterator, and no deferred group,
// whose path gqlgen builds for every object.
func rewriteObjects(src []byte) ([]byte, error) {
	var failed error
	sequential := 0
	out := objectFunc.ReplaceAllFunc(src, func(fn []byte) []byte {
		s := string(fn)
		if !strings.Contains(s, collectCall) {
			return fn // an interface's: it dispatches on the value's type
		}
		s = strings.Replace(s, collectCall, ownCollect, 1)
		if strings.Contains(s, "ResolveConcurrently") || strings.Contains(s, "ResolveRootConcurrently") {
			return []byte(s)
		}
		for _, piece := range []string{newFieldSet, newDeferred, dispatch, deferredTail} {
			if strings.Count(s, piece) != 1 {
				failed = fmt.Errorf("object marshaller of an unexpected form (%q): %.120s", piece, s)
				return fn
			}
		}
		s = strings.Replace(s, newFieldSet, ownFieldSet, 1)
		s = strings.Replace(s, newDeferred, "", 1)
		s = strings.Replace(s, dispatch, "", 1)
		s = strings.Replace(s, deferredTail, "", 1)
		sequential++
		return []byte(s)
	})
	if failed != nil {
		return nil, failed
	}
	if sequential == 0 {
		return nil, fmt.Errorf("no sequential object marshaller found: has gqlgen's object template changed?")
	}
	return out, nil
}

// fieldFunc matches gqlgen's resolution of a field of an object, and
// plainField the body of one that reads a struct field or a method without
// context or error, with no directive, and marshals it.
var (
	fieldFunc    = regexp.MustCompile(`(?ms)^func \(ec \*executionContext\) (_\w+)\(ctx context\.Context, field graphql\.CollectedField, obj ([^)]+)\) \(ret graphql\.Marshaler\) \{\n(.*?)\n\}\n`)
	plainField   = regexp.MustCompile(`(?s)^\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n.*?\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn (obj(?:\.\w+)+(?:\(\))?), nil\n\t\t\},\n\t\tnil,\n\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v [^)]+\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[^\s(]+)\(ctx, selections, v\)\n\t\t\},\n\t\t(true|false),\n\t\t(true|false),\n\t\)$`)
	marshalFunc  = regexp.MustCompile(`(?ms)^func \(ec \*executionContext\) (marshal[^\s(]+)\(ctx context\.Context, sel ast\.SelectionSet, v ([^)]+)\) graphql\.Marshaler \{\n(.*?)\n\}\n`)
	callsMarshal = regexp.MustCompile(`ec\.(marshal[^\s(]+)\(`)
)

// leafKind says whether a marshaller of a scalar or enum can be called
// outside gqlgen's field machinery: it must not need the field's context,
// which it has only to report an error. "plain" marshallers cannot fail on
// any value; "float" ones fail on NaN and infinities only (gqlgen's
// MarshalFloatContext), which the fast path leaves to gqlgen.
func leafKinds(src []byte) map[string]string {
	bodies := map[string]string{}
	for _, m := range marshalFunc.FindAllSubmatch(src, -1) {
		bodies[string(m[1])] = string(m[3])
	}
	kinds := map[string]string{}
	var kind func(name string, depth int) string
	kind = func(name string, depth int) string {
		body, ok := bodies[name]
		if !ok || depth > 2 || strings.Contains(body, "ec._") {
			return ""
		}
		for _, c := range callsMarshal.FindAllStringSubmatch(body, -1) {
			if kind(c[1], depth+1) != "plain" {
				return ""
			}
		}
		switch {
		case strings.Contains(body, "WrapContextMarshaler"):
			if strings.Contains(body, "graphql.MarshalFloatContext(") && !strings.Contains(body, "range v") {
				return "float"
			}
			return ""
		case strings.Contains(body, "AddError") && !strings.Contains(body, "if res == graphql.Null {"):
			return ""
		case callsMarshal.MatchString(body):
			return "plain"
		}
		for _, ok := range []string{"graphql.MarshalString(", "graphql.MarshalID(", "graphql.MarshalInt(", "graphql.MarshalBoolean(", "\treturn v\n", "\treturn v"} {
			if strings.Contains(body, ok) {
				return "plain"
			}
		}
		return ""
	}
	for name := range bodies {
		if k := kind(name, 0); k != "" {
			kinds[name] = k
		}
	}
	return kinds
}

// rewriteLeaves gives every plain scalar or enum field a fast path: its
// value is marshalled directly, without the field context, context value,
// closures and boxing gqlgen's ResolveField costs (about eight allocations
// a field). The fast path gives up (returns nil) when the value would fail
// to marshal or a panic occurs, and gqlgen's resolution then runs as
// generated, so errors, paths and panics are reported exactly as before.
// It skips the field middleware, which famigraph's server uses for root
// fields only (graph/server.go).
func rewriteLeaves(src []byte) ([]byte, error) {
	kinds := leafKinds(src)
	n := 0
	var leaves bytes.Buffer
	out := fieldFunc.ReplaceAllFunc(src, func(fn []byte) []byte {
		m := fieldFunc.FindSubmatch(fn)
		name, objType, body := string(m[1]), string(m[2]), string(m[3])
		p := plainField.FindStringSubmatch(body)
		if p == nil {
			return fn
		}
		expr, marshal, nonNull := p[1], p[2], p[4] == "true"
		kind := kinds[marshal]
		if kind == "" {
			return fn
		}
		if strings.HasPrefix(marshal, "marshalN") != nonNull {
			return fn // gqlgen's own null handling differs: leave it to gqlgen
		}
		n++
		leaf := "leaf" + name
		fmt.Fprintf(&leaves, "\n// %s marshals the value of %s without gqlgen's field machinery, or returns nil\n", leaf, name)
		fmt.Fprintf(&leaves, "// to leave it to gqlgen (graph/internal/generate).\n")
		fmt.Fprintf(&leaves, "func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj %s) (ret graphql.Marshaler) {\n", leaf, objType)
		// The field tries its leaf first, then gqlgen's own body.
		wrapped := []byte(fmt.Sprintf("func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj %s) (ret graphql.Marshaler) {\n\tif ret = ec.%s(ctx, field, obj); ret != nil {\n\t\treturn ret\n\t}\n%s\n}\n", name, objType, leaf, body))
		if direct := directLeaf(expr, marshal, kind, src); direct != "" {
			leaves.WriteString(direct)
			return wrapped
		}
		fmt.Fprintf(&leaves, "\tdefer func() {\n\t\tif recover() != nil {\n\t\t\tret = nil\n\t\t}\n\t}()\n")
		fmt.Fprintf(&leaves, "\tv := %s\n", expr)
		if kind == "float" {
			if strings.Contains(marshal, "2ᚖ") {
				fmt.Fprintf(&leaves, "\tif v != nil && !finite(*v) {\n\t\treturn nil\n\t}\n")
			} else {
				fmt.Fprintf(&leaves, "\tif !finite(v) {\n\t\treturn nil\n\t}\n")
			}
		}
		fmt.Fprintf(&leaves, "\tret = ec.%s(ctx, field.Selections, v)\n", marshal)
		if nonNull {
			fmt.Fprintf(&leaves, "\tif ret == graphql.Null {\n\t\treturn nil\n\t}\n")
		}
		fmt.Fprintf(&leaves, "\treturn ret\n}\n")
		return wrapped
	})
	if n == 0 {
		return nil, fmt.Errorf("no plain field found: has gqlgen's field template changed?")
	}
	return append(out, leaves.Bytes()...), nil
}

// resolveCall matches the body of a field of an object resolved through
// graphql.ResolveField without directives.
var resolveCall = regexp.MustCompile(`(?s)^\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.(fieldContext_\w+)\(ctx, field\)\n\t\t\},\n\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n(.*?)\n\t\t\},\n\t\tnil,\n\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v ([^\n]+)\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[^\s(]+)\(ctx, selections, v\)\n\t\t\},\n\t\t(true|false),\n\t\t(true|false),\n\t\)$`)

// rewriteResolves writes the resolution of every field of an object in
// place, instead of gqlgen's graphql.ResolveField, whose closures (the field
// context's constructor, the resolver, the middleware's next, the
// marshaller, the result) cost five allocations a field. What it does is
// graphql.ResolveField's, in the same order and with the same errors,
// except the field middleware, which famigraph's server uses for root fields
// only (graph/server.go); root fields keep graphql.ResolveField.
func rewriteResolves(src []byte) ([]byte, error) {
	inits := map[string]bool{} // the field contexts rewriteFieldContexts split
	for _, m := range initFunc.FindAllSubmatch(src, -1) {
		inits[string(m[1])] = true
	}
	n := 0
	out := fieldFunc.ReplaceAllFunc(src, func(fn []byte) []byte {
		m := fieldFunc.FindSubmatch(fn)
		name, objType, body := string(m[1]), string(m[2]), string(m[3])
		var prefix string
		if i := strings.Index(body, "\treturn graphql.ResolveField(\n"); i > 0 {
			prefix, body = body[:i], body[i:] // a leaf's fast path
		}
		r := resolveCall.FindStringSubmatch(body)
		if r == nil {
			return fn
		}
		fcFunc, resolve, typ, marshal, recoverPanic, nonNull := r[1], r[2], r[3], r[4], r[5] == "true", r[6]
		n++
		var b strings.Builder
		fmt.Fprintf(&b, "func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj %s) (ret graphql.Marshaler) {\n", name, objType)
		b.WriteString(prefix)
		if inits[fcFunc] {
			// The field context and the context that holds it in one
			// allocation, from a slab (graph/marshal.go: fieldCtx).
			fmt.Fprintf(&b, "\tfctx := ec.newFieldCtx(ctx)\n\tfc, err := ec.init%s(ctx, field, &fctx.fc)\n\tif err != nil {\n\t\treturn graphql.Null\n\t}\n", fcFunc)
			b.WriteString("\tctx = fctx.enter()\n")
		} else {
			fmt.Fprintf(&b, "\tfc, err := ec.%s(ctx, field)\n\tif err != nil {\n\t\treturn graphql.Null\n\t}\n", fcFunc)
			b.WriteString("\tctx = graphql.WithFieldContext(ctx, fc)\n")
		}
		if recoverPanic {
			b.WriteString("\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tec.Error(ctx, ec.Recover(ctx, r))\n\t\t\tret = graphql.Null\n\t\t}\n\t}()\n")
		}
		fmt.Fprintf(&b, "\tres, err := func(ctx context.Context) (any, error) {\n%s\n\t}(ctx)\n", dedent(resolve))
		fmt.Fprintf(&b, "\tv, ok, null := resolved[%s](ctx, ec.OperationContext, fc, res, err, %s)\n", typ, nonNull)
		fmt.Fprintf(&b, "\tif !ok {\n\t\treturn null\n\t}\n\treturn ec.%s(ctx, field.Selections, v)\n}\n", marshal)
		return []byte(b.String())
	})
	if n == 0 {
		return nil, fmt.Errorf("no field resolved through graphql.ResolveField found: has gqlgen's field template changed?")
	}
	return out, nil
}

// fieldContextFunc matches gqlgen's constructor of the field context of a
// field whose type is not a scalar (gqlgen builds those of scalars with
// graphql.NewScalarFieldContext).
var fieldContextFunc = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (fieldContext_\w+)\((\w+) context\.Context, field graphql\.CollectedField\) \(fc \*graphql\.FieldContext, err error\) \{\n\tfc = &graphql\.FieldContext\{\n`)

// initFunc matches a field context's init… function.
var initFunc = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) init(fieldContext_\w+)\(`)

// rewriteFieldContexts splits every such constructor in two: init… fills a
// field context it is given, and the constructor, which the rest of
// gqlgen's code calls, gives it a new one. The fields resolved in place
// (rewriteResolves) fill the field context held by the field's context
// (graph/marshal.go: fieldCtx): one allocation where gqlgen makes two.
func rewriteFieldContexts(src []byte) ([]byte, error) {
	n := 0
	out := fieldContextFunc.ReplaceAllFunc(src, func(fn []byte) []byte {
		m := fieldContextFunc.FindSubmatch(fn)
		name, ctxName := string(m[1]), string(m[2])
		n++
		return []byte(fmt.Sprintf("func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {\n"+
			"\treturn ec.init%s(ctx, field, new(graphql.FieldContext))\n}\n\n"+
			"// init%s fills fc with the field context of field (graph/internal/generate).\n"+
			"func (ec *executionContext) init%s(%s context.Context, field graphql.CollectedField, fc *graphql.FieldContext) (_ *graphql.FieldContext, err error) {\n"+
			"\t*fc = graphql.FieldContext{\n", name, name, name, name, ctxName))
	})
	if n == 0 {
		return nil, fmt.Errorf("no field context constructor found: has gqlgen's field template changed?")
	}
	return out, nil
}

// argsCall is how a field context's constructor builds the field's
// arguments.
var argsCall = regexp.MustCompile(`\tctx = graphql\.WithFieldContext\(ctx, fc\)\n\tif fc\.Args, err = ec\.(field_\w+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\); err != nil \{\n\t\tec\.Error\(ctx, err\)\n\t\treturn fc, err\n\t\}\n\treturn fc, nil\n`)

// rewriteArgs has a field's arguments built once per operation (graph/marshal.go:
// argsOf): they depend on the field and the operation's variables only,
// and gqlgen builds them (two maps, a context) for every object whose
// field it resolves.
func rewriteArgs(src []byte) ([]byte, error) {
	n := 0
	out := argsCall.ReplaceAllFunc(src, func(call []byte) []byte {
		args := string(argsCall.FindSubmatch(call)[1])
		n++
		return []byte("\tif fc.Args = ec.argsOf(field, fc.Object); fc.Args != nil {\n\t\treturn fc, nil\n\t}\n" +
			"\tctx = graphql.WithFieldContext(ctx, fc)\n" +
			"\tif fc.Args, err = ec." + args + "(ctx, field.ArgumentMap(ec.Variables)); err != nil {\n\t\tec.Error(ctx, err)\n\t\treturn fc, err\n\t}\n" +
			"\tec.keepArgs(field, fc.Object, fc.Args)\n\treturn fc, nil\n")
	})
	if n == 0 {
		return nil, fmt.Errorf("no field arguments built: has gqlgen's field template changed?")
	}
	return out, nil
}

// dedent removes one level of indentation from each line of s.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.Join(lines, "\n")
}

// directLeaf returns the body of a leaf's fast path that marshals the value
// in place, with no allocation, or "": a string (or ID) is written by the
// executor's jsonString, as graphql.MarshalString writes it, from a pointer
// to the record's field; an enum, whose marshaller returns the value
// itself, is marshalled through a pointer to the record's field. Records
// are not modified once built, so the value written is the value read.
func directLeaf(expr, marshal, kind string, src []byte) string {
	field := !strings.HasSuffix(expr, ")")
	if kind == "float" {
		// A finite Float is written by the executor's jsonFloat as gqlgen's
		// MarshalFloatContext writes it (%g); NaN and infinities are left
		// to gqlgen, which reports them.
		switch {
		case marshal == "marshalNFloat2float64" && field:
			return fmt.Sprintf("\tif !finite(%s) {\n\t\treturn nil\n\t}\n\treturn (*jsonFloat)(&%s)\n}\n", expr, expr)
		case marshal == "marshalOFloat2ᚖfloat64":
			return fmt.Sprintf("\tv := %s\n\tif v == nil {\n\t\treturn graphql.Null\n\t}\n\tif !finite(*v) {\n\t\treturn nil\n\t}\n\treturn (*jsonFloat)(v)\n}\n", expr)
		}
		return ""
	}
	if kind != "plain" {
		return ""
	}
	switch marshal {
	case "marshalNString2string", "marshalNID2string":
		if field {
			return fmt.Sprintf("\treturn (*jsonString)(&%s)\n}\n", expr)
		}
	case "marshalOString2ᚖstring", "marshalOID2ᚖstring":
		return fmt.Sprintf("\tv := %s\n\tif v == nil {\n\t\treturn graphql.Null\n\t}\n\treturn (*jsonString)(v)\n}\n", expr)
	}
	if field && strings.HasPrefix(marshal, "marshalN") && !strings.Contains(marshal, "2ᚖ") && !strings.Contains(marshal, "2ᚕ") {
		m := marshalFunc.FindAllSubmatch(src, -1)
		for _, f := range m {
			if string(f[1]) == marshal && strings.TrimSpace(string(f[3])) == "return v" {
				return fmt.Sprintf("\treturn &%s\n}\n", expr)
			}
		}
	}
	return ""
}

// resolverCall matches a non-root field's call of its type's resolver.
var (
	resolverCall = regexp.MustCompile(`ec\.Resolvers\.(\w+)\(\)\.`)
	resolverType = regexp.MustCompile(`(?m)^(?:type )?\t?(\w+Resolver)\s+struct\{ \*Resolver \}$`)
	resolverRoot = regexp.MustCompile(`(?m)^func \(r \*Resolver\) (\w+)\(\) \w+Resolver \{ return &(\w+Resolver)\{r\} \}$`)
)

// rewriteResolvers calls a type's resolver methods on a resolver built in
// place, (&regionResolver{root}), instead of asking the root for it:
// gqlgen's resolver root returns a new &regionResolver{r} as an interface at
// every call, an allocation per resolved field, where the one built in place
// stays on the stack. It applies to the types whose root method does
// exactly that in dir's *.resolvers.go (resolvergen's layout), and needs the
// executable schema's resolver root to be *Resolver (graph.NewHandler's).
func rewriteResolvers(src []byte, dir string) ([]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.resolvers.go"))
	if err != nil {
		return nil, err
	}
	types, built := map[string]bool{}, map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, m := range resolverType.FindAllSubmatch(b, -1) {
			types[string(m[1])] = true
		}
		for _, m := range resolverRoot.FindAllSubmatch(b, -1) {
			built[string(m[1])] = string(m[2])
		}
	}
	n := 0
	out := resolverCall.ReplaceAllFunc(src, func(call []byte) []byte {
		method := string(resolverCall.FindSubmatch(call)[1])
		typ, ok := built[method]
		if method == "Query" || !ok || !types[typ] {
			return call
		}
		n++
		return []byte("(&" + typ + "{ec.Resolvers.(*Resolver)}).")
	})
	if n == 0 {
		return src, nil // no resolver of resolvergen's layout: nothing to do
	}
	return out, nil
}

// The executable schema's Exec writes an operation's data into a new
// bytes.Buffer; the rewrite has it written by the executor's marshalData
// (graph/marshal_transport.go), which reuses the POST transport's buffers.
var (
	dataBuffer  = "\t\t\tvar buf bytes.Buffer\n\t\t\tdata.MarshalGQL(&buf)\n\t\t\tresponse.Data = buf.Bytes()\n"
	ownData     = "\t\t\tresponse.Data = marshalData(ctx, data)\n"
	bytesImport = "\t\"bytes\"\n"
)

// rewriteData replaces the data's buffer in Exec, and drops the import of
// bytes when nothing else uses it.
func rewriteData(src []byte) ([]byte, error) {
	s := string(src)
	if strings.Count(s, dataBuffer) == 0 {
		return nil, fmt.Errorf("no data buffer found in Exec: has gqlgen's root template changed?")
	}
	s = strings.ReplaceAll(s, dataBuffer, ownData)
	if !strings.Contains(s, "bytes.") {
		if strings.Count(s, bytesImport) != 1 {
			return nil, fmt.Errorf("the import of bytes is not where the rewrite expects it")
		}
		s = strings.Replace(s, bytesImport, "", 1)
	}
	return []byte(s), nil
}

// The executor's state (graph/marshal.go) is kept in the execution
// context, where every object's marshaller finds it, instead of being looked
// up by name among the operation's Stats extensions twice an object.
var (
	execStruct    = "type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n}\n"
	ownExecStruct = "type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n\texec *execState // the executor's state of the operation (graph/marshal.go)\n}\n"
	newExec       = "\tec := newExecutionContext(opCtx, e, make(chan graphql.DeferredResult))\n"
	ownNewExec    = newExec + "\tec.exec = executionState(opCtx)\n"
)

// rewriteState adds the executor's state to the execution context.
func rewriteState(src []byte) ([]byte, error) {
	s := string(src)
	if strings.Count(s, execStruct) != 1 || strings.Count(s, newExec) != 1 {
		return nil, fmt.Errorf("the execution context is not where the rewrite expects it: has gqlgen's root template changed?")
	}
	s = strings.Replace(s, execStruct, ownExecStruct, 1)
	s = strings.Replace(s, newExec, ownNewExec, 1)
	return []byte(s), nil
}
