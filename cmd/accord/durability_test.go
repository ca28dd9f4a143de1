package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/store"
)

// This file holds the SIGKILL durability test and the pieces it shares
// with the comment benchmarks (load_bench_test.go): the real accord binary
// built with `go build`, run as a child process on a data folder that the
// test prepared through the store, and clients posting comments with API
// tokens over loopback.

// buildAccord builds the accord binary into a temporary folder and returns
// its path.
func buildAccord(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "accord")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/accord")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/accord: %v\n%s", err, out)
	}
	return bin
}

// commentSite is a data folder with a document under an open consultation
// (post-moderation, so comments are approved at once) and stakeholders
// with complete profiles and API tokens.
type commentSite struct {
	data       string
	slug       string
	paragraphs []string // the pids of the consulted version's paragraphs
	tokens     []string // one per stakeholder
	editor     string   // an API token of the editor
}

// setupCommentSite prepares data through the store, as the server would
// find it after members had set it up: the shipped content, an editor,
// a document of paragraphs paragraphs under the open consultation
// "durability", stakeholders accounts with tokens, and approved comments
// already posted (spread over the paragraphs, from the stakeholders in
// turn).
func setupCommentSite(t testing.TB, data string, paragraphs, stakeholders, approved int) commentSite {
	t.Helper()
	ctx := context.Background()
	db, err := openData(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatal(err)
	}
	editor, err := db.CreateUser(ctx, store.User{Email: "editor@example.org", Name: "Eddie Editor", Organisation: "WG",
		StakeholderGroup: "other", Country: "FR", Role: "editor"}, "")
	if err != nil {
		t.Fatal(err)
	}
	asEditor := store.WithActor(ctx, store.Actor{UserID: editor.ID, Email: editor.Email})
	editorToken, err := db.CreateToken(ctx, editor.ID, "load", time.Time{})
	if err != nil {
		t.Fatal(err)
	}

	site := commentSite{data: data, slug: "durability", editor: editorToken}
	v := store.NewVersion{NextParagraph: paragraphs + 2}
	v.Paragraphs = append(v.Paragraphs, store.Paragraph{ID: "p1", Section: "1", Kind: "heading", Text: "1 Rules"})
	v.Source = "## 1 Rules\n\n"
	for i := range paragraphs {
		pid := fmt.Sprintf("p%d", i+2)
		text := fmt.Sprintf("Rule %d: devices shall be secure by default in respect %d.", i+1, i+1)
		v.Paragraphs = append(v.Paragraphs, store.Paragraph{ID: pid, Section: "1", Ordinal: i + 1, Kind: "paragraph",
			Text: text, HTML: "<p>" + text + "</p>", Position: i + 1})
		v.Source += text + "\n\n"
		v.HTML += "<p>" + text + "</p>"
		site.paragraphs = append(site.paragraphs, pid)
	}
	if _, err := db.CreateDocument(asEditor, store.Document{Slug: "durability-note", Title: "Durability note"}, v); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if _, err := db.CreateConsultation(asEditor, store.Consultation{Slug: site.slug, Title: "Durability round",
		Document: "durability-note", Version: 1, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour),
		Timezone: "UTC", Moderation: store.ModerationPost}); err != nil {
		t.Fatal(err)
	}
	var actors []context.Context
	for i := range stakeholders {
		u, err := db.CreateUser(ctx, store.User{Email: fmt.Sprintf("stakeholder%d@example.org", i),
			Name: fmt.Sprintf("Stakeholder %d", i), Organisation: fmt.Sprintf("Org %d", i),
			StakeholderGroup: store.StakeholderGroups[i%len(store.StakeholderGroups)], Country: "KE", Role: "stakeholder"}, "")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateToken(ctx, u.ID, "load", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		site.tokens = append(site.tokens, tok)
		actors = append(actors, store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email}))
	}
	// One goroutine per stakeholder, so that the comments share group
	// commits as they would from many clients.
	errs := make(chan error, len(actors))
	var wg sync.WaitGroup
	for a, as := range actors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := a; i < approved; i += len(actors) {
				body := fmt.Sprintf("Seeded comment %d: the rule should name the baseline it relies on.", i)
				if _, err := db.CreateComment(as, store.NewComment{Consultation: site.slug,
					Paragraph: site.paragraphs[i%len(site.paragraphs)], Type: store.CommentGeneral, Body: body,
					BodyHTML: "<p>" + body + "</p>", Display: store.DisplayAnonymous}, store.Limits{}, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("seed comments: %v", err)
	}
	return site
}

// child is `accord serve` running as a separate process.
type child struct {
	cmd  *exec.Cmd
	base string // "http://127.0.0.1:PORT/"
	log  string // the file holding its standard error
	done chan error
}

// startChild starts bin serve on a free loopback port with the data folder
// and extra flags, and waits until it serves. Its standard error goes to a
// file (see child.log); the process is killed when the test ends if it is
// still running.
func startChild(t testing.TB, bin, data string, extra ...string) *child {
	t.Helper()
	logFile, err := os.CreateTemp(t.TempDir(), "accord-stderr-*.log")
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn"}, extra...)
	cmd := exec.Command(bin, args...)
	// The test's own ACCORD_* variables must not leak in.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ACCORD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	c := &child{cmd: cmd, log: logFile.Name(), done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				break
			}
		}
		io.Copy(io.Discard, out)
		c.done <- cmd.Wait()
		logFile.Close()
	}()
	t.Cleanup(func() { c.kill() })
	select {
	case c.base = <-addr:
		return c
	case err := <-c.done:
		c.done <- err
		t.Fatalf("accord serve exited before serving: %v\n%s", err, c.stderr())
	case <-time.After(60 * time.Second):
		t.Fatalf("accord serve did not start within 60 s\n%s", c.stderr())
	}
	return nil
}

// kill sends SIGKILL, the way a crash or the OOM killer ends a process:
// no handler runs, nothing is flushed. It waits until the process is gone.
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	err := <-c.done
	c.done <- err
}

// stderr returns what the process wrote to standard error so far.
func (c *child) stderr() string {
	b, _ := os.ReadFile(c.log)
	return string(b)
}

// newLoadClient is an HTTP client for many concurrent clients to one
// server: enough idle connections that each keeps its own.
func newLoadClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
}

// postComment posts one comment with an API token and returns the id the
// server acknowledged with 201, or the status it answered instead.
func postComment(client *http.Client, base, slug, token, pid, body string) (id int64, status int, err error) {
	payload, _ := json.Marshal(map[string]any{"paragraph": pid, "type": "general", "body": body, "display": "anonymous"})
	req, err := http.NewRequest(http.MethodPost, base+"api/v1/consultations/"+slug+"/comments", bytes.NewReader(payload))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, resp.StatusCode, fmt.Errorf("POST comment: %d %s", resp.StatusCode, bytes.TrimSpace(raw[:min(len(raw), 300)]))
	}
	var out struct {
		Comment struct {
			ID int64 `json:"id"`
		} `json:"comment"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Comment.ID == 0 {
		return 0, resp.StatusCode, fmt.Errorf("POST comment: 201 without a comment id: %s", raw)
	}
	return out.Comment.ID, resp.StatusCode, nil
}

// sendJSON sends body as JSON with an API token and returns the status and
// the answer; status 0 means no answer came (the server was killed).
func sendJSON(client *http.Client, method, url, token string, body any) (status int, raw []byte, err error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err = io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// durabilityTrials is how many times the test kills the server mid-load:
// the E2E stage's 20 trials (DECISIONS.md, section 7), about 1.5 s of load
// each.
const durabilityTrials = 20

// ackedPolicy is a policy as a write the server acknowledged left it.
type ackedPolicy struct{ title, summary string }

// ackedDocument is a document as a write the server acknowledged left it:
// its title and its newest version's number, body and note.
type ackedDocument struct {
	title      string
	version    int
	body, note string
}

// ledger records, per object, the last write the server acknowledged and
// the one it was sent but never answered (in flight at the kill), which
// may or may not have committed. Each writer has one object at a time and
// stops at its first unanswered request, so one unanswered write per
// object is all there can be.
type ledger[K comparable, V comparable] struct {
	mu       sync.Mutex
	acked    map[K]V
	inFlight map[K]V
	writes   int // acknowledged, all objects together
}

func newLedger[K comparable, V comparable]() *ledger[K, V] {
	return &ledger[K, V]{acked: map[K]V{}, inFlight: map[K]V{}}
}

func (l *ledger[K, V]) ack(k K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acked[k] = v
	l.writes++
}

func (l *ledger[K, V]) unanswered(k K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight[k] = v
}

// allows reports whether got is what the database may hold for k: the
// last acknowledged write, or the unanswered one sent after it.
func (l *ledger[K, V]) allows(k K, got V) bool {
	if got == l.acked[k] {
		return true
	}
	v, ok := l.inFlight[k]
	return ok && got == v
}

// TestSIGKILLKeepsAcknowledgedWrites runs concurrent clients with API
// tokens against the real server: stakeholders posting comments, editors
// creating and updating policies, editors creating documents and saving
// new versions of them, and `accord import` adding policies from another
// process. It kills the server with SIGKILL while they write,
// 20 times, and after each kill checks that
//   - every write the server acknowledged (201 or 200) is in the database
//     with the exact values sent; a write in flight at the kill may or may
//     not be there, and the test does not mind which;
//   - PRAGMA integrity_check says ok;
//   - the search index, once opened and caught up as the next start of
//     the server does it (search.Open, then CatchUp, Follow's first
//     step), holds exactly what the database holds: one record per
//     policy and provision, the blocks of the version of each document
//     that search shows, one per approved comment, with the policies'
//     titles and the documents' version numbers as stored.
//
// The server answers only after its transaction committed, so nothing
// acknowledged may be lost. Runs in the E2E stage.
func TestSIGKILLKeepsAcknowledgedWrites(t *testing.T) {
	requireE2E(t)
	const commenters, policyWriters, documentWriters = 12, 2, 2
	bin := buildAccord(t)
	data := t.TempDir()
	site := setupCommentSite(t, data, 8, commenters, 0)
	client := newLoadClient(commenters + policyWriters + documentWriters)
	var totals [4]int
	for trial := range durabilityTrials {
		srv := startChild(t, bin, data, "--comment-rate", "0", "--comment-rate-ip", "0")
		comments := newLedger[int64, string]()
		policies := newLedger[string, ackedPolicy]()
		documents := newLedger[string, ackedDocument]()
		imports := newLedger[string, ackedPolicy]()
		var mu sync.Mutex
		var refusals []string
		refused := func(what string, status int, raw []byte) {
			mu.Lock()
			defer mu.Unlock()
			refusals = append(refusals, fmt.Sprintf("%s: %d %s", what, status, bytes.TrimSpace(raw[:min(len(raw), 300)])))
		}
		stop := make(chan struct{})
		stopped := func() bool {
			select {
			case <-stop:
				return true
			default:
				return false
			}
		}
		var wg sync.WaitGroup
		for i := range commenters {
			wg.Go(func() {
				for n := 0; !stopped(); n++ {
					body := fmt.Sprintf("Trial %d, client %d, comment %d.", trial, i, n)
					id, status, err := postComment(client, srv.base, site.slug, site.tokens[i], site.paragraphs[n%len(site.paragraphs)], body)
					switch {
					case err == nil:
						comments.ack(id, body)
					case status != 0:
						// An answer other than 201 before the kill is a
						// failure of the test's setup, not of durability.
						refused("comment", status, []byte(err.Error()))
						return
					default:
						return
					}
				}
			})
		}
		// Each policy is created with POST, then updated with PUT.
		for i := range policyWriters {
			wg.Go(func() {
				for n := 0; !stopped(); n++ {
					slug := fmt.Sprintf("durability-%d-%d-%d", trial, i, n/2)
					want := ackedPolicy{title: fmt.Sprintf("Durability policy %d/%d/%d", trial, i, n/2),
						summary: fmt.Sprintf("Created in trial %d by writer %d.", trial, i)}
					method, url, ok := http.MethodPost, srv.base+"api/v1/policies", http.StatusCreated
					if n%2 == 1 {
						want = ackedPolicy{title: want.title + ", revised", summary: fmt.Sprintf("Updated in trial %d by writer %d.", trial, i)}
						method, url, ok = http.MethodPut, srv.base+"api/v1/policies/"+slug, http.StatusOK
					}
					status, raw, _ := sendJSON(client, method, url, site.editor, map[string]any{"slug": slug, "title": want.title,
						"summary": want.summary, "jurisdictions": []string{"GB"}, "type": "law"})
					switch status {
					case ok:
						policies.ack(slug, want)
					case 0:
						policies.unanswered(slug, want)
						return
					default:
						refused(method+" policy "+slug, status, raw)
						return
					}
				}
			})
		}
		// Each writer creates one document, then saves versions of it,
		// each adding a paragraph (so that each version's blocks differ).
		for i := range documentWriters {
			wg.Go(func() {
				slug := fmt.Sprintf("durability-doc-%d-%d", trial, i)
				title := fmt.Sprintf("Durability document %d/%d", trial, i)
				body := "## Scope\n\n"
				for n := 1; !stopped(); n++ {
					body += fmt.Sprintf("Paragraph %d, written for version %d in trial %d.\n\n", n, n, trial)
					want := ackedDocument{title: title, version: n, body: body, note: fmt.Sprintf("Version %d.", n)}
					var status int
					var raw []byte
					if n == 1 {
						status, raw, _ = sendJSON(client, http.MethodPost, srv.base+"api/v1/documents", site.editor,
							map[string]any{"slug": slug, "title": title, "summary": "A note on durability.", "body": body, "note": want.note})
					} else {
						status, raw, _ = sendJSON(client, http.MethodPost, srv.base+"api/v1/documents/"+slug+"/versions", site.editor,
							map[string]any{"body": body, "note": want.note, "base": n - 1})
					}
					switch status {
					case http.StatusCreated:
						documents.ack(slug, want)
					case 0:
						documents.unanswered(slug, want)
						return
					default:
						refused(fmt.Sprintf("document %s version %d", slug, n), status, raw)
						return
					}
				}
			})
		}
		// `accord import` of a JSON file of one policy, run while the
		// server serves: a write from another process, which the server's
		// index follows through the changes feed. The server's kill does
		// not stop it, so the import under way finishes.
		wg.Go(func() {
			for n := 0; !stopped(); n++ {
				slug := fmt.Sprintf("durability-import-%d-%d", trial, n)
				want := ackedPolicy{title: fmt.Sprintf("Imported policy %d/%d", trial, n), summary: fmt.Sprintf("Imported in trial %d.", trial)}
				raw, _ := json.Marshal([]map[string]any{{"slug": slug, "title": want.title, "summary": want.summary,
					"jurisdictions": []string{"GB"}, "type": "law"}})
				file := filepath.Join(t.TempDir(), slug+".json")
				if err := os.WriteFile(file, raw, 0o600); err != nil {
					refused("write the import file", 0, []byte(err.Error()))
					return
				}
				if out, err := exec.Command(bin, "import", "--data", data, file).CombinedOutput(); err != nil {
					refused("accord import "+slug, 0, append([]byte(err.Error()+": "), out...))
					return
				}
				imports.ack(slug, want)
			}
		})
		time.Sleep(1500 * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
		if len(refusals) > 0 {
			t.Fatalf("trial %d: the server refused writes (%d), first: %s\nserver log:\n%s", trial, len(refusals), refusals[0], srv.stderr())
		}
		// A busy machine may let a trial end before a slow writer's
		// first answer; the totals below must have some of each kind.
		if comments.writes+policies.writes+documents.writes == 0 {
			t.Fatalf("trial %d: the server acknowledged no write in 1.5 s\nserver log:\n%s", trial, srv.stderr())
		}

		// The process is gone; open its database as the next start would.
		ctx := context.Background()
		db, err := store.Open(ctx, dbPath(data))
		if err != nil {
			t.Fatalf("trial %d: open the database after SIGKILL: %v", trial, err)
		}
		lost := 0
		for id, body := range comments.acked {
			m, err := db.Comment(ctx, id)
			if err != nil || m.Body != body {
				lost++
				t.Errorf("trial %d: acknowledged comment %d: got %q, %v; want body %q", trial, id, m.Body, err, body)
			}
		}
		for _, l := range []*ledger[string, ackedPolicy]{policies, imports} {
			for slug := range l.acked {
				p, err := db.Policy(ctx, slug)
				got := ackedPolicy{title: p.Title, summary: p.Summary}
				if err != nil || !l.allows(slug, got) || strings.Join(p.Jurisdictions, ",") != "GB" || p.Type != "law" {
					lost++
					t.Errorf("trial %d: acknowledged policy %s: got %+v (%v, %q), %v; want %+v", trial, slug, got, p.Jurisdictions, p.Type, err, l.acked[slug])
				}
			}
		}
		for slug := range documents.acked {
			d, err := db.Document(ctx, slug)
			var v store.Version
			if err == nil {
				v, err = db.Version(ctx, slug, d.Latest)
			}
			got := ackedDocument{title: d.Title, version: d.Latest, body: v.Source, note: v.Note}
			if err != nil || !documents.allows(slug, got) || v.Number != d.Latest {
				lost++
				t.Errorf("trial %d: acknowledged document %s: got %+v, %v; want %+v", trial, slug, got, err, documents.acked[slug])
			}
		}
		if lost > 0 {
			db.Close()
			t.Fatalf("trial %d: %d acknowledged writes lost or changed after SIGKILL", trial, lost)
		}
		if err := integrityCheck(data); err != nil {
			db.Close()
			t.Fatalf("trial %d: %v", trial, err)
		}
		if err := indexMatchesDatabase(ctx, data, db); err != nil {
			db.Close()
			t.Fatalf("trial %d: %v\nserver log:\n%s", trial, err, srv.stderr())
		}
		db.Close()
		totals[0] += comments.writes
		totals[1] += policies.writes
		totals[2] += documents.writes
		totals[3] += imports.writes
		t.Logf("trial %d: %d comments, %d policy writes, %d document versions acknowledged, %d imports done, all found after SIGKILL; index matches",
			trial, comments.writes, policies.writes, documents.writes, imports.writes)
	}
	if slices.Contains(totals[:], 0) {
		t.Errorf("in %d trials: %d comments, %d policy writes, %d document versions, %d imports; want some of each", durabilityTrials, totals[0], totals[1], totals[2], totals[3])
	}
	t.Logf("%d trials: %d comments, %d policy writes (creations and updates), %d document versions (firsts included) acknowledged, %d imports done, none lost; the index matched the database every time",
		durabilityTrials, totals[0], totals[1], totals[2], totals[3])
}

// integrityCheck runs PRAGMA integrity_check on the data folder's
// database through a connection of its own.
func integrityCheck(data string) error {
	conn, err := sql.Open("sqlite", "file:"+filepath.ToSlash(dbPath(data))+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer conn.Close()
	rows, err := conn.Query("PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		return fmt.Errorf("PRAGMA integrity_check: %s", strings.Join(lines, "; "))
	}
	return nil
}

// indexMatchesDatabase opens the data folder's search index and brings it
// up to date the way `accord serve` does at start, closes it, then reads
// every record of it and compares them with what the database holds: the
// records' ids, the policies' and provisions' titles and the version
// number of each document block.
func indexMatchesDatabase(ctx context.Context, data string, db *store.DB) error {
	ix, err := search.Open(indexPath(data), db, nil)
	if err != nil {
		return fmt.Errorf("open the search index after SIGKILL: %w", err)
	}
	err = ix.CatchUp(ctx)
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("catch the search index up: %w", err)
	}
	want, err := expectedRecords(ctx, data, db)
	if err != nil {
		return err
	}
	got, err := indexedRecords(indexPath(data))
	if err != nil {
		return err
	}
	var diffs []string
	for id, w := range want {
		if g, ok := got[id]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s missing from the index", id))
		} else if g != w {
			diffs = append(diffs, fmt.Sprintf("%s: index has %q, database %q", id, g, w))
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s in the index, not in the database", id))
		}
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		return fmt.Errorf("the search index differs from the database (%d records in the index, %d expected) in %d records, first: %s",
			len(got), len(want), len(diffs), strings.Join(diffs[:min(len(diffs), 10)], "; "))
	}
	return nil
}

// expectedRecords is what the index should hold, by record id, with the
// stored field compared: a policy's or provision's title, a document
// block's version number, nothing for a comment. Which version of a
// document is indexed follows search's rule: the latest published one if
// the public may read it, else the newest.
func expectedRecords(ctx context.Context, data string, db *store.DB) (map[string]string, error) {
	conn, err := sql.Open("sqlite", "file:"+filepath.ToSlash(dbPath(data))+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	want := map[string]string{}
	rows := func(q string, each func(*sql.Rows) error) error {
		r, err := conn.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		defer r.Close()
		for r.Next() {
			if err := each(r); err != nil {
				return err
			}
		}
		return r.Err()
	}
	if err := rows(`SELECT slug, title FROM policies`, func(r *sql.Rows) error {
		var slug, title string
		err := r.Scan(&slug, &title)
		want[search.KindPolicy+":"+slug] = title
		return err
	}); err != nil {
		return nil, err
	}
	if err := rows(`SELECT p.slug, v.ref, v.title FROM provisions v JOIN policies p ON p.id = v.policy_id`, func(r *sql.Rows) error {
		var slug, ref, title string
		err := r.Scan(&slug, &ref, &title)
		want[search.KindProvision+":"+slug+"#"+ref] = title
		return err
	}); err != nil {
		return nil, err
	}
	if err := rows(`SELECT id FROM comments WHERE state = 'approved'`, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		want[fmt.Sprintf("%s:%d", search.KindComment, id)] = ""
		return err
	}); err != nil {
		return nil, err
	}
	// Every framework item is a record of its own ("item:framework#code").
	if err := rows(`SELECT f.slug, i.code FROM items i JOIN frameworks f ON f.id = i.framework_id`, func(r *sql.Rows) error {
		var slug, code string
		err := r.Scan(&slug, &code)
		want[search.KindItem+":"+slug+"#"+code] = ""
		return err
	}); err != nil {
		return nil, err
	}
	var docs []string
	if err := rows(`SELECT slug FROM documents`, func(r *sql.Rows) error {
		var slug string
		err := r.Scan(&slug)
		docs = append(docs, slug)
		return err
	}); err != nil {
		return nil, err
	}
	for _, slug := range docs {
		_, v, err := db.PublicVersion(ctx, slug)
		if errors.Is(err, store.ErrNotFound) {
			var d store.Document
			if d, err = db.Document(ctx, slug); err == nil && d.Latest == 0 {
				continue
			} else if err == nil {
				v, err = db.Version(ctx, slug, d.Latest)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("document %s: %w", slug, err)
		}
		for _, p := range v.Paragraphs {
			if strings.TrimSpace(p.Text) != "" {
				want[search.KindDocument+":"+slug+"#"+p.ID] = strconv.Itoa(v.Number)
			}
		}
	}
	return want, nil
}

// indexedRecords reads every record of the index at dir, opened read-only,
// by id, with the field expectedRecords compares.
func indexedRecords(dir string) (map[string]string, error) {
	bi, err := bleve.OpenUsing(dir, map[string]any{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("open the search index read-only: %w", err)
	}
	defer bi.Close()
	got := map[string]string{}
	const page = 5000
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, from, false)
		req.SortBy([]string{"_id"})
		req.Fields = []string{"title", "version"}
		res, err := bi.Search(req)
		if err != nil {
			return nil, fmt.Errorf("list the search index: %w", err)
		}
		for _, h := range res.Hits {
			kind, _, _ := strings.Cut(h.ID, ":")
			field := ""
			switch kind {
			case search.KindPolicy, search.KindProvision:
				field = "title"
			case search.KindDocument:
				field = "version"
			}
			v, _ := h.Fields[field].(string)
			got[h.ID] = v
		}
		if len(res.Hits) < page {
			return got, nil
		}
	}
}
