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
	v := e.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail(fmt.Errorf("%s=%q: want true or false", name, v))
		return def
	}
	return b
}

func (e *envDefaults) duration(name string, def time.Duration) time.Duration {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.fail(fmt.Errorf("%s=%q: want a duration such as 10s", name, v))
		return def
	}
	return d
}

func (e *envDefaults) int64(name string, def int64) int64 {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		e.fail(fmt.Errorf("%s=%q: want an integer", name, v))
		return def
	}
	return n
}

func (e *envDefaults) float(name string, def float64) float64 {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		e.fail(fmt.Errorf("%s=%q: want a number", name, v))
		return def
	}
	return f
}

func (e *envDefaults) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}
