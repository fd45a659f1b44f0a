package kg

import (
	"bytes"
	"io"
	"slices"
	"strconv"
)

// The enumerations below are GraphQL enums too; these methods let gqlgen bind
// them directly, rejecting unknown values.

// appendEnum appends s quoted, as strconv.Quote would; an enum value is a
// GraphQL name, which needs no escape, so it is appended as it is.
func appendEnum(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// marshalEnum writes s as appendEnum appends it.
func marshalEnum(w io.Writer, s string) {
	if b, ok := w.(*bytes.Buffer); ok { // the executor's: no copy
		b.Write(appendEnum(b.AvailableBuffer(), s))
		return
	}
	_, _ = w.Write(appendEnum(nil, s))
}

func unmarshalEnum[T ~string](v any, valid []T, name string) (T, error) {
	s, ok := v.(string)
	if !ok {
		return "", Errorf(EINVALID, "%s must be a string", name)
	}
	if !slices.Contains(valid, T(s)) {
		return "", Errorf(EINVALID, "%q is not a valid %s", clip(s), name)
	}
	return T(s), nil
}

// MarshalGQL implements graphql.Marshaler.
func (k OrgKind) MarshalGQL(w io.Writer) { marshalEnum(w, string(k)) }

// AppendGQL appends the value as MarshalGQL writes it.
func (k OrgKind) AppendGQL(b []byte) []byte { return appendEnum(b, string(k)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (k *OrgKind) UnmarshalGQL(v any) (err error) {
	*k, err = unmarshalEnum(v, OrgKinds, "OrganizationKind")
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (r Role) MarshalGQL(w io.Writer) { marshalEnum(w, string(r)) }

// AppendGQL appends the value as MarshalGQL writes it.
func (r Role) AppendGQL(b []byte) []byte { return appendEnum(b, string(r)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (r *Role) UnmarshalGQL(v any) (err error) {
	*r, err = unmarshalEnum(v, Roles, "Role")
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (c Confidence) MarshalGQL(w io.Writer) { marshalEnum(w, string(c)) }

// AppendGQL appends the value as MarshalGQL writes it.
func (c Confidence) AppendGQL(b []byte) []byte { return appendEnum(b, string(c)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (c *Confidence) UnmarshalGQL(v any) (err error) {
	*c, err = unmarshalEnum(v, []Confidence{High, Medium, Low}, "Confidence")
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (d Direction) MarshalGQL(w io.Writer) { marshalEnum(w, string(d)) }

// AppendGQL appends the value as MarshalGQL writes it.
func (d Direction) AppendGQL(b []byte) []byte { return appendEnum(b, string(d)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (d *Direction) UnmarshalGQL(v any) (err error) {
	*d, err = unmarshalEnum(v, []Direction{Backward, Forward}, "Direction")
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (t FactType) MarshalGQL(w io.Writer) { marshalEnum(w, string(t)) }

// AppendGQL appends the value as MarshalGQL writes it.
func (t FactType) AppendGQL(b []byte) []byte { return appendEnum(b, string(t)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (t *FactType) UnmarshalGQL(v any) (err error) {
	*t, err = unmarshalEnum(v, []FactType{FactString, FactNumber, FactDate, FactURL, FactEntity}, "FactType")
	return err
}
