package seed

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"
	"unicode/utf8"

	"github.com/goccy/go-yaml/token"
)

// The fast reader decodes the plain block YAML the seed files are written
// in (lists of mappings of quoted or plain one-line scalars, nested block
// lists and mappings, comments) straight into the schema's types, with about
// a twentieth of the CPU go-yaml takes to parse a syntax tree and decode
// it (docs/benchmarks.md, "Issue 13 item 5"). It is only a shortcut: it accepts
// a subset of YAML and gives up on anything outside it — a tab, an anchor,
// a tag, a flow collection other than {}, a block or multi-line scalar, an
// escape it does not know, a key the schema does not have, a duplicate
// key, a null, a scalar whose type go-yaml would resolve differently — and
// the file is then read by go-yaml, as every file was before. Whatever it
// accepts decodes to exactly what go-yaml decodes it to (FuzzFastDecode and
// TestFastDecodeMatchesGoYAML check this). It reports no problem: a file it
// gives up on, and any seed directory with a problem, is read again by
// go-yaml, whose messages carry the file, line and field.

// readFast decodes every file of files with the fast reader alone, the
// files concurrently; it reports false when it gives up on any.
func readFast(files fstest.MapFS) (*Files, bool) {
	f := &Files{broken: map[string]map[int]bool{}}
	ok := make([]bool, len(FileNames))
	eachFile(func(i int, name string) {
		if mf := files[name]; mf != nil && len(mf.Data) <= MaxFileBytes {
			ok[i] = fastDecode(mf.Data, f.slice(name))
		}
	})
	for _, o := range ok {
		if !o {
			return nil, false
		}
	}
	return f, true
}

// errGiveUp stops the fast reader; it never leaves this file.
var errGiveUp = errors.New("seed: outside the fast reader's subset")

// fastDecode decodes data, a YAML list, into out (a pointer to a slice of
// one of the schema's record types). It reports false, leaving out as it
// was, when data is outside the subset it reads.
func fastDecode(data []byte, out any) (ok bool) {
	dst := reflect.ValueOf(out)
	if dst.Kind() != reflect.Pointer || dst.Elem().Kind() != reflect.Slice {
		return false
	}
	// Tabs, carriage returns, other control characters, byte order marks
	// and invalid UTF-8: each is legal somewhere in YAML, or refused, and
	// left to go-yaml.
	for _, c := range data {
		if c < ' ' && c != '\n' || c == 0x7f {
			return false
		}
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || !utf8.Valid(data) {
		return false
	}
	d := &fastDecoder{data: data}
	defer func() {
		if r := recover(); r != nil {
			if r != errGiveUp { //nolint:errorlint // a sentinel, compared as such
				panic(r)
			}
			ok = false
		}
	}()
	ind, line, more := d.peek()
	if !more {
		return true // only comments: no records, as with go-yaml
	}
	if !isDash(line) {
		return false
	}
	v := reflect.New(dst.Elem().Type()).Elem()
	d.seq(ind, v)
	if _, _, more := d.peek(); more {
		return false
	}
	dst.Elem().Set(reflect.AppendSlice(dst.Elem(), v))
	return true
}

type fastDecoder struct {
	data []byte
	pos  int // start of the next line not yet consumed

	// the peeked line: indentation and content (no indentation, no newline)
	peeked bool
	ind    int
	line   []byte
	next   int // start of the line after the peeked one
}

func giveUp() { panic(errGiveUp) }

// peek returns the next line with content, skipping blank lines and
// comments, without consuming it.
func (d *fastDecoder) peek() (int, []byte, bool) {
	if d.peeked {
		return d.ind, d.line, true
	}
	for d.pos < len(d.data) {
		end := bytes.IndexByte(d.data[d.pos:], '\n')
		next := len(d.data)
		if end < 0 {
			end = len(d.data)
		} else {
			end += d.pos
			next = end + 1
		}
		raw := d.data[d.pos:end]
		ind := 0
		for ind < len(raw) && raw[ind] == ' ' {
			ind++
		}
		content := raw[ind:]
		if len(content) == 0 || content[0] == '#' {
			d.pos = next
			continue
		}
		if ind == 0 && (bytes.HasPrefix(content, []byte("---")) || bytes.HasPrefix(content, []byte("...")) || content[0] == '%') {
			giveUp() // documents and directives
		}
		d.peeked, d.ind, d.line, d.next = true, ind, content, next
		return ind, content, true
	}
	return 0, nil, false
}

func (d *fastDecoder) consume() {
	d.pos = d.next
	d.peeked = false
}

func isDash(line []byte) bool { return line[0] == '-' && (len(line) == 1 || line[1] == ' ') }

// seq decodes a block list whose dashes are at column ind into v, a slice.
func (d *fastDecoder) seq(ind int, v reflect.Value) {
	elem := v.Type().Elem()
	n := 0
	for {
		i, line, ok := d.peek()
		if !ok || i < ind {
			break
		}
		if i > ind || !isDash(line) {
			giveUp()
		}
		rest := line[1:]
		col := ind + 1
		for len(rest) > 0 && rest[0] == ' ' {
			rest, col = rest[1:], col+1
		}
		if len(rest) == 0 || rest[0] == '#' {
			giveUp() // the item's node starts on the next line
		}
		if n == v.Len() {
			v.Set(reflect.Append(v, reflect.Zero(elem)))
		}
		item := v.Index(n)
		n++
		if elem.Kind() == reflect.Struct {
			if _, _, isKey := splitKey(rest); !isKey {
				giveUp()
			}
			d.mapping(col, rest, item)
			continue
		}
		d.consume()
		d.scalar(rest, item)
		d.noContinuation(ind)
	}
	if n == 0 {
		giveUp()
	}
}

// splitKey splits "key: rest" or "key:" into the key and what follows.
func splitKey(line []byte) (key, rest []byte, ok bool) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			i++
			continue
		}
		break
	}
	if i == 0 || i == len(line) || line[i] != ':' {
		return nil, nil, false
	}
	if i+1 < len(line) && line[i+1] != ' ' {
		return nil, nil, false
	}
	rest = line[i+1:]
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	return line[:i], rest, true
}

// mapping decodes a block mapping whose keys are at column ind into v, a
// struct; first is its first line when it follows a dash, else nil.
func (d *fastDecoder) mapping(ind int, first []byte, v reflect.Value) {
	fields := fieldsOf(v.Type())
	seen := make([]bool, len(fields.list))
	line := first
	for {
		if line == nil {
			i, l, ok := d.peek()
			if !ok || i < ind {
				return
			}
			if i > ind || isDash(l) {
				giveUp()
			}
			line = l
		}
		key, rest, ok := splitKey(line)
		if !ok {
			giveUp()
		}
		fi, known := fields.byName[string(key)]
		if !known || seen[fi] {
			giveUp() // go-yaml refuses unknown and duplicate keys
		}
		seen[fi] = true
		f := v.FieldByIndex(fields.list[fi])
		d.consume()
		d.value(ind, rest, f)
		line = nil
	}
}

// value decodes the value of a key at column ind: rest is what follows the
// key's colon on its line.
func (d *fastDecoder) value(ind int, rest []byte, f reflect.Value) {
	if len(rest) == 0 || rest[0] == '#' {
		i, l, ok := d.peek()
		if !ok || i <= ind {
			giveUp() // null, or a list at the key's own column
		}
		switch {
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() != reflect.Uint8:
			if !isDash(l) {
				giveUp()
			}
			d.seq(i, f)
		case f.Kind() == reflect.Struct:
			d.mapping(i, nil, f)
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
			p := reflect.New(f.Type().Elem())
			d.mapping(i, nil, p.Elem())
			f.Set(p)
		default:
			giveUp()
		}
		return
	}
	if rest[0] == '{' && afterFlow(rest[1:]) {
		// {}: an empty mapping
		switch {
		case f.Kind() == reflect.Struct:
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
			f.Set(reflect.New(f.Type().Elem()))
		default:
			giveUp()
		}
		d.noContinuation(ind)
		return
	}
	d.scalar(rest, f)
	d.noContinuation(ind)
}

// afterFlow reports whether s is "}" with nothing after it but a comment.
func afterFlow(s []byte) bool {
	if len(s) == 0 || s[0] != '}' {
		return false
	}
	return endsValue(s[1:])
}

// endsValue reports whether s, what follows a value on its line, is empty
// or a comment.
func endsValue(s []byte) bool {
	if len(s) == 0 {
		return true
	}
	if s[0] != ' ' {
		return false
	}
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	return len(s) == 0 || s[0] == '#'
}

// noContinuation gives up when the line after a scalar at column ind is
// indented deeper: it would continue the scalar or be an error.
func (d *fastDecoder) noContinuation(ind int) {
	if i, _, ok := d.peek(); ok && i > ind {
		giveUp()
	}
}

// scalar decodes a one-line scalar into f.
func (d *fastDecoder) scalar(s []byte, f reflect.Value) {
	switch s[0] {
	case '"':
		if f.Kind() != reflect.String {
			giveUp()
		}
		f.SetString(doubleQuoted(s))
		return
	case '\'':
		if f.Kind() != reflect.String {
			giveUp()
		}
		f.SetString(singleQuoted(s))
		return
	}
	p := plain(s)
	switch f.Kind() {
	case reflect.String:
		switch plainType(p) {
		case token.StringType:
		case token.IntegerType:
			// go-yaml decodes an integer into a string as its decimal
			// form: the same text only when that is how it is written.
			if n, err := strconv.ParseInt(p, 10, 64); err != nil || strconv.FormatInt(n, 10) != p {
				giveUp()
			}
		default:
			giveUp()
		}
		f.SetString(p)
	case reflect.Bool:
		switch p {
		case "true":
			f.SetBool(true)
		case "false":
			f.SetBool(false)
		default:
			giveUp()
		}
	case reflect.Pointer:
		e := reflect.New(f.Type().Elem())
		number(p, e.Elem())
		f.Set(e)
	default:
		number(p, f)
	}
}

// plainType is the type go-yaml gives the plain scalar p.
func plainType(p string) token.Type {
	if c := p[0]; len(p) > 5 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		// Not a number, and longer than any keyword (null, true, false…).
		return token.StringType
	}
	return token.New(p, p, nil).Type
}

// number decodes a plain decimal number into f, an int or a float.
func number(p string, f reflect.Value) {
	typ := plainType(p)
	switch f.Kind() {
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(p, 10, 64)
		if typ != token.IntegerType || err != nil || strconv.FormatInt(n, 10) != p || f.OverflowInt(n) {
			giveUp()
		}
		f.SetInt(n)
	case reflect.Float64:
		if typ != token.IntegerType && typ != token.FloatType || !plainDecimal(p) {
			giveUp()
		}
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsInf(x, 0) {
			giveUp()
		}
		if typ == token.IntegerType {
			// go-yaml reads an integer as an int64, then converts it
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil {
				giveUp()
			}
			x = float64(n)
		}
		f.SetFloat(x)
	default:
		giveUp()
	}
}

// plainDecimal reports whether p is -?(0|[1-9][0-9]*)(.[0-9]+)?.
func plainDecimal(p string) bool {
	if strings.HasPrefix(p, "-") {
		p = p[1:]
	}
	intPart, frac, hasFrac := strings.Cut(p, ".")
	if intPart == "" || len(intPart) > 1 && intPart[0] == '0' || hasFrac && frac == "" {
		return false
	}
	for _, s := range []string{intPart, frac} {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}

// plain returns the plain scalar that starts s, giving up on any that
// could be something else or continue.
func plain(s []byte) string {
	switch s[0] {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		if !(s[0] == '-' && len(s) > 1 && s[1] >= '0' && s[1] <= '9') {
			giveUp()
		}
	}
	end := len(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '#':
			if s[i-1] == ' ' && end == len(s) {
				end = i
			}
		case ':':
			if i == len(s)-1 || s[i+1] == ' ' {
				if end == len(s) {
					giveUp() // a mapping where a scalar is expected
				}
			}
		case '[', ']', '{', '}', '\\':
			if end == len(s) {
				giveUp()
			}
		}
		if end != len(s) {
			break
		}
	}
	v := bytes.TrimRight(s[:end], " ")
	if len(v) == 0 {
		giveUp()
	}
	return string(v)
}

// doubleQuoted decodes a double-quoted scalar that ends on its line.
func doubleQuoted(s []byte) string {
	var b []byte // nil until an escape is met
	start := 1
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			if !endsValue(s[i+1:]) {
				giveUp()
			}
			if b == nil {
				return string(s[start:i])
			}
			return string(append(b, s[start:i]...))
		case '\\':
			if i+1 >= len(s) {
				giveUp()
			}
			var c byte
			switch s[i+1] {
			case '"', '\\', '/':
				c = s[i+1]
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			default:
				giveUp()
			}
			b = append(append(b, s[start:i]...), c)
			i++
			start = i + 1
		}
	}
	giveUp() // the scalar continues on the next line
	return ""
}

// singleQuoted decodes a single-quoted scalar that ends on its line.
func singleQuoted(s []byte) string {
	var b []byte
	start := 1
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b = append(b, s[start:i+1]...)
			i++
			start = i + 1
			continue
		}
		if !endsValue(s[i+1:]) {
			giveUp()
		}
		if b == nil {
			return string(s[start:i])
		}
		return string(append(b, s[start:i]...))
	}
	giveUp()
	return ""
}

// structFields are the YAML keys of a struct type, inline structs' keys
// included, with the index of each field.
type structFields struct {
	list   [][]int
	byName map[string]int
}

var fieldCache sync.Map // reflect.Type -> *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	sf := &structFields{byName: map[string]int{}}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, ok := f.Tag.Lookup("yaml")
			if !ok || !f.IsExported() {
				giveUp() // go-yaml's default key names are not reproduced here
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			if opts == "inline" {
				if f.Type.Kind() != reflect.Struct {
					giveUp()
				}
				walk(f.Type, idx)
				continue
			}
			if name == "" {
				giveUp()
			}
			if _, dup := sf.byName[name]; dup {
				giveUp()
			}
			sf.byName[name] = len(sf.list)
			sf.list = append(sf.list, idx)
		}
	}
	walk(t, nil)
	f, _ := fieldCache.LoadOrStore(t, sf)
	return f.(*structFields)
}
