// Package kg is famigraph's domain: the records of the FAMI integration
// network, their provenance, and the read interface the API needs.
package kg

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// Confidence says how directly a source supports a fact.
type Confidence string

// Confidence levels, strongest first.
const (
	High   Confidence = "HIGH"   // stated explicitly by the source
	Medium Confidence = "MEDIUM" // inferred from strong context
	Low    Confidence = "LOW"    // plausible but weakly supported
)

// AtLeast returns the levels at least as strong as c, strongest first; every
// level if c is not one.
func (c Confidence) AtLeast() []Confidence {
	var out []Confidence
	for _, l := range []Confidence{High, Medium, Low} {
		if l.Rank() >= c.Rank() {
			out = append(out, l)
		}
	}
	return out
}

// Rank orders confidences: High > Medium > Low > unknown.
func (c Confidence) Rank() int {
	switch c {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Valid reports whether c is one of the three levels.
func (c Confidence) Valid() bool { return c.Rank() > 0 }

// Role is how a body takes part in a project.
type Role string

// Roles, in the order lists show them.
const (
	RoleLead     Role = "LEAD"     // capofila
	RolePartner  Role = "PARTNER"  // partner
	RoleAdherent Role = "ADHERENT" // soggetto aderente
)

// Roles are the roles in the order lists show them.
var Roles = []Role{RoleLead, RolePartner, RoleAdherent}

// Rank orders roles for listing, by their place in Roles (lead first); an
// unknown role ranks last.
func (r Role) Rank() int {
	if i := slices.Index(Roles, r); i >= 0 {
		return i
	}
	return len(Roles)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.Rank() < len(Roles) }

// OrgKind classifies bodies.
type OrgKind string

// The kinds of body in the network.
const (
	OrgMinistry           OrgKind = "MINISTRY"
	OrgRegion             OrgKind = "REGION"
	OrgAutonomousProvince OrgKind = "AUTONOMOUS_PROVINCE"
	OrgATS                OrgKind = "ATS"
	OrgATSAggregation     OrgKind = "ATS_AGGREGATION"
	OrgMunicipality       OrgKind = "MUNICIPALITY"
	OrgUniversity         OrgKind = "UNIVERSITY"
	OrgPrefecture         OrgKind = "PREFECTURE"
	OrgSAILocalBody       OrgKind = "SAI_LOCAL_BODY"
	OrgSchool             OrgKind = "SCHOOL"
	OrgANCIChapter        OrgKind = "ANCI_CHAPTER"
	OrgThirdSector        OrgKind = "THIRD_SECTOR"
	OrgOther              OrgKind = "OTHER"
)

// OrgKinds lists every kind of body.
var OrgKinds = []OrgKind{OrgMinistry, OrgRegion, OrgAutonomousProvince, OrgATS, OrgATSAggregation,
	OrgMunicipality, OrgUniversity, OrgPrefecture, OrgSAILocalBody, OrgSchool, OrgANCIChapter,
	OrgThirdSector, OrgOther}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	for _, kk := range OrgKinds {
		if k == kk {
			return true
		}
	}
	return false
}

// Direction is the sense in which lineage is followed.
type Direction string

// Lineage directions.
const (
	Backward Direction = "BACKWARD" // what a call or project builds on
	Forward  Direction = "FORWARD"  // what builds on it
)

// Date is an ISO 8601 calendar date, "YYYY-MM-DD". Its string form sorts
// chronologically.
type Date string

// ParseDate checks that s is a valid calendar date.
func ParseDate(s string) (Date, error) {
	if len(s) != len("2006-01-02") {
		return "", fmt.Errorf("%q is not a date of the form YYYY-MM-DD", clip(s))
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return "", fmt.Errorf("%q is not a valid calendar date", s)
	}
	return Date(s), nil
}

// MarshalGQL writes the date as a GraphQL string.
func (d Date) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL reads a date from a GraphQL string.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(EINVALID, "a Date must be a string")
	}
	p, err := ParseDate(s)
	if err != nil {
		return Errorf(EINVALID, "%v", err)
	}
	*d = p
	return nil
}

// Citation ties a record, a field of it or a relationship to the source that
// supports it.
type Citation struct {
	SourceID   string
	Title      string
	URL        string
	Document   string // file name of a source document in shared/seeds, if it is one
	Quote      string
	Confidence Confidence
	Field      string // the field or fact the citation supports; "" for the record
	Note       string
}

// FactType is the type of a fact's value.
type FactType string

// Fact value types.
const (
	FactString FactType = "STRING"
	FactNumber FactType = "NUMBER"
	FactDate   FactType = "DATE" // a full or partial date: 2018, 2018-04, 2018-04-01
	FactURL    FactType = "URL"
	FactEntity FactType = "ENTITY" // the value is the id of another record
)

// Fact is a sourced statement about a record that has no field of its own.
type Fact struct {
	Key     string
	Value   string
	Type    FactType
	Note    string
	Sources []Citation
}

// Discrepancy records a value a source states that the graph does not adopt,
// and why.
type Discrepancy struct {
	Field    string
	Recorded string // the value the graph holds
	Stated   string // the value the disagreeing source gives
	Note     string
	Sources  []Citation
}

// Record holds what every node has: its id and its provenance.
type Record struct {
	ID string
	// Confidence is that of the weakest claim the record rests on: for a
	// project, the weakest of its call, region and lead attributions (each
	// the strongest citation of that claim); for an initiative, of its
	// region, fund and lead; for any other record, the strongest confidence
	// among Sources.
	Confidence    Confidence
	Sources       []Citation
	Facts         []Fact
	Discrepancies []Discrepancy
	// Aliases are other ids the record's sources use for it (e.g. the
	// shared fact set's "org:comune_ancona"), sorted. A lookup by alias
	// returns the record, which keeps its canonical ID.
	Aliases []string
}

// NodeID returns the record's id.
func (r *Record) NodeID() string { return r.ID }

// NodeRecord returns the record's provenance and aliases.
func (r *Record) NodeRecord() *Record { return r }

// RecordOf returns the Record of any record of the graph, nil for a node
// that has none.
func RecordOf(n Node) *Record {
	if r, ok := n.(interface{ NodeRecord() *Record }); ok {
		return r.NodeRecord()
	}
	return nil
}

// Node is any record of the graph.
type Node interface {
	NodeID() string
}

// Org is a body that takes part in projects: a region, an autonomous province
// or any other organization.
type Org interface {
	Node
	OrgName() string
	OrgKind() OrgKind
	OrgRegionID() string
}

// GeoPoint is a WGS84 position.
type GeoPoint struct {
	Lat float64
	Lon float64
}

// Region is one of the 19 regions or 2 autonomous provinces, both as a
// territory and as the body (Regione, Provincia autonoma) that leads plans.
type Region struct {
	Record
	Name              string
	Kind              OrgKind // OrgRegion or OrgAutonomousProvince
	NUTSCode          string
	ISTATCode         string
	ISTATProvinceCode string // the autonomous provinces only
	Capital           string
	SpecialStatute    bool
	Centroid          GeoPoint
}

// OrgName implements Org.
func (r *Region) OrgName() string { return r.Name }

// OrgKind implements Org.
func (r *Region) OrgKind() OrgKind { return r.Kind }

// OrgRegionID implements Org: a region belongs to itself.
func (r *Region) OrgRegionID() string { return r.ID }

// Body is any organization other than a region or autonomous province.
type Body struct {
	Record
	Name     string
	Kind     OrgKind
	RegionID string // "" for national bodies
	// TypeLabel is the source's own description of the body, e.g.
	// "terzo settore (cooperativa sociale)".
	TypeLabel string
	Website   string
	// Group is set when the record stands for a group of bodies that a
	// source names without listing them ("3 ATS della provincia di
	// Ancona"); its members are the MEMBER_OF relationships into it.
	Group *Group
	// Networks are the networks the body belongs to besides its kind (a
	// municipality can be a SAI local body), each with its sources.
	Networks []NetworkMembership
}

// Group describes a record that stands for several bodies.
type Group struct {
	// DeclaredSize is how many bodies the source says the group has; nil
	// when it gives no number ("Prefetture").
	DeclaredSize *int
	// KnownMembers is how many of them some source identifies (the
	// MEMBER_OF relationships into the group).
	KnownMembers int
}

// Complete reports whether every member of the group is identified: its
// members then stand for it in counts and networks.
func (g *Group) Complete() bool {
	return g != nil && g.DeclaredSize != nil && g.KnownMembers >= *g.DeclaredSize
}

// Unidentified is how many declared members no source identifies, or -1
// when the group's size is not declared.
func (g *Group) Unidentified() int {
	if g.DeclaredSize == nil {
		return -1
	}
	return max(*g.DeclaredSize-g.KnownMembers, 0)
}

// Networks of bodies a record can belong to besides its kind.
const (
	// NetworkSAI is the Sistema di Accoglienza e Integrazione: SPRAR until
	// 2018, then SIPROIMI, then SAI (2020). Its members are the
	// SAI_LOCAL_BODY kind.
	NetworkSAI = "SAI"
)

// NetworkKinds gives the organization kind each network's members have, so
// that filtering by that kind finds them whatever their own kind.
var NetworkKinds = map[string]OrgKind{NetworkSAI: OrgSAILocalBody}

// NetworkMembership is a body's membership of a network such as SAI.
type NetworkMembership struct {
	Network string // NetworkSAI
	// Name is the network's name as the sources use it (e.g. "SPRAR").
	Name       string
	Note       string
	Confidence Confidence
	Sources    []Citation
}

// Kind is the kind the network's members have (NetworkKinds).
func (m *NetworkMembership) Kind() OrgKind { return NetworkKinds[m.Network] }

// HasKind reports whether the body is of kind k or belongs to a network
// whose members have kind k.
func (b *Body) HasKind(k OrgKind) bool {
	if b.Kind == k {
		return true
	}
	for _, m := range b.Networks {
		if NetworkKinds[m.Network] == k {
			return true
		}
	}
	return false
}

// OrgName implements Org.
func (b *Body) OrgName() string { return b.Name }

// OrgKind implements Org.
func (b *Body) OrgKind() OrgKind { return b.Kind }

// OrgRegionID implements Org.
func (b *Body) OrgRegionID() string { return b.RegionID }

// Fund is a multiannual fund: FAMI 2014-2020, FAMI 2021-2027.
type Fund struct {
	Record
	Name   string
	Period string
}

// Objective is a specific or national objective of a fund (OS2, ON2).
type Objective struct {
	Record
	FundID       string
	Code         string
	Name         string
	BudgetEUR    *float64
	SharePercent *float64 // share of the fund's total allocation
}

// Counts are the totals a call's managing authority declares.
type Counts struct {
	Regions      *int
	Projects     *int
	Schools      *int
	LocalBodies  *int
	ANCIChapters *int
}

// Call is a funding call (avviso).
type Call struct {
	Record
	Code              string // "1/2018"
	Name              string // "IMPACT"
	Title             string
	Description       string
	FundID            string
	ObjectiveIDs      []string
	IssuerID          string
	BudgetEUR         *float64
	AwardedEUR        *float64
	AdoptedOn         *Date // date of the adopting decree
	Decree            string
	Registration      string // Corte dei Conti registration
	StartDate         *Date
	EndDate           *Date // final, after every extension
	MaxDurationMonths *int
	Declared          Counts
}

// Action is an action or line of activity of a call.
type Action struct {
	Record
	CallID      string
	Code        string
	Title       string
	Description string
}

// Amendment is a decree that changes a call: its end date, its budget, its
// deadline.
type Amendment struct {
	Record
	CallID          string
	Date            Date
	Decree          string
	PreviousEndDate *Date
	NewEndDate      *Date
	NewDeadline     *Date // new submission deadline
	BudgetIncrease  bool
	Summary         string
}

// Project is a regional plan or project funded under a call.
type Project struct {
	Record
	Title       string
	Acronym     string
	Description string
	CallID      string
	RegionID    string
	LeadID      string // the body with role LEAD, "" if none is known
	BudgetEUR   *float64
	StartDate   *Date
	EndDate     *Date
	Code        string // PROG-xxxx
	CUP         string
	Website     string
}

// Place is a named place where bodies and projects work, such as Hotel House.
type Place struct {
	Record
	Name           string
	Description    string
	RegionID       string
	MunicipalityID string
}

// Initiative is a FAMI-funded project outside the four regional-plan calls,
// kept for context (civic-linguistic plans, candidate attributions).
type Initiative struct {
	Record
	Title       string
	Description string
	RegionID    string
	FundID      string
}

// Compile-time checks of the interfaces.
var (
	_ Org  = (*Region)(nil)
	_ Org  = (*Body)(nil)
	_ Node = (*Call)(nil)
	_ Node = (*Fund)(nil)
	_ Node = (*Objective)(nil)
	_ Node = (*Action)(nil)
	_ Node = (*Amendment)(nil)
	_ Node = (*Project)(nil)
	_ Node = (*Place)(nil)
	_ Node = (*Initiative)(nil)
)
