package kg

import (
	"context"
	"slices"
	"sync/atomic"
	"unicode/utf8"
)

// Service answers the API's questions over a Store. It validates arguments
// and holds the semantics both stores share, so that adapters only fetch.
type Service struct {
	Store Store

	described atomic.Pointer[described] // the last dataset described, see Dataset
}

// NodeOf returns the record with the id, which must be of one of the kinds
// (any kind, or an alias, if none is given), or nil if there is none.
func (s *Service) NodeOf(ctx context.Context, id string, kinds ...Kind) (Node, error) {
	var err error
	if len(kinds) == 0 {
		err = ParseRef(id)
	} else {
		err = ParseIDOf(id, kinds...)
	}
	if err != nil {
		return nil, err
	}
	ns, err := s.Store.Nodes(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// Nodes returns the records with the given ids or aliases, nil for those
// that name none; ids must be well formed, at most MaxNodesPerRequest.
func (s *Service) Nodes(ctx context.Context, ids []string) ([]Node, error) {
	if len(ids) > MaxNodesPerRequest {
		return nil, Errorf(EINVALID, "nodes takes at most %d ids", MaxNodesPerRequest)
	}
	for _, id := range ids {
		if err := ParseRef(id); err != nil {
			return nil, err
		}
	}
	return s.Store.Nodes(ctx, ids)
}

// Records returns the records with the given ids, aligned with them (nil
// for an id that names none): the batched lookup of the records that other
// records reference, whose ids come from the store, not from a client.
func (s *Service) Records(ctx context.Context, ids []string) ([]Node, error) {
	return s.Store.Nodes(ctx, ids)
}

// Related runs a traversal of the catalogue from each id, keeping the
// records w keeps; results are aligned with ids.
func (s *Service) Related(ctx context.Context, q NodeQuery, ids []string, w Where) ([][]Node, error) {
	return s.Store.Related(ctx, q, ids, w)
}

// Edges returns the relationships of a catalogue row of each id, aligned
// with ids.
func (s *Service) Edges(ctx context.Context, q EdgeQuery, ids []string) ([][]*Edge, error) {
	return s.Store.Edges(ctx, q, ids)
}

// Regions returns the regions and autonomous provinces by NUTS code.
func (s *Service) Regions(ctx context.Context) ([]*Region, error) { return s.Store.Regions(ctx) }

// Calls returns every call, oldest first.
func (s *Service) Calls(ctx context.Context) ([]*Call, error) { return s.Store.Calls(ctx) }

// Funds returns every fund, by id.
func (s *Service) Funds(ctx context.Context) ([]*Fund, error) { return s.Store.Funds(ctx) }

// Stats counts nodes and relationships.
func (s *Service) Stats(ctx context.Context) (*Stats, error) {
	st, err := s.Store.Stats(ctx)
	return &st, err
}

// mustExist returns the record with the id or a not-found error.
func (s *Service) mustExist(ctx context.Context, id string, kinds ...Kind) (Node, error) {
	n, err := s.NodeOf(ctx, id, kinds...)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, Errorf(ENOTFOUND, "no record has id %s", id)
	}
	return n, nil
}

// RegionByNUTS returns the region with the NUTS-2 code, or nil.
func (s *Service) RegionByNUTS(ctx context.Context, code string) (*Region, error) {
	if len(code) > 10 {
		return nil, Errorf(EINVALID, "%q is not a NUTS code", clip(code))
	}
	rs, err := s.Store.RegionsByNUTS(ctx, []string{code})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// SearchTerms checks search text and returns its distinct terms.
func SearchTerms(text string) ([]string, error) {
	if !utf8.ValidString(text) {
		return nil, Errorf(EINVALID, "search text is not valid UTF-8")
	}
	if len(text) > MaxSearchTextBytes {
		return nil, Errorf(EINVALID, "search text is longer than %d bytes", MaxSearchTextBytes)
	}
	var terms []string
	for _, t := range Tokenize(text) {
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return nil, Errorf(EINVALID, "search text has no words")
	}
	if len(terms) > MaxSearchTerms {
		return nil, Errorf(EINVALID, "search text has more than %d words", MaxSearchTerms)
	}
	return terms, nil
}

// Search returns the best matches of text first.
func (s *Service) Search(ctx context.Context, q SearchQuery) ([]SearchHit, error) {
	if _, err := SearchTerms(q.Text); err != nil {
		return nil, err
	}
	if q.First < 1 || q.First > MaxSearchHits {
		return nil, Errorf(EINVALID, "first must be between 1 and %d", MaxSearchHits)
	}
	for _, k := range q.Kinds {
		if !knownKind(k) {
			return nil, Errorf(EINVALID, "unknown kind %q", clip(string(k)))
		}
	}
	return s.Store.Search(ctx, q)
}

// Paths returns the shortest paths between two records.
func (s *Service) Paths(ctx context.Context, q PathQuery) ([]Path, error) {
	if q.MaxLength < 1 || q.MaxLength > MaxPathLength {
		return nil, Errorf(EINVALID, "maxLength must be between 1 and %d", MaxPathLength)
	}
	if q.First < 1 || q.First > MaxPaths {
		return nil, Errorf(EINVALID, "first must be between 1 and %d", MaxPaths)
	}
	for _, r := range q.Relations {
		if !slices.Contains(RelTypes, r) {
			return nil, Errorf(EINVALID, "unknown relation %q", clip(string(r)))
		}
	}
	for _, id := range []*string{&q.From, &q.To} {
		n, err := s.mustExist(ctx, *id)
		if err != nil {
			return nil, err
		}
		*id = n.NodeID() // an alias names the record by its canonical id
	}
	if q.From == q.To {
		return []Path{{Nodes: []string{q.From}}}, nil
	}
	return s.Store.Paths(ctx, q)
}

// Lineage returns the capitalisation links of a call or project.
func (s *Service) Lineage(ctx context.Context, q LineageQuery) ([]LineageLink, error) {
	if q.MaxDepth < 1 || q.MaxDepth > MaxLineageDepth {
		return nil, Errorf(EINVALID, "maxDepth must be between 1 and %d", MaxLineageDepth)
	}
	if q.Direction != Backward && q.Direction != Forward {
		return nil, Errorf(EINVALID, "direction must be BACKWARD or FORWARD")
	}
	if _, err := s.mustExist(ctx, q.Of, KindCall, KindProject); err != nil {
		return nil, err
	}
	return s.Store.Lineage(ctx, q)
}

// Network builds the co-participation network of the participations that
// match, with the metrics asked for.
func (s *Service) Network(ctx context.Context, f NetworkFilter, m NetworkMetrics) (*Network, error) {
	if err := checkNetworkFilter(f); err != nil {
		return nil, err
	}
	if err := checkConfidence(f.MinConfidence); err != nil {
		return nil, err
	}
	parts, err := s.Store.Participations(ctx, f)
	if err != nil {
		return nil, err
	}
	return BuildNetworkContext(ctx, parts, m)
}

func checkNetworkFilter(f NetworkFilter) error {
	if err := checkIDs("callIds", f.CallIDs, KindCall); err != nil {
		return err
	}
	if err := checkIDs("regionIds", f.RegionIDs, KindRegion); err != nil {
		return err
	}
	if len(f.Kinds) > MaxFilterValues {
		return Errorf(EINVALID, "kinds has more than %d values", MaxFilterValues)
	}
	for _, k := range f.Kinds {
		if !k.Valid() {
			return Errorf(EINVALID, "unknown organization kind %q", clip(string(k)))
		}
	}
	for _, d := range []*Date{f.From, f.To} {
		if d != nil {
			if _, err := ParseDate(string(*d)); err != nil {
				return Errorf(EINVALID, "%v", err)
			}
		}
	}
	if f.From != nil && f.To != nil && *f.To < *f.From {
		return Errorf(EINVALID, "to (%s) is before from (%s)", *f.To, *f.From)
	}
	return nil
}

// Bounds of EgoNetwork.
const (
	DefaultEgoDepth = 1
	MaxEgoDepth     = 3
)

// EgoNetwork builds the network of the bodies within depth co-participation
// hops of the body `of` in the projects of callIDs (all when empty), with
// the links among them and the metrics asked for, computed on that
// subgraph. It is empty when the body takes part in none of the projects.
func (s *Service) EgoNetwork(ctx context.Context, of string, depth int, callIDs []string, m NetworkMetrics) (*Network, error) {
	if depth < 1 || depth > MaxEgoDepth {
		return nil, Errorf(EINVALID, "depth must be between 1 and %d", MaxEgoDepth)
	}
	if err := checkIDs("callIds", callIDs, KindCall); err != nil {
		return nil, err
	}
	if _, err := s.mustExist(ctx, of, KindOrg, KindRegion); err != nil {
		return nil, err
	}
	parts, err := s.Store.Participations(ctx, NetworkFilter{CallIDs: callIDs})
	if err != nil {
		return nil, err
	}
	projectsOf := map[string][]string{}
	membersOf := map[string][]string{}
	for _, e := range parts {
		projectsOf[e.From] = append(projectsOf[e.From], e.To)
		membersOf[e.To] = append(membersOf[e.To], e.From)
	}
	// Breadth first over the bipartite graph: one co-participation hop is a
	// body, a project, a body.
	ball := map[string]bool{}
	if len(projectsOf[of]) > 0 {
		ball[of] = true
	}
	frontier := []string{of}
	seenProject := map[string]bool{}
	for hop := 0; hop < depth && len(frontier) > 0; hop++ {
		var next []string
		for _, o := range frontier {
			for _, p := range projectsOf[o] {
				if seenProject[p] {
					continue
				}
				seenProject[p] = true
				for _, b := range membersOf[p] {
					if !ball[b] {
						ball[b] = true
						next = append(next, b)
					}
				}
			}
		}
		frontier = next
	}
	kept := make([]*Edge, 0, len(parts))
	for _, e := range parts {
		if ball[e.From] {
			kept = append(kept, e)
		}
	}
	return BuildNetworkContext(ctx, kept, m)
}

// Organizations returns one page of matching bodies and regions.
func (s *Service) Organizations(ctx context.Context, f OrganizationFilter, p Page) (*OrgPage, error) {
	if err := checkPage(p, KindOrg, KindRegion); err != nil {
		return nil, err
	}
	for _, k := range f.Kinds {
		if !k.Valid() {
			return nil, Errorf(EINVALID, "unknown organization kind %q", clip(string(k)))
		}
	}
	if err := checkRoles(f.Roles); err != nil {
		return nil, err
	}
	if err := checkIDs("regionIds", f.RegionIDs, KindRegion); err != nil {
		return nil, err
	}
	if err := checkIDs("callIds", f.CallIDs, KindCall); err != nil {
		return nil, err
	}
	return s.Store.Organizations(ctx, f, p)
}

// Projects returns one page of matching projects.
func (s *Service) Projects(ctx context.Context, f ProjectFilter, p Page) (*ProjectPage, error) {
	if err := checkPage(p, KindProject); err != nil {
		return nil, err
	}
	if err := checkRoles(f.Roles); err != nil {
		return nil, err
	}
	if err := checkConfidence(f.MinConfidence); err != nil {
		return nil, err
	}
	if len(f.Roles) > 0 && len(f.OrganizationIDs) == 0 {
		return nil, Errorf(EINVALID, "roles filters the participation of organizationIds, which is missing")
	}
	for _, c := range []struct {
		name  string
		ids   []string
		kinds []Kind
	}{{"callIds", f.CallIDs, []Kind{KindCall}}, {"regionIds", f.RegionIDs, []Kind{KindRegion}},
		{"organizationIds", f.OrganizationIDs, []Kind{KindOrg, KindRegion}}} {
		if err := checkIDs(c.name, c.ids, c.kinds...); err != nil {
			return nil, err
		}
	}
	return s.Store.Projects(ctx, f, p)
}

func checkPage(p Page, kinds ...Kind) error {
	if p.First < 0 || p.First > MaxPageSize {
		return Errorf(EINVALID, "first must be between 0 and %d", MaxPageSize)
	}
	if p.After != "" {
		if err := ParseIDOf(p.After, kinds...); err != nil {
			return Errorf(EINVALID, "after is not a cursor of this list")
		}
	}
	return nil
}

func checkConfidence(c Confidence) error {
	if c != "" && !c.Valid() {
		return Errorf(EINVALID, "unknown confidence %q", clip(string(c)))
	}
	return nil
}

func checkRoles(roles []Role) error {
	for _, r := range roles {
		if !r.Valid() {
			return Errorf(EINVALID, "unknown role %q", clip(string(r)))
		}
	}
	return nil
}

func checkIDs(name string, ids []string, kinds ...Kind) error {
	if len(ids) > MaxFilterValues {
		return Errorf(EINVALID, "%s has more than %d values", name, MaxFilterValues)
	}
	for _, id := range ids {
		if err := ParseIDOf(id, kinds...); err != nil {
			return Errorf(EINVALID, "%s: %s", name, ErrorMessage(err))
		}
	}
	return nil
}
