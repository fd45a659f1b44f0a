package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/httpapi"
)

// probe reads what the server's process did: its runtime figures over a
// step (begin, end), its live heap after a collection, and a CPU profile.
// The server runs in this process (localProbe) or in a child process of
// its own (serverProcess), as in production, where the clients are other
// machines: then the 1,024 clients' goroutines, allocations and garbage
// collections are not the server's.
type probe interface {
	begin() error
	end() (serverStep, error)
	heap() (procMemory, error)
	startProfile(path string) error
	stopProfile() error
}

// procMemory is a process's live heap after a garbage collection and its
// resident memory, now and at its peak.
type procMemory struct {
	Heap     uint64
	RSS, HWM string
}

// serverStep is what the server's process did in a step: its runtime
// figures, and the time its handler took for the requests it served and
// for those it refused as OVERLOADED — the server's own view of latency,
// without the time a request's connection waited to be read or the
// clients' delays.
type serverStep struct {
	Use             bench.RuntimeUse
	Served, Refused bench.Latency
}

// localProbe is the probe of this process, timing the handler of the
// server it wraps (handler).
type localProbe struct {
	start   bench.RuntimeSample
	profile *os.File

	mu              sync.Mutex
	timing          bool
	served, refused []time.Duration
}

// handler wraps the server's handler to time it between begin and end.
func (p *localProbe) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		d := time.Since(start)
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.timing {
			return
		}
		switch ww.Status() {
		case http.StatusOK:
			p.served = append(p.served, d)
		case http.StatusServiceUnavailable:
			p.refused = append(p.refused, d)
		}
	})
}

func (p *localProbe) begin() error {
	p.mu.Lock()
	p.timing, p.served, p.refused = true, nil, nil
	p.mu.Unlock()
	p.start = bench.SampleRuntime()
	return nil
}

// end returns the step's figures and drops the times it kept, so that
// they do not count in the heap measured next.
func (p *localProbe) end() (serverStep, error) {
	use := bench.SampleRuntime().Since(p.start)
	p.mu.Lock()
	defer p.mu.Unlock()
	s := serverStep{Use: use, Served: bench.LatencyOf(p.served), Refused: bench.LatencyOf(p.refused)}
	p.timing, p.served, p.refused = false, nil, nil
	return s, nil
}

// heap waits for the process's goroutines to settle (the server may still
// be finishing requests its clients gave up, and closing their
// connections) before it measures.
func (p *localProbe) heap() (procMemory, error) {
	settleGoroutines(context.Background(), -1, 10*time.Second)
	return procMemory{Heap: bench.HeapAfterGC(), RSS: procStatus("VmRSS"), HWM: procStatus("VmHWM")}, nil
}

func (p *localProbe) startProfile(path string) error {
	f, err := createProfile(path, pprof.StartCPUProfile)
	p.profile = f
	return err
}

func (p *localProbe) stopProfile() error {
	if p.profile == nil {
		return nil
	}
	pprof.StopCPUProfile()
	err := p.profile.Close()
	p.profile = nil
	return err
}

// serverProcess is the server running in a child process (famigraph-bench
// server), which answers the probe's questions on its standard input and
// output, one line each.
type serverProcess struct {
	url string
	// inFlight describes the server's admission bound (inFlightDesc).
	inFlight string
	cmd      *exec.Cmd
	in       io.WriteCloser
	out      *bufio.Reader
	mu       sync.Mutex
}

// serverProcessEnv is set in the environment of a server process, so that
// a test binary standing for this program knows to run it (TestMain).
const serverProcessEnv = "FAMIGRAPH_BENCH_SERVER_PROCESS"

// startServerProcess starts this program as `famigraph-bench server` with
// args and waits for the URL it serves.
func startServerProcess(ctx context.Context, args []string, stderr io.Writer) (*serverProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{"server"}, args...)...)
	cmd.Env = append(os.Environ(), serverProcessEnv+"=1")
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &serverProcess{cmd: cmd, in: in, out: bufio.NewReader(outPipe)}
	line, err := s.out.ReadString('\n')
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "url ")
	fields := strings.Fields(rest)
	if err != nil || !ok || len(fields) != 2 {
		s.close()
		return nil, fmt.Errorf("the server process did not start (%q, %v)", line, err)
	}
	s.url, s.inFlight = fields[0], fields[1]
	go func() {
		<-ctx.Done()
		s.in.Close() // the server process ends when its input does
	}()
	return s, nil
}

// ask sends one command and decodes the answer into v.
func (s *serverProcess) ask(command string, v any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := io.WriteString(s.in, command+"\n"); err != nil {
		return fmt.Errorf("server process: %w", err)
	}
	line, err := s.out.ReadString('\n')
	if err != nil {
		return fmt.Errorf("server process: %w", err)
	}
	if msg, ok := strings.CutPrefix(line, "error "); ok {
		return errors.New(strings.TrimSpace(msg))
	}
	return json.Unmarshal([]byte(line), v)
}

func (s *serverProcess) begin() error { return s.ask("begin", new(struct{})) }

func (s *serverProcess) end() (serverStep, error) {
	var st serverStep
	err := s.ask("end", &st)
	return st, err
}

func (s *serverProcess) heap() (procMemory, error) {
	var m procMemory
	err := s.ask("heap", &m)
	return m, err
}

func (s *serverProcess) startProfile(path string) error {
	return s.ask("profile "+strconv.Quote(path), new(struct{}))
}

func (s *serverProcess) stopProfile() error { return s.ask("stop-profile", new(struct{})) }

// close ends the server process and waits for it.
func (s *serverProcess) close() {
	s.in.Close()
	_ = s.cmd.Wait()
}

// cmdServer is the server process of `famigraph-bench overload` and
// `http`: it serves on loopback as `famigraph serve` wires it (or, with
// --floor, a plain handler writing a file's bytes), writes "url URL BOUND"
// (its admission bound, or none), then answers the commands of its standard
// input (begin, end, heap, profile PATH, stop-profile), one JSON line each,
// until its input ends.
func cmdServer(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("server", "", stderr)
	var c common
	c.register(fs, 0)
	cacheBytes := fs.Int64("response-cache", 0, "the server's response cache in bytes (0: none)")
	floor := fs.String("floor", "", "serve this file's bytes to every request with a plain handler (the floor of `famigraph-bench http`) rather than the server")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	p := &localProbe{}
	defer p.stopProfile()
	c.wrap = p.handler
	var srv *server
	var err error
	if *floor != "" {
		var want []byte
		if want, err = os.ReadFile(*floor); err == nil {
			srv, err = listen(p.handler(floorHandler(want)))
		}
	} else {
		srv, err = c.serve(*cacheBytes, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench server: %v\n", err)
		return 1
	}
	defer srv.close()
	// As serve: a processor for the network when the bound leaves one free.
	if httpapi.ReserveProcessor(srv.inFlight) {
		fmt.Fprintf(stderr, "famigraph: a processor reserved for the network: GOMAXPROCS %d, %d executing at once\n", runtime.GOMAXPROCS(0), srv.inFlight)
	}
	fmt.Fprintf(stdout, "url %s %s\n", srv.url, inFlightDesc(srv.inFlight))
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(sc.Text(), " ")
		var v any = struct{}{}
		var err error
		switch cmd {
		case "begin":
			err = p.begin()
		case "end":
			v, err = p.end()
		case "heap":
			v, err = p.heap()
		case "profile":
			var path string
			if path, err = strconv.Unquote(arg); err == nil {
				err = p.startProfile(path)
			}
		case "stop-profile":
			err = p.stopProfile()
		default:
			err = fmt.Errorf("unknown command %q", cmd)
		}
		if err != nil {
			fmt.Fprintf(stdout, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		b, _ := json.Marshal(v)
		fmt.Fprintf(stdout, "%s\n", b)
	}
	return 0
}

// serverArgs are the flags that start, in a server process, the server c
// and cacheBytes describe.
func (c *common) serverArgs(cacheBytes int64) []string {
	return []string{"--seed", c.seedDir, "--scale", strconv.Itoa(c.scale), "--wait", c.wait.String(),
		"--log-level", c.logLevel, "--metrics=" + strconv.FormatBool(c.metrics),
		"--max-in-flight", strconv.Itoa(c.inFlight), "--max-queue", strconv.Itoa(c.queue),
		"--max-queue-wait", c.queueWait.String(), "--response-cache", strconv.FormatInt(cacheBytes, 10)}
}
