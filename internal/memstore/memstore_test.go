package memstore_test

import (
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

func TestConformance(t *testing.T) {
	kgtest.Run(t, func(t *testing.T, ds *kg.Dataset) kg.Store { return memstore.New(ds) })
}
