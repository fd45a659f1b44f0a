// Command generate writes graph/generated.go and graph/model/models_gen.go
// from gqlgen.yml: gqlgen's own generation (`go tool gqlgen generate`), with
// one plugin and one rewrite that make the executor resolve what is at
// hand in the request's goroutine. `go generate ./graph` runs it.
//
// gqlgen's executor starts a goroutine for every resolver field of an
// object and for every element of a list of objects. famigraph's relationship
// fields are served from the prefetcher's results (graph/prefetch.go), so
// those goroutines only cost: they were about half of the CPU of an
// uncached map query, a quarter more growing their stacks. So:
//
//   - the plugin marks every object but the root types sequential
//     (codegen.Object.DisableConcurrency,
//     which gqlgen itself sets for Mutation): their fields resolve one after
//     the other, as gqlgen resolves the fields of a mutation;
//   - the rewrite replaces graphql.MarshalSliceConcurrently, which gqlgen's
//     templates call for every list of objects, with the executor's
//     marshalSlice (graph/marshal.go): the same contract (an element's field
//     context with its index, panic recovery, Null for a failed element),
//     one element after the other.
//
// This holds because no field below the root waits for a loader's batching
// window: every relationship field is served by the prefetcher (TestCatalogue
// fails when a field that leads to records is not a row of kg.Catalogue).
//
// Root fields (Query's) keep their concurrency: independent top-level fields
// of one document may each wait for the store.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return err
	}
	// gqlgen checks that the generated package compiles; it cannot before
	// the rewrite (the executor's code uses what the rewrite adds), so the
	// check runs after it.
	skip := cfg.SkipValidation
	cfg.SkipValidation = true
	if err := api.Generate(cfg, api.AddPlugin(sequential{})); err != nil {
		return err
	}
	name := cfg.Exec.Filename
	if !filepath.IsAbs(name) {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		name = filepath.Join(wd, name)
	}
	if err := rewrite(name); err != nil {
		return err
	}
	if skip {
		return nil
	}
	build := exec.Command("go", "build", filepath.Dir(name))
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("validation failed: the generated package does not build: %w", err)
	}
	return nil
}

// sequential is the gqlgen plugin that turns off per-field goroutines.
type sequential struct{}

// Name implements plugin.Plugin.
func (sequential) Name() string { return "famigraph-sequential" }

// GenerateCode implements plugin.CodeGenerator: gqlgen calls it with the
// model of the code it is about to write.
func (sequential) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}

// sliceCall is what gqlgen's type.gotpl writes to marshal a list of objects
// (v0.17.98), and its replacement.
var (
	sliceCall = []byte("graphql.MarshalSliceConcurrently(ctx, ")
	ownCall   = []byte("ec.marshalSlice(ctx, sel, ")
)

// rewrite replaces gqlgen's concurrent list marshalling with the executor's.
// It fails if gqlgen no longer writes the call it replaces: a gqlgen upgrade
// must be checked, not silently pass.
func rewrite(name string) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	n := bytes.Count(src, sliceCall)
	if n == 0 {
		return fmt.Errorf("%s: no call to graphql.MarshalSliceConcurrently to replace; has gqlgen's list template changed?", name)
	}
	src = bytes.ReplaceAll(src, sliceCall, ownCall)
	if bytes.Contains(src, []byte("MarshalSliceConcurrently")) {
		return fmt.Errorf("%s: a call to graphql.MarshalSliceConcurrently of an unexpected form is left", name)
	}
	steps := []func([]byte) ([]byte, error){
		rewriteObjects, rewriteLeaves, rewriteFieldContexts, rewriteArgs, rewriteResolves,
		func(src []byte) ([]byte, error) { return rewriteResolvers(src, filepath.Dir(name)) },
		rewriteData, rewriteState,
	}
	for _, step := range steps {
		if src, err = step(src); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(name, out, 0o644)
}
