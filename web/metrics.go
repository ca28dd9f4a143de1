package web

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series the server exports, in a registry of
// its own (no global default registry).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "accord_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "accord_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Register adds more collectors, such as the search index's.
func (m *metrics) Register(cs ...prometheus.Collector) { m.reg.MustRegister(cs...) }

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Answer now, so the status counted is the one sent; the error
			// handler does nothing for an answer already committed.
			c.Error(err)
		}
		route := c.Path() // the pattern, so that slugs do not explode the series
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		method := c.Request().Method
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodPatch:
		default:
			method = "OTHER" // any string is a method; labels must stay few
		}
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// metricsGuard lets only loopback and the configured ranges read /metrics
// on the main listener: the series name every route and the process's
// memory, which is no one else's business. The others get the 404 of an
// unknown page, so the route is not advertised. The address is the
// client's as the IP extractor sees it (X-Real-IP only from a trusted
// proxy): a reverse proxy on the same machine, once trusted, passes on its
// clients' addresses, so it does not make every visitor loopback.
func (s *Server) metricsGuard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ip := net.ParseIP(c.RealIP())
		if ip == nil {
			return echo.ErrNotFound
		}
		if ip.IsLoopback() {
			return next(c)
		}
		for _, n := range s.metricsAllow {
			if n.Contains(ip) {
				return next(c)
			}
		}
		return echo.ErrNotFound
	}
}
