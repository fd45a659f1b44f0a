package kg

import (
	"fmt"
	"strings"
)

// Kind is the prefix of an id: the kind of record it names.
type Kind string

// The kinds of record in the graph. An id is "<kind>:<slug>".
const (
	KindRegion     Kind = "region"
	KindOrg        Kind = "org"
	KindCall       Kind = "call"
	KindFund       Kind = "fund"
	KindObjective  Kind = "objective"
	KindAction     Kind = "action"
	KindAmendment  Kind = "amendment"
	KindProject    Kind = "project"
	KindPlace      Kind = "place"
	KindInitiative Kind = "initiative"
	KindSource     Kind = "source"
)

// Kinds lists every kind, in the order records are documented.
var Kinds = []Kind{KindFund, KindObjective, KindCall, KindAction, KindAmendment, KindRegion,
	KindOrg, KindProject, KindPlace, KindInitiative, KindSource}

// MaxIDLength bounds ids so that hostile input cannot make lookups expensive.
const MaxIDLength = 200

// ParseID splits an id into its kind and slug. The slug is lower-case ASCII
// letters and digits in groups separated by single hyphens.
func ParseID(id string) (Kind, string, error) {
	if len(id) > MaxIDLength {
		return "", "", Errorf(EINVALID, "id is longer than %d characters", MaxIDLength)
	}
	k, slug, ok := strings.Cut(id, ":")
	if !ok {
		return "", "", Errorf(EINVALID, "id %q is not of the form <kind>:<slug>", clip(id))
	}
	if !knownKind(Kind(k)) {
		return "", "", Errorf(EINVALID, "id %q has unknown kind %q", clip(id), clip(k))
	}
	if err := checkSlug(slug); err != nil {
		return "", "", Errorf(EINVALID, "id %q: %v", clip(id), err)
	}
	return Kind(k), slug, nil
}

// ParseRef checks a reference to a record that may be an alias: either an
// id (see ParseID) or "<kind>:<name>", the name of lower-case ASCII letters
// and digits in groups separated by single hyphens or underscores, as the
// ids of the shared fact set are ("org:comune_ancona").
func ParseRef(ref string) error {
	_, _, err := ParseID(ref)
	if err == nil || CheckAlias(ref) == nil {
		return nil
	}
	return err
}

// CheckAlias checks the form of an alias: "<kind>:<name>", name as ParseRef
// says.
func CheckAlias(a string) error {
	if len(a) > MaxIDLength {
		return Errorf(EINVALID, "alias is longer than %d characters", MaxIDLength)
	}
	k, name, ok := strings.Cut(a, ":")
	if !ok || !knownKind(Kind(k)) {
		return Errorf(EINVALID, "alias %q is not of the form <kind>:<name>", clip(a))
	}
	if err := checkSlug(strings.ReplaceAll(name, "_", "-")); err != nil || strings.Contains(name, "_-") || strings.Contains(name, "-_") {
		return Errorf(EINVALID, "alias %q: the name must be lower-case letters and digits separated by single hyphens or underscores", clip(a))
	}
	return nil
}

// ParseIDOf parses id and checks that it names a record of one of the kinds.
func ParseIDOf(id string, kinds ...Kind) error {
	k, _, err := ParseID(id)
	if err != nil {
		return err
	}
	for _, want := range kinds {
		if k == want {
			return nil
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return Errorf(EINVALID, "id %q is not a %s id", id, strings.Join(names, " or "))
}

// KindOf returns the kind prefix of a well-formed id, or "" for a malformed one.
func KindOf(id string) Kind {
	k, _, err := ParseID(id)
	if err != nil {
		return ""
	}
	return k
}

func knownKind(k Kind) bool {
	for _, kk := range Kinds {
		if kk == k {
			return true
		}
	}
	return false
}

func checkSlug(s string) error {
	if s == "" {
		return fmt.Errorf("empty slug")
	}
	prevHyphen := true // a leading hyphen is an error
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			prevHyphen = false
		case c == '-':
			if prevHyphen {
				return fmt.Errorf("slug has a leading or doubled hyphen")
			}
			prevHyphen = true
		default:
			return fmt.Errorf("slug may hold only a-z, 0-9 and single hyphens")
		}
	}
	if prevHyphen {
		return fmt.Errorf("slug ends with a hyphen")
	}
	return nil
}

// clip shortens user input quoted back in an error message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
