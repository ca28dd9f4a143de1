package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
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

	site := commentSite{data: data, slug: "durability"}
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

// durabilityTrials is how many times the test kills the server mid-load:
// the E2E stage's 20 trials (DECISIONS.md, section 7), about 1.5 s of load
// each.
const durabilityTrials = 20

// TestSIGKILLKeepsAcknowledgedComments posts comments from 16 concurrent
// clients with API tokens to the real server, kills it with SIGKILL while
// they post, and checks that every comment the server acknowledged with
// 201 is in the database afterwards, with the body that was sent. The
// server answers 201 only after its transaction committed, so nothing
// acknowledged may be lost; comments in flight at the kill may or may not
// be there, and the test does not mind. Runs in the E2E stage.
func TestSIGKILLKeepsAcknowledgedComments(t *testing.T) {
	requireE2E(t)
	const clients = 16
	bin := buildAccord(t)
	data := t.TempDir()
	site := setupCommentSite(t, data, 8, clients, 0)
	client := newLoadClient(clients)
	total := 0
	for trial := range durabilityTrials {
		srv := startChild(t, bin, data, "--comment-rate", "0", "--comment-rate-ip", "0")
		var mu sync.Mutex
		acked := map[int64]string{}
		var refusals []string
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					body := fmt.Sprintf("Trial %d, client %d, comment %d.", trial, i, n)
					id, status, err := postComment(client, srv.base, site.slug, site.tokens[i], site.paragraphs[n%len(site.paragraphs)], body)
					mu.Lock()
					switch {
					case err == nil:
						acked[id] = body
					case status != 0:
						// An answer other than 201 before the kill is a
						// failure of the test's setup, not of durability.
						refusals = append(refusals, err.Error())
					}
					mu.Unlock()
					if status != 0 && err != nil {
						return
					}
				}
			}()
		}
		time.Sleep(1500 * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
		if len(refusals) > 0 {
			t.Fatalf("trial %d: the server refused comments (%d), first: %s\nserver log:\n%s", trial, len(refusals), refusals[0], srv.stderr())
		}
		if len(acked) == 0 {
			t.Fatalf("trial %d: no comment was acknowledged in 1.5 s\nserver log:\n%s", trial, srv.stderr())
		}

		// The process is gone; open its database as the next start would.
		db, err := store.Open(context.Background(), dbPath(data))
		if err != nil {
			t.Fatalf("trial %d: open the database after SIGKILL: %v", trial, err)
		}
		lost := 0
		for id, body := range acked {
			m, err := db.Comment(context.Background(), id)
			if err != nil || m.Body != body {
				lost++
				if lost <= 5 {
					t.Errorf("trial %d: acknowledged comment %d: got %q, %v; want body %q", trial, id, m.Body, err, body)
				}
			}
		}
		db.Close()
		if lost > 0 {
			t.Fatalf("trial %d: %d of %d acknowledged comments lost after SIGKILL", trial, lost, len(acked))
		}
		total += len(acked)
		t.Logf("trial %d: %d comments acknowledged, all found after SIGKILL", trial, len(acked))
	}
	t.Logf("%d trials, %d acknowledged comments, none lost", durabilityTrials, total)
}
