package seed

// The types below are the schema of the seed files, one per file kind. Field
// names are those of the YAML keys; seed/README.md documents them for
// curators. Enumerations are written in upper case, as in the API.

// Files is the content of a seed directory.
type Files struct {
	Sources       []SourceDoc     `yaml:"-"`
	Funds         []FundDoc       `yaml:"-"`
	Calls         []CallDoc       `yaml:"-"`
	Regions       []RegionDoc     `yaml:"-"`
	Organizations []OrgDoc        `yaml:"-"`
	Projects      []ProjectDoc    `yaml:"-"`
	Places        []PlaceDoc      `yaml:"-"`
	Initiatives   []InitiativeDoc `yaml:"-"`

	// broken marks, per file, the records that did not decode: their ids
	// are known but nothing else of them is checked or loaded.
	broken map[string]map[int]bool
}

// slice returns a pointer to the records of a file.
func (f *Files) slice(file string) any {
	switch file {
	case SourcesFile:
		return &f.Sources
	case FundsFile:
		return &f.Funds
	case CallsFile:
		return &f.Calls
	case RegionsFile:
		return &f.Regions
	case OrganizationsFile:
		return &f.Organizations
	case ProjectsFile:
		return &f.Projects
	case PlacesFile:
		return &f.Places
	case InitiativesFile:
		return &f.Initiatives
	}
	return nil
}

func (f *Files) isBroken(file string, i int) bool { return f.broken[file][i] }

func (f *Files) markBroken(file string, i int) {
	if f.broken == nil {
		f.broken = map[string]map[int]bool{}
	}
	if f.broken[file] == nil {
		f.broken[file] = map[int]bool{}
	}
	f.broken[file][i] = true
}

// File names of a seed directory, in the order they are read.
const (
	SourcesFile       = "sources.yaml"
	FundsFile         = "funds.yaml"
	CallsFile         = "calls.yaml"
	RegionsFile       = "regions.yaml"
	OrganizationsFile = "organizations.yaml"
	ProjectsFile      = "projects.yaml"
	PlacesFile        = "places.yaml"
	InitiativesFile   = "initiatives.yaml"
)

// FileNames lists the seed files; every one must exist.
var FileNames = []string{SourcesFile, FundsFile, CallsFile, RegionsFile, OrganizationsFile,
	ProjectsFile, PlacesFile, InitiativesFile}

// SourceDoc is a document or page facts are taken from (sources.yaml).
type SourceDoc struct {
	ID        string `yaml:"id"`
	Title     string `yaml:"title"`
	URL       string `yaml:"url,omitempty"`
	Document  string `yaml:"document,omitempty"` // file name in shared/seeds
	Publisher string `yaml:"publisher,omitempty"`
	Note      string `yaml:"note,omitempty"`
}

// CitationDoc ties a record, field or relationship to a source.
type CitationDoc struct {
	Source     string `yaml:"source"`
	Quote      string `yaml:"quote"`
	Confidence string `yaml:"confidence"`
	Field      string `yaml:"field,omitempty"`
	Note       string `yaml:"note,omitempty"`
}

// FactDoc is a sourced statement with no field of its own.
type FactDoc struct {
	Key     string        `yaml:"key"`
	Value   string        `yaml:"value"`
	Type    string        `yaml:"type,omitempty"` // STRING (default), NUMBER, DATE, URL, ENTITY
	Note    string        `yaml:"note,omitempty"`
	Sources []CitationDoc `yaml:"sources"`
}

// DiscrepancyDoc records a value a source states that the graph does not
// adopt.
type DiscrepancyDoc struct {
	Field    string        `yaml:"field"`
	Recorded string        `yaml:"recorded"`
	Stated   string        `yaml:"stated"`
	Note     string        `yaml:"note"`
	Sources  []CitationDoc `yaml:"sources"`
}

// Provenance is embedded in every record.
type Provenance struct {
	// Aliases are other ids the sources use for the record, e.g. the shared
	// fact set's "org:comune_ancona".
	Aliases       []string         `yaml:"aliases,omitempty"`
	Sources       []CitationDoc    `yaml:"sources"`
	Facts         []FactDoc        `yaml:"facts,omitempty"`
	Discrepancies []DiscrepancyDoc `yaml:"discrepancies,omitempty"`
}

// FundDoc is a fund with its objectives (funds.yaml).
type FundDoc struct {
	ID         string         `yaml:"id"`
	Name       string         `yaml:"name"`
	Period     string         `yaml:"period"`
	Objectives []ObjectiveDoc `yaml:"objectives,omitempty"`
	Provenance `yaml:",inline"`
}

// ObjectiveDoc is a specific or national objective of a fund.
type ObjectiveDoc struct {
	ID           string   `yaml:"id"`
	Code         string   `yaml:"code"`
	Name         string   `yaml:"name"`
	BudgetEUR    *float64 `yaml:"budgetEUR,omitempty"`
	SharePercent *float64 `yaml:"sharePercent,omitempty"`
	Provenance   `yaml:",inline"`
}

// CountsDoc holds the totals a call declares.
type CountsDoc struct {
	Regions      *int `yaml:"regions,omitempty"`
	Projects     *int `yaml:"projects,omitempty"`
	Schools      *int `yaml:"schools,omitempty"`
	LocalBodies  *int `yaml:"localBodies,omitempty"`
	ANCIChapters *int `yaml:"anciChapters,omitempty"`
}

// CallDoc is a funding call with its actions, amendments, regions and
// lineage (calls.yaml).
type CallDoc struct {
	ID                string         `yaml:"id"`
	Code              string         `yaml:"code"`
	Name              string         `yaml:"name"`
	Title             string         `yaml:"title"`
	Description       string         `yaml:"description,omitempty"`
	Fund              string         `yaml:"fund"`
	Objectives        []string       `yaml:"objectives,omitempty"`
	Issuer            string         `yaml:"issuer,omitempty"`
	BudgetEUR         *float64       `yaml:"budgetEUR,omitempty"`
	AwardedEUR        *float64       `yaml:"awardedEUR,omitempty"`
	AdoptedOn         string         `yaml:"adoptedOn,omitempty"`
	Decree            string         `yaml:"decree,omitempty"`
	Registration      string         `yaml:"registration,omitempty"`
	StartDate         string         `yaml:"startDate,omitempty"`
	EndDate           string         `yaml:"endDate,omitempty"`
	MaxDurationMonths *int           `yaml:"maxDurationMonths,omitempty"`
	Declared          CountsDoc      `yaml:"declared,omitempty"`
	Actions           []ActionDoc    `yaml:"actions,omitempty"`
	Amendments        []AmendmentDoc `yaml:"amendments,omitempty"`
	Regions           []RefDoc       `yaml:"regions,omitempty"`
	CapitalisesOn     []LineageDoc   `yaml:"capitalisesOn,omitempty"`
	Provenance        `yaml:",inline"`
}

// ActionDoc is an action or line of activity of a call.
type ActionDoc struct {
	ID          string `yaml:"id"`
	Code        string `yaml:"code"`
	Title       string `yaml:"title"`
	Description string `yaml:"description,omitempty"`
	Provenance  `yaml:",inline"`
}

// AmendmentDoc is a decree that changes a call.
type AmendmentDoc struct {
	ID              string        `yaml:"id"`
	Date            string        `yaml:"date"`
	Decree          string        `yaml:"decree,omitempty"`
	PreviousEndDate string        `yaml:"previousEndDate,omitempty"`
	NewEndDate      string        `yaml:"newEndDate,omitempty"`
	NewDeadline     string        `yaml:"newDeadline,omitempty"`
	BudgetIncrease  bool          `yaml:"budgetIncrease,omitempty"`
	Summary         string        `yaml:"summary,omitempty"`
	Adherents       []AdherentDoc `yaml:"adherents,omitempty"`
	Provenance      `yaml:",inline"`
}

// AdherentDoc says which parts of an amendment a region joined.
type AdherentDoc struct {
	Region         string        `yaml:"region"`
	Extension      bool          `yaml:"extension"`
	BudgetIncrease bool          `yaml:"budgetIncrease"`
	Sources        []CitationDoc `yaml:"sources"`
}

// RefDoc is a sourced reference to another record.
type RefDoc struct {
	Region  string        `yaml:"region"`
	Sources []CitationDoc `yaml:"sources"`
}

// LineageDoc is a sourced capitalisation link to an earlier call or project.
type LineageDoc struct {
	Call     string        `yaml:"call,omitempty"`
	Project  string        `yaml:"project,omitempty"`
	Relation string        `yaml:"relation"` // CAPITALISES_ON or CONTINUES
	Sources  []CitationDoc `yaml:"sources"`
}

// RegionDoc is a region or autonomous province (regions.yaml).
type RegionDoc struct {
	ID                string      `yaml:"id"`
	Name              string      `yaml:"name"`
	Kind              string      `yaml:"kind"` // REGION or AUTONOMOUS_PROVINCE
	NUTSCode          string      `yaml:"nutsCode"`
	ISTATCode         string      `yaml:"istatCode"`
	ISTATProvinceCode string      `yaml:"istatProvinceCode,omitempty"`
	Capital           string      `yaml:"capital,omitempty"`
	SpecialStatute    bool        `yaml:"specialStatute,omitempty"`
	Centroid          GeoPointDoc `yaml:"centroid"`
	Provenance        `yaml:",inline"`
}

// GeoPointDoc is a WGS84 position.
type GeoPointDoc struct {
	Lat *float64 `yaml:"lat"`
	Lon *float64 `yaml:"lon"`
}

// OrgDoc is a body other than a region (organizations.yaml).
type OrgDoc struct {
	ID        string `yaml:"id"`
	Name      string `yaml:"name"`
	Kind      string `yaml:"kind"`
	Region    string `yaml:"region,omitempty"`
	TypeLabel string `yaml:"typeLabel,omitempty"`
	Website   string `yaml:"website,omitempty"`
	// Group makes the record a group of bodies a source names without
	// (fully) listing them.
	Group *GroupDoc `yaml:"group,omitempty"`
	// Networks are the body's memberships of networks such as SAI.
	Networks   []NetworkDoc `yaml:"networks,omitempty"`
	Provenance `yaml:",inline"`
}

// GroupDoc describes a group: its declared size and the members sources
// identify.
type GroupDoc struct {
	DeclaredSize *int        `yaml:"declaredSize,omitempty"`
	Members      []MemberDoc `yaml:"members,omitempty"`
}

// MemberDoc is a sourced member of a group.
type MemberDoc struct {
	Org     string        `yaml:"org"`
	Sources []CitationDoc `yaml:"sources"`
}

// NetworkDoc is a sourced membership of a network.
type NetworkDoc struct {
	Network string        `yaml:"network"` // SAI
	Name    string        `yaml:"name"`    // as the sources name it, e.g. SPRAR
	Note    string        `yaml:"note,omitempty"`
	Sources []CitationDoc `yaml:"sources"`
}

// ProjectDoc is a project or regional plan (projects.yaml).
type ProjectDoc struct {
	ID            string           `yaml:"id"`
	Title         string           `yaml:"title"`
	Acronym       string           `yaml:"acronym,omitempty"`
	Description   string           `yaml:"description,omitempty"`
	Call          string           `yaml:"call"`
	Region        string           `yaml:"region"`
	BudgetEUR     *float64         `yaml:"budgetEUR,omitempty"`
	StartDate     string           `yaml:"startDate,omitempty"`
	EndDate       string           `yaml:"endDate,omitempty"`
	Code          string           `yaml:"code,omitempty"`
	CUP           string           `yaml:"cup,omitempty"`
	Website       string           `yaml:"website,omitempty"`
	Participants  []ParticipantDoc `yaml:"participants,omitempty"`
	Involvements  []InvolvementDoc `yaml:"involvements,omitempty"`
	Actions       []ProjectActDoc  `yaml:"actions,omitempty"`
	CapitalisesOn []LineageDoc     `yaml:"capitalisesOn,omitempty"`
	Provenance    `yaml:",inline"`
}

// ParticipantDoc is a body's participation in a project.
type ParticipantDoc struct {
	Org     string        `yaml:"org"`
	Role    string        `yaml:"role"`
	Office  string        `yaml:"office,omitempty"`
	Sources []CitationDoc `yaml:"sources"`
}

// InvolvementDoc is a body's involvement in a project other than as a
// participant (collaborator, implementing body, ...).
type InvolvementDoc struct {
	Org      string        `yaml:"org"`
	Relation string        `yaml:"relation"`
	Sources  []CitationDoc `yaml:"sources"`
}

// ProjectActDoc says that a project implements an action of its call.
type ProjectActDoc struct {
	Action  string        `yaml:"action"`
	Detail  string        `yaml:"detail,omitempty"`
	Sources []CitationDoc `yaml:"sources"`
}

// PlaceDoc is a named place (places.yaml).
type PlaceDoc struct {
	ID            string      `yaml:"id"`
	Name          string      `yaml:"name"`
	Description   string      `yaml:"description,omitempty"`
	Region        string      `yaml:"region"`
	Municipality  string      `yaml:"municipality,omitempty"`
	Organizations []WorkerDoc `yaml:"organizations,omitempty"`
	Projects      []WorkerDoc `yaml:"projects,omitempty"`
	Initiatives   []WorkerDoc `yaml:"initiatives,omitempty"`
	Provenance    `yaml:",inline"`
}

// WorkerDoc is a body or project that works at a place.
type WorkerDoc struct {
	ID      string        `yaml:"id"`
	Sources []CitationDoc `yaml:"sources"`
}

// InitiativeDoc is a FAMI-funded project outside the four calls
// (initiatives.yaml).
type InitiativeDoc struct {
	ID           string           `yaml:"id"`
	Title        string           `yaml:"title"`
	Description  string           `yaml:"description,omitempty"`
	Region       string           `yaml:"region"`
	Fund         string           `yaml:"fund,omitempty"`
	Involvements []InvolvementDoc `yaml:"involvements,omitempty"`
	Provenance   `yaml:",inline"`
}
