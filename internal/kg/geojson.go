package kg

import (
	"context"
	"encoding/json"
	"io"
	"slices"
)

// JSON is a JSON document, served as it is: the GraphQL JSON scalar and the
// body of the HTTP endpoints that serve the same document.
type JSON json.RawMessage

// MarshalGQL writes the document.
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j) == 0 {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j)
}

// UnmarshalGQL reads any JSON value.
func (j *JSON) UnmarshalGQL(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return Errorf(EINVALID, "not a JSON value")
	}
	*j = b
	return nil
}

// GeoJSONGeometryNote says what the geometries of RegionsGeoJSON are.
const GeoJSONGeometryNote = "Point geometries at the regions' centroids (WGS84, as in the dataset): " +
	"famigraph ships no openly licensed region boundaries"

// The GeoJSON document, with its members in a fixed order.
type (
	geoCollection struct {
		Type     string       `json:"type"`
		Features []geoFeature `json:"features"`
		// Foreign members (RFC 7946 §6.1) describing the document; a
		// FeatureCollection may not have a "geometry" member (§7.1).
		GeometryNote string   `json:"geometryNote"`
		CallIDs      []string `json:"callIds"`
	}
	geoFeature struct {
		Type       string        `json:"type"`
		ID         string        `json:"id"`
		Geometry   geoPoint      `json:"geometry"`
		Properties geoProperties `json:"properties"`
	}
	geoPoint struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	}
	geoProperties struct {
		ID                 string    `json:"id"`
		Name               string    `json:"name"`
		Kind               OrgKind   `json:"kind"`
		NUTSCode           string    `json:"nutsCode"`
		ISTATCode          string    `json:"istatCode"`
		ISTATProvinceCode  *string   `json:"istatProvinceCode"`
		Point              string    `json:"point"`
		Projects           int       `json:"projects"`
		Partners           int       `json:"partners"`
		ProjectsWithBudget int       `json:"projectsWithBudget"`
		BudgetEUR          *float64  `json:"budgetEUR"`
		Calls              []geoCall `json:"calls"`
	}
	geoCall struct {
		ID                 string   `json:"id"`
		Code               string   `json:"code"`
		Name               string   `json:"name"`
		Projects           int      `json:"projects"`
		Partners           int      `json:"partners"`
		ProjectsWithBudget int      `json:"projectsWithBudget"`
		BudgetEUR          *float64 `json:"budgetEUR"`
	}
)

// RegionsGeoJSON returns the regions and autonomous provinces as an RFC 7946
// FeatureCollection: one feature each, a Point at its centroid, and in its
// properties its id, name, kind, NUTS and ISTAT codes, what its point is
// ("centroid"), its totals over the
// calls of callIDs (every call when empty) and, in calls, its figures per
// call, oldest call first. Partners are distinct bodies taking part in any
// role; budgetEUR sums the known budgets and is null when no project has
// one. GET /geo/regions.geojson serves the same document.
func (s *Service) RegionsGeoJSON(ctx context.Context, callIDs []string) (JSON, error) {
	if err := checkIDs("callIds", callIDs, KindCall); err != nil {
		return nil, err
	}
	sc, err := s.loadScope(ctx, callIDs, nil, false)
	if err != nil {
		return nil, err
	}
	sums := sc.summaries(callIDs)
	calls := map[string]*Call{}
	for _, c := range sc.calls {
		calls[c.ID] = c
	}
	doc := geoCollection{Type: "FeatureCollection", Features: []geoFeature{}, GeometryNote: GeoJSONGeometryNote,
		CallIDs: []string{}}
	for _, c := range sc.calls {
		if len(callIDs) == 0 || slices.Contains(callIDs, c.ID) {
			doc.CallIDs = append(doc.CallIDs, c.ID)
		}
	}
	for _, r := range sc.regions {
		props := geoProperties{ID: r.ID, Name: r.Name, Kind: r.Kind, NUTSCode: r.NUTSCode, ISTATCode: r.ISTATCode,
			Point: "centroid", Calls: []geoCall{}}
		if r.ISTATProvinceCode != "" {
			code := r.ISTATProvinceCode
			props.ISTATProvinceCode = &code
		}
		total := newTally()
		for _, p := range sc.byRegion[r.ID] {
			total.add(sc, p)
		}
		props.Projects, props.Partners, props.ProjectsWithBudget = total.projects, len(total.bodies), total.withBudget
		props.BudgetEUR = knownBudget(total.withBudget, total.budget)
		for _, sum := range sums[r.ID] {
			c := calls[sum.CallID]
			props.Calls = append(props.Calls, geoCall{ID: c.ID, Code: c.Code, Name: c.Name, Projects: sum.Projects,
				Partners: sum.Partners, ProjectsWithBudget: sum.ProjectsWithBudget,
				BudgetEUR: knownBudget(sum.ProjectsWithBudget, sum.BudgetEUR)})
		}
		doc.Features = append(doc.Features, geoFeature{Type: "Feature", ID: r.ID,
			Geometry:   geoPoint{Type: "Point", Coordinates: [2]float64{round6(r.Centroid.Lon), round6(r.Centroid.Lat)}},
			Properties: props})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, Errorf(EINTERNAL, "encode GeoJSON: %v", err)
	}
	return JSON(b), nil
}

// knownBudget is the sum of the known budgets, or nil when none is known.
func knownBudget(known int, sum float64) *float64 {
	if known == 0 {
		return nil
	}
	v := euros(sum)
	return &v
}
