package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/famigraph/famigraph/internal/export"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/reqlog"
)

// exportFiles maps the file names served under /export/ to what they hold.
var exportFiles = map[string]export.Request{
	"graph.graphml":     {What: export.WhatGraph, Format: export.FormatGraphML},
	"graph.gexf":        {What: export.WhatGraph, Format: export.FormatGEXF},
	"graph.json":        {What: export.WhatGraph, Format: export.FormatJSON},
	"graph-nodes.csv":   {What: export.WhatGraph, Format: export.FormatCSV, Table: export.TableNodes},
	"graph-edges.csv":   {What: export.WhatGraph, Format: export.FormatCSV, Table: export.TableEdges},
	"network.graphml":   {What: export.WhatNetwork, Format: export.FormatGraphML},
	"network.gexf":      {What: export.WhatNetwork, Format: export.FormatGEXF},
	"network.json":      {What: export.WhatNetwork, Format: export.FormatJSON},
	"network-nodes.csv": {What: export.WhatNetwork, Format: export.FormatCSV, Table: export.TableNodes},
	"network-edges.csv": {What: export.WhatNetwork, Format: export.FormatCSV, Table: export.TableEdges},
}

// exportFilterParams are the query parameters of the network exports: the
// arguments of partnershipNetwork, lists comma-separated or repeated.
var exportFilterParams = []string{"callIds", "regionIds", "kinds", "from", "to"}

// exportHandler serves GET /export/{file}: the file is built first (a bad
// request or a store failure is answered with an error and its code), then
// streamed with its media type and a file name naming the dataset version.
func exportHandler(svc *kg.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		media := responseMediaType(r)
		name := strings.TrimPrefix(r.URL.Path, "/export/")
		req, ok := exportFiles[name]
		if !ok {
			writeError(w, media, http.StatusNotFound, CodeNotFound, "no such export: "+strings.Join(exportNames(), ", "))
			return
		}
		q := r.URL.Query()
		for k := range q {
			if !slices.Contains(exportFilterParams, k) {
				writeError(w, media, http.StatusBadRequest, "BAD_INPUT", "unknown parameter "+clipParam(k)+": the filters are callIds, regionIds, kinds, from and to")
				return
			}
		}
		list := func(k string) []string {
			var out []string
			for _, v := range q[k] {
				for _, s := range strings.Split(v, ",") {
					if s = strings.TrimSpace(s); s != "" {
						out = append(out, s)
					}
				}
			}
			return out
		}
		req.Filter.CallIDs, req.Filter.RegionIDs = list("callIds"), list("regionIds")
		for _, k := range list("kinds") {
			req.Filter.Kinds = append(req.Filter.Kinds, kg.OrgKind(k))
		}
		for k, d := range map[string]**kg.Date{"from": &req.Filter.From, "to": &req.Filter.To} {
			if vs := q[k]; len(vs) > 0 {
				date, err := kg.ParseDate(vs[0])
				if err != nil || len(vs) > 1 {
					writeError(w, media, http.StatusBadRequest, "BAD_INPUT", k+" must be one date of the form YYYY-MM-DD")
					return
				}
				*d = &date
			}
		}
		doc, err := export.Build(r.Context(), svc, req)
		if err != nil {
			status, code := exportStatus(err)
			if code == "INTERNAL" {
				reqlog.From(r.Context()).Error("export failed", "file", name, "err", err)
			}
			writeError(w, media, status, code, kg.ErrorMessage(err))
			return
		}
		w.Header().Set("Content-Type", req.ContentType())
		w.Header().Set("Content-Disposition", `attachment; filename="`+req.FileName(doc.Info.Version)+`"`)
		w.Header().Set("X-Famigraph-Dataset-Version", doc.Info.Version)
		if err := doc.Write(w, req); err != nil {
			// The status is sent: the client sees a truncated file.
			reqlog.From(r.Context()).Warn("export interrupted", "file", name, "err", err)
		}
	})
}

func exportNames() []string {
	out := make([]string, 0, len(exportFiles))
	for k := range exportFiles {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// exportStatus maps a domain error to an HTTP status and a code, as the
// GraphQL API names them.
func exportStatus(err error) (int, string) {
	switch kg.ErrorCode(err) {
	case kg.EINVALID:
		return http.StatusBadRequest, "BAD_INPUT"
	case kg.ENOTFOUND:
		return http.StatusNotFound, "NOT_FOUND"
	case kg.EUNAVAILABLE:
		return http.StatusServiceUnavailable, "UNAVAILABLE"
	case kg.ETIMEOUT:
		return http.StatusGatewayTimeout, "TIMEOUT"
	}
	return http.StatusInternalServerError, "INTERNAL"
}

func clipParam(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
