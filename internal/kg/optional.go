package kg

// Optional strings. The GraphQL schema shows an optional string the data
// leaves empty as null; these methods give gqlgen the nullable value. A
// field bound to a method without context or error is resolved inline,
// where a resolver would cost a goroutine per object (gqlgen.yml binds
// them).

// optional returns nil for "", else a pointer to s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// OptURL returns URL, or nil when it is empty.
func (x *Citation) OptURL() *string { return optional(x.URL) }

// OptQuote returns Quote, or nil when it is empty.
func (x *Citation) OptQuote() *string { return optional(x.Quote) }

// OptDocument returns Document, or nil when it is empty.
func (x *Citation) OptDocument() *string { return optional(x.Document) }

// OptField returns Field, or nil when it is empty.
func (x *Citation) OptField() *string { return optional(x.Field) }

// OptNote returns Note, or nil when it is empty.
func (x *Citation) OptNote() *string { return optional(x.Note) }

// OptNote returns Note, or nil when it is empty.
func (x *Fact) OptNote() *string { return optional(x.Note) }

// OptISTATProvinceCode returns ISTATProvinceCode, or nil when it is empty.
func (x *Region) OptISTATProvinceCode() *string { return optional(x.ISTATProvinceCode) }

// OptCapital returns Capital, or nil when it is empty.
func (x *Region) OptCapital() *string { return optional(x.Capital) }

// OptTypeLabel returns TypeLabel, or nil when it is empty.
func (x *Body) OptTypeLabel() *string { return optional(x.TypeLabel) }

// OptWebsite returns Website, or nil when it is empty.
func (x *Body) OptWebsite() *string { return optional(x.Website) }

// OptDescription returns Description, or nil when it is empty.
func (x *Call) OptDescription() *string { return optional(x.Description) }

// OptDecree returns Decree, or nil when it is empty.
func (x *Call) OptDecree() *string { return optional(x.Decree) }

// OptRegistration returns Registration, or nil when it is empty.
func (x *Call) OptRegistration() *string { return optional(x.Registration) }

// OptDescription returns Description, or nil when it is empty.
func (x *Action) OptDescription() *string { return optional(x.Description) }

// OptDecree returns Decree, or nil when it is empty.
func (x *Amendment) OptDecree() *string { return optional(x.Decree) }

// OptSummary returns Summary, or nil when it is empty.
func (x *Amendment) OptSummary() *string { return optional(x.Summary) }

// OptOffice returns Office, or nil when it is empty.
func (x *Edge) OptOffice() *string { return optional(x.Office) }

// OptDetail returns Detail, or nil when it is empty.
func (x *Edge) OptDetail() *string { return optional(x.Detail) }

// OptAcronym returns Acronym, or nil when it is empty.
func (x *Project) OptAcronym() *string { return optional(x.Acronym) }

// OptDescription returns Description, or nil when it is empty.
func (x *Project) OptDescription() *string { return optional(x.Description) }

// OptCode returns Code, or nil when it is empty.
func (x *Project) OptCode() *string { return optional(x.Code) }

// OptCUP returns CUP, or nil when it is empty.
func (x *Project) OptCUP() *string { return optional(x.CUP) }

// OptWebsite returns Website, or nil when it is empty.
func (x *Project) OptWebsite() *string { return optional(x.Website) }

// OptDescription returns Description, or nil when it is empty.
func (x *Place) OptDescription() *string { return optional(x.Description) }

// OptDescription returns Description, or nil when it is empty.
func (x *Initiative) OptDescription() *string { return optional(x.Description) }

// OptNote returns Note, or nil when it is empty.
func (x *NetworkMembership) OptNote() *string { return optional(x.Note) }
