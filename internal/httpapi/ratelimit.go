package httpapi

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"golang.org/x/time/rate"
)

// RateLimit is a per-client token bucket: Rate requests per second with
// bursts of Burst. A zero Rate disables it.
type RateLimit struct {
	Rate  float64
	Burst int
}

// clientLimiter keeps one bucket per client address and forgets clients idle
// for longer than idle; it keeps at most maxClients.
type clientLimiter struct {
	cfg     RateLimit
	idle    time.Duration
	max     int
	mu      sync.Mutex
	clients map[string]*client
	sweep   time.Time
	now     func() time.Time
}

type client struct {
	limiter *rate.Limiter
	seen    time.Time
}

func newClientLimiter(cfg RateLimit) *clientLimiter {
	if cfg.Burst < 1 {
		cfg.Burst = max(1, int(math.Ceil(cfg.Rate)))
	}
	return &clientLimiter{cfg: cfg, idle: 5 * time.Minute, max: 100000, clients: map[string]*client{}, now: time.Now}
}

// allow takes a token from the client's bucket, or says how long to wait.
func (l *clientLimiter) allow(addr string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.idle {
		for k, c := range l.clients {
			if now.Sub(c.seen) > l.idle {
				delete(l.clients, k)
			}
		}
		l.sweep = now
	}
	c := l.clients[addr]
	if c == nil && len(l.clients) >= l.max {
		// Full of clients seen within the idle time: forget a tenth, at
		// random (map order), rather than grow without bound.
		n := l.max / 10
		for k := range l.clients {
			delete(l.clients, k)
			if n--; n <= 0 {
				break
			}
		}
	}
	if c == nil {
		c = &client{limiter: rate.NewLimiter(rate.Limit(l.cfg.Rate), l.cfg.Burst)}
		l.clients[addr] = c
	}
	c.seen = now
	r := c.limiter.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// clientKey identifies the client of a request for rate limiting and logs:
// its address as the client-IP middleware found it, IPv6 addresses by their
// /64 (one host usually holds a whole /64), "unknown" when there is none.
func clientKey(r *http.Request) string {
	ip := middleware.GetClientIPAddr(r.Context())
	switch {
	case !ip.IsValid():
		return "unknown"
	case ip.Is6():
		return netip.PrefixFrom(ip, 64).Masked().String()
	}
	return ip.String()
}

// middleware refuses requests beyond the client's rate with 429 and
// Retry-After.
func (l *clientLimiter) middleware(rejected func(string)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ok, wait := l.allow(clientKey(r)); !ok {
				rejected("rate_limited")
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				writeError(w, responseMediaType(r), http.StatusTooManyRequests, CodeRateLimited, "too many requests: slow down")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
