package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

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
	commentRate := fs.String("comment-rate", envOr(e, "ACCORD_COMMENT_RATE", "20"),
		"comments one account may post per hour; 0 turns the limit off (env ACCORD_COMMENT_RATE)")
	commentRateIP := fs.String("comment-rate-ip", envOr(e, "ACCORD_COMMENT_RATE_IP", "200"),
		"comments one address may post per hour; 0 turns the limit off (env ACCORD_COMMENT_RATE_IP)")
	commentMin := fs.String("comment-min-seconds", envOr(e, "ACCORD_COMMENT_MIN_SECONDS", "3"),
		"least seconds between showing a comment form and its submission, HTML forms only; 0 turns the check off (env ACCORD_COMMENT_MIN_SECONDS)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", pos)
	}
	limits, err := commentLimits(*commentRate, *commentRateIP, *commentMin)
	if err != nil {
		return err
	}
	trusted, err := parseProxies(*proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxy: %w", err)
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
	}

	idx, err := search.Open(indexPath(*data), db, log)
	if err != nil {
		return err
	}
	defer idx.Close()
	// The index follows the database's changes feed, so that writes from
	// this server and from other processes (accord import) reach search.
	followCtx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	go func() {
		if err := idx.Follow(followCtx); err != nil {
			log.Error("search index stopped following the database", "err", err)
		}
	}()

	handler := web.New(web.Deps{Store: db, Log: log, Search: idx, TrustedProxies: trusted, Comments: limits})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(e.stdout, "Accord is serving at http://%s/ (data in %s)\n", ln.Addr(), *data)
	errc := make(chan error, 1)
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
