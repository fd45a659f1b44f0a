package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/reqlog"
)

// maxGeoCallIDs bounds the calls one GeoJSON request may name.
const maxGeoCallIDs = 50

// GeoJSONMediaType is the media type of GET /geo/regions.geojson (RFC 7946).
const GeoJSONMediaType = "application/geo+json"

// regionsGeoJSON serves GET /geo/regions.geojson: the document of the
// GraphQL field regionsGeoJSON, from the same function. ?callIds= takes
// call ids, comma-separated or repeated; none means every call.
func regionsGeoJSON(build func(ctx context.Context, callIDs []string) ([]byte, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ids []string
		for _, v := range r.URL.Query()["callIds"] {
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					ids = append(ids, id)
				}
			}
		}
		if len(ids) > maxGeoCallIDs {
			writeError(w, "application/json", http.StatusBadRequest, "BAD_INPUT", "callIds names more than 50 calls")
			return
		}
		doc, err := build(r.Context(), ids)
		if err != nil {
			status, code := http.StatusInternalServerError, "INTERNAL"
			switch kg.ErrorCode(err) {
			case kg.EINVALID:
				status, code = http.StatusBadRequest, "BAD_INPUT"
			case kg.ENOTFOUND:
				status, code = http.StatusNotFound, "NOT_FOUND"
			case kg.EUNAVAILABLE:
				status, code = http.StatusServiceUnavailable, "UNAVAILABLE"
			case kg.ETIMEOUT:
				status, code = http.StatusGatewayTimeout, "TIMEOUT"
			default:
				reqlog.From(r.Context()).Error("regions GeoJSON", "err", err)
			}
			writeError(w, "application/json", status, code, kg.ErrorMessage(err))
			return
		}
		w.Header().Set("Content-Type", GeoJSONMediaType)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(doc)
	})
}
