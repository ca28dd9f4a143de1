package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/dc-isss/accord/web/mail"
)

// deliverEvery is how often the server looks for mail to send.
const deliverEvery = 30 * time.Second

// tickEvery is how often the server does its scheduled work, such as
// telling subscribers that a consultation opened: a consultation's opening
// is announced at most this long after its time.
const tickEvery = 30 * time.Second

// openData creates the data folder if needed and opens its database,
// applying migrations.
func openData(ctx context.Context, data string) (*store.DB, error) {
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	return store.Open(ctx, dbPath(data))
}

func serve(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "serve", "serve [--addr 127.0.0.1:8080] [--data ./data]")
	addr := fs.String("addr", envOr(e, "ACCORD_ADDR", "127.0.0.1:8080"), "address to listen on (env ACCORD_ADDR)")
	logLevel := fs.String("log-level", envOr(e, "ACCORD_LOG_LEVEL", "info"), "debug, info, warn or error (env ACCORD_LOG_LEVEL)")
	proxies := fs.String("trusted-proxy", envOr(e, "ACCORD_TRUSTED_PROXY", ""),
		"comma-separated addresses or CIDR ranges of reverse proxies whose X-Real-IP and X-Forwarded-Proto are believed (env ACCORD_TRUSTED_PROXY)")
	baseURL := fs.String("base-url", envOr(e, "ACCORD_BASE_URL", ""),
		"public address of the site, such as https://accord.example.org, for every absolute URL (feeds, sitemap, mail links); default http:// and the listening address (env ACCORD_BASE_URL)")
	smtpURL := fs.String("smtp-url", envOr(e, "ACCORD_SMTP_URL", ""),
		"mail server for notifications: smtp://user:pass@host:587?from=address (STARTTLS) or smtps://user:pass@host:465?from=address (TLS); empty keeps messages in the outbox unsent (env ACCORD_SMTP_URL)")
	commentRate := fs.String("comment-rate", envOr(e, "ACCORD_COMMENT_RATE", "20"),
		"comments one account may post per hour; 0 turns the limit off (env ACCORD_COMMENT_RATE)")
	commentRateIP := fs.String("comment-rate-ip", envOr(e, "ACCORD_COMMENT_RATE_IP", "200"),
		"comments one address may post per hour; 0 turns the limit off (env ACCORD_COMMENT_RATE_IP)")
	commentMin := fs.String("comment-min-seconds", envOr(e, "ACCORD_COMMENT_MIN_SECONDS", "3"),
		"least seconds between showing a comment form and its submission, HTML forms only; 0 turns the check off (env ACCORD_COMMENT_MIN_SECONDS)")
	metricsAddr := fs.String("metrics-addr", envOr(e, "ACCORD_METRICS_ADDR", ""),
		"address of a separate listener for /metrics, such as 127.0.0.1:9090; when set, the main listener has no /metrics (env ACCORD_METRICS_ADDR)")
	metricsAllow := fs.String("metrics-allow", envOr(e, "ACCORD_METRICS_ALLOW", ""),
		"comma-separated addresses or CIDR ranges, besides loopback, that may read /metrics on the main listener (env ACCORD_METRICS_ALLOW)")
	mfaEnv, _ := strconv.ParseBool(envOr(e, "ACCORD_REQUIRE_MFA", "false"))
	requireMFA := fs.Bool("require-mfa", mfaEnv,
		"editors and admins must enrol a second factor (TOTP) at their next sign-in and can do nothing else until they have; tokens need it too (env ACCORD_REQUIRE_MFA=1)")
	uploadLimit := fs.String("upload-limit", envOr(e, "ACCORD_UPLOAD_LIMIT", "8MB"),
		"largest import upload accepted, such as 8MB, 512KB or a number of bytes (env ACCORD_UPLOAD_LIMIT)")
	contactEmail := fs.String("contact-email", envOr(e, "ACCORD_CONTACT_EMAIL", ""),
		"address shown on /contact and /privacy for questions to whoever runs the site; the rest of the operator's privacy notice goes in privacy.md in the data folder (env ACCORD_CONTACT_EMAIL)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", pos)
	}
	if v := envOr(e, "ACCORD_REQUIRE_MFA", ""); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			return fmt.Errorf("ACCORD_REQUIRE_MFA: want true or false (1 or 0), got %q", v)
		}
	}
	base, err := parseBaseURL(*baseURL)
	if err != nil {
		return fmt.Errorf("--base-url: %w", err)
	}
	if *contactEmail != "" {
		a, err := netmail.ParseAddress(*contactEmail)
		if err != nil || a.Name != "" || a.Address != *contactEmail {
			return fmt.Errorf("--contact-email: want a bare address such as privacy@example.org, got %q", *contactEmail)
		}
	}
	var sender *mail.Sender
	if *smtpURL != "" {
		cfg, err := mail.ParseURL(*smtpURL)
		if err != nil {
			return fmt.Errorf("--smtp-url: %w", err)
		}
		if sender, err = mail.NewSender(cfg); err != nil {
			return fmt.Errorf("--smtp-url: %w", err)
		}
	}
	limits, err := commentLimits(*commentRate, *commentRateIP, *commentMin)
	if err != nil {
		return err
	}
	upload, err := parseSize(*uploadLimit)
	if err != nil {
		return fmt.Errorf("--upload-limit: %w", err)
	}
	trusted, err := parseProxies(*proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxy: %w", err)
	}
	allowed, err := parseProxies(*metricsAllow)
	if err != nil {
		return fmt.Errorf("--metrics-allow: %w", err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level}))

	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	bundle, err := content.ReadBundle(content.Builtin())
	if err != nil {
		return fmt.Errorf("read shipped content: %w", err)
	}
	loaded, err := content.Seed(ctx, db, bundle)
	if err != nil {
		return err
	}
	if loaded {
		log.Info("loaded shipped content", "policies", len(bundle.Policies), "frameworks", len(bundle.Frameworks))
	} else if err := noticePending(ctx, log, db, bundle); err != nil {
		return err
	}

	idx, err := search.Open(indexPath(*data), db, log)
	if err != nil {
		return err
	}
	defer idx.Close()
	vocab, err := loadSynonyms(*data)
	if err != nil {
		return err
	}
	idx.SetSynonyms(vocab)
	// The index follows the database's changes feed, so that writes from
	// this server and from other processes (accord import) reach search.
	followCtx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	go func() {
		if err := idx.Follow(followCtx); err != nil {
			log.Error("search index stopped following the database", "err", err)
		}
	}()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if base == "" {
		base = localBaseURL(ln.Addr())
	}
	app := web.NewServer(web.Deps{Store: db, Log: log, Search: idx, TrustedProxies: trusted, BaseURL: base, Mail: sender, Comments: limits,
		MetricsAllow: allowed, MetricsElsewhere: *metricsAddr != "", RequireMFA: *requireMFA, UploadLimit: upload,
		ContactEmail: *contactEmail, PrivacyFile: filepath.Join(*data, web.PrivacyFileName)})
	// Scheduled work (telling subscribers that a consultation opened) runs
	// beside the server and stops before the database closes.
	tickCtx, stopTicks := context.WithCancel(ctx)
	ticked := make(chan struct{})
	defer func() { stopTicks(); <-ticked }()
	go func() {
		defer close(ticked)
		app.Run(tickCtx, tickEvery)
	}()
	if sender != nil {
		// Stopped and waited for before the database closes (defers run
		// last-in first-out).
		deliverCtx, stopDeliver := context.WithCancel(ctx)
		delivered := make(chan struct{})
		defer func() { stopDeliver(); <-delivered }()
		go func() {
			defer close(delivered)
			mail.Deliver(deliverCtx, db, sender, log, deliverEvery)
		}()
		log.Info("sending mail", "server", sender.Addr())
	} else {
		log.Info("no --smtp-url: messages are kept in the outbox at /admin/outbox and not sent")
	}
	srv := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 2)
	if *metricsAddr != "" {
		// Before the main listener, so that a scrape never finds the
		// site up and its metrics missing.
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: listen on %s: %w", *metricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", app.MetricsHandler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
		defer msrv.Close()
		go func() { errc <- msrv.Serve(mln) }()
		fmt.Fprintf(e.stdout, "Metrics are served at http://%s/metrics\n", mln.Addr())
	}
	fmt.Fprintf(e.stdout, "Accord is serving at http://%s/ (data in %s)\n", ln.Addr(), *data)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// commentLimits reads the three comment limits, each a whole number, 0 or
// more, where 0 turns the limit off.
func commentLimits(perAccount, perIP, minSeconds string) (web.CommentLimits, error) {
	var out web.CommentLimits
	for _, f := range []struct {
		flag, value string
		dst         *int
	}{
		{"--comment-rate", perAccount, &out.PerAccount},
		{"--comment-rate-ip", perIP, &out.PerIP},
	} {
		n, err := strconv.Atoi(strings.TrimSpace(f.value))
		if err != nil || n < 0 {
			return out, fmt.Errorf("%s: %q is not a whole number of comments per hour (0 turns the limit off)", f.flag, f.value)
		}
		*f.dst = n
	}
	n, err := strconv.Atoi(strings.TrimSpace(minSeconds))
	if err != nil || n < 0 {
		return out, fmt.Errorf("--comment-min-seconds: %q is not a whole number of seconds (0 turns the check off)", minSeconds)
	}
	out.MinFormTime = time.Duration(n) * time.Second
	return out, nil
}

// parseProxies reads "10.0.0.1, 192.168.0.0/16, ::1" into address ranges;
// a bare address is a range of one.
func parseProxies(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			ip := net.ParseIP(part)
			if ip == nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR range", part)
			}
			bits := 128
			if ip.To4() != nil {
				bits = 32
			}
			part = fmt.Sprintf("%s/%d", part, bits)
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseBaseURL checks a --base-url: absolute http or https, with a host,
// and no credentials, query or fragment. The trailing slash is dropped, so
// paths can be appended. Empty stays empty.
func parseBaseURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL", s)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%q must start with https:// or http://", s)
	case u.Host == "":
		return "", fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return "", fmt.Errorf("%q must not carry a user or password", s)
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("%q must not have a query (?...)", s)
	case u.Fragment != "" || strings.HasSuffix(s, "#"):
		return "", fmt.Errorf("%q must not have a fragment (#...)", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// localBaseURL is the base URL when none is given: the address actually
// bound, so that links work on this machine. An unspecified address
// (0.0.0.0, ::) becomes localhost.
func localBaseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// parseSize reads a size such as 8MB, 8M, 512KB, 512K or 1048576 (bytes);
// K and M are 1024 and 1024².
func parseSize(v string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	t = strings.TrimSuffix(t, "B")
	switch {
	case strings.HasSuffix(t, "K"):
		mult, t = 1<<10, strings.TrimSuffix(t, "K")
	case strings.HasSuffix(t, "M"):
		mult, t = 1<<20, strings.TrimSuffix(t, "M")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size such as 8MB, 512KB or a number of bytes", v)
	}
	return n * mult, nil
}

// noticePending says in the log when this binary ships content that the
// database lacks, so that an operator upgrading knows to run content sync.
// It compares slugs and a fingerprint only: cheap enough for every start.
func noticePending(ctx context.Context, log *slog.Logger, db *store.DB, b content.Bundle) error {
	missing, changed, err := content.Pending(ctx, db, b)
	if err != nil {
		return fmt.Errorf("compare the shipped content with the database: %w", err)
	}
	switch {
	case len(missing) > 0:
		what := fmt.Sprintf("%d shipped instruments are", len(missing))
		if len(missing) == 1 {
			what = "1 shipped instrument is"
		}
		log.Warn(what+" not in this database; run `accord content sync`", "missing", len(missing))
	case changed:
		log.Info("the shipped content changed since this database was loaded or last synced; " +
			"run `accord content sync --dry-run` to see what a sync would update")
	}
	return nil
}
