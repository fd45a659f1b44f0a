package kg

import (
	"context"
	"fmt"
)

// DatasetLicense is what famigraph can say of the data's licence: the
// repository states none. Each source keeps its own terms.
const DatasetLicense = "not stated: the famigraph repository declares no licence for this dataset; " +
	"each source keeps its own terms (see every record's sources)"

// DatasetInfo describes the data a store serves: what to cite.
type DatasetInfo struct {
	Version       string // DatasetVersion of the data
	UpdatedOn     Date   // the latest dated event the data records
	Records       int
	Relationships int
	Sources       int // distinct sources cited
	License       string
	Citation      string
}

// Describe computes the description of a dataset. The data records no date
// of curation, so UpdatedOn is the latest date of an event it records: a
// call's adoption or start, an amendment, a project's start (end dates,
// which may lie in the future, are left out).
func Describe(ds *Dataset) *DatasetInfo {
	info := &DatasetInfo{Version: DatasetVersion(ds), Records: len(ds.Nodes), Relationships: len(ds.Edges),
		License: DatasetLicense}
	sources := map[string]bool{}
	cite := func(cs []Citation) {
		for _, c := range cs {
			sources[c.SourceID] = true
		}
	}
	later := func(d *Date) {
		if d != nil && *d > info.UpdatedOn {
			info.UpdatedOn = *d
		}
	}
	for _, n := range ds.Nodes {
		var rec *Record
		switch n := n.(type) {
		case *Region:
			rec = &n.Record
		case *Body:
			rec = &n.Record
		case *Fund:
			rec = &n.Record
		case *Objective:
			rec = &n.Record
		case *Call:
			rec = &n.Record
			later(n.AdoptedOn)
			later(n.StartDate)
		case *Action:
			rec = &n.Record
		case *Amendment:
			rec = &n.Record
			later(&n.Date)
		case *Project:
			rec = &n.Record
			later(n.StartDate)
		case *Place:
			rec = &n.Record
		case *Initiative:
			rec = &n.Record
		}
		if rec == nil {
			continue
		}
		cite(rec.Sources)
		for _, f := range rec.Facts {
			cite(f.Sources)
		}
		for _, d := range rec.Discrepancies {
			cite(d.Sources)
		}
	}
	for _, e := range ds.Edges {
		cite(e.Sources)
	}
	delete(sources, "")
	info.Sources = len(sources)
	year := "n.d."
	if len(info.UpdatedOn) >= 4 {
		year = string(info.UpdatedOn)[:4]
	}
	info.Citation = fmt.Sprintf("famigraph (%s). Knowledge graph of Italy's FAMI-funded network for the integration of migrants, "+
		"dataset version %s (data to %s): %d records, %d relationships, from %d cited sources.",
		year, info.Version, info.UpdatedOn, info.Records, info.Relationships, info.Sources)
	return info
}

// Dataset describes the data the store serves, with its content hash. A
// store that returns the very same dataset as last time (an immutable
// store) is described once.
func (s *Service) Dataset(ctx context.Context) (*DatasetInfo, error) {
	ds, err := s.Store.Dataset(ctx)
	if err != nil {
		return nil, err
	}
	if last := s.described.Load(); last != nil && last.ds == ds {
		return last.info, nil
	}
	info := Describe(ds)
	s.described.Store(&described{ds: ds, info: info})
	return info, nil
}

// described is the last dataset Service.Dataset described.
type described struct {
	ds   *Dataset
	info *DatasetInfo
}
