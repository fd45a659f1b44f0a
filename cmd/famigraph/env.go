package main

import (
	"fmt"
	"strconv"
	"time"
)

// envDefaults reads flag defaults from the environment, remembering the
// first malformed value so that start-up fails with a clear message.
type envDefaults struct {
	getenv func(string) string
	err    error
}

func (e *envDefaults) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

func (e *envDefaults) boolean(name string, def bool) bool {
	return envValue(e, name, def, strconv.ParseBool, "true or false")
}

func (e *envDefaults) duration(name string, def time.Duration) time.Duration {
	return envValue(e, name, def, time.ParseDuration, "a duration such as 10s")
}

func (e *envDefaults) int64(name string, def int64) int64 {
	return envValue(e, name, def, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }, "an integer")
}

func (e *envDefaults) float(name string, def float64) float64 {
	return envValue(e, name, def, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }, "a number")
}

// envValue reads the variable name with parse; unset, it is def; malformed,
// it is def too and e remembers the error, which says what was wanted.
func envValue[T any](e *envDefaults, name string, def T, parse func(string) (T, error), want string) T {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		e.fail(fmt.Errorf("%s=%q: want %s", name, v, want))
		return def
	}
	return x
}

func (e *envDefaults) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}
