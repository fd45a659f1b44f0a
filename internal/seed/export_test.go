package seed

import "testing/fstest"

// FastDecodeFile decodes one seed file with the fast reader; it reports
// false when the reader gives up.
func FastDecodeFile(name string, data []byte) (*Files, bool) {
	f := &Files{}
	return f, fastDecode(data, f.slice(name))
}

// GoYAMLDecodeFile decodes one seed file as Read does, with go-yaml alone;
// it reports false when go-yaml finds any problem.
func GoYAMLDecodeFile(name string, data []byte) (*Files, bool) {
	f := &Files{}
	r := readOne(fstest.MapFS{name: &fstest.MapFile{Data: data}}, name, f, false)
	return f, len(r.problems) == 0 && r.doc != nil
}
