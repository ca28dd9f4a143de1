// Command accord runs the Accord web application and its maintenance
// commands: serve, import, export, content, reindex, backup, user and token.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "accord:", err)
		os.Exit(1)
	}
}

const usage = `Accord: a knowledge base of IoT security policies, with drafting, consultation and publishing.

Usage:
  accord serve [--addr 127.0.0.1:8080] [--data ./data]   run the web application
%s
Every command takes --data DIR (env ACCORD_DATA, default ./data). Run "accord COMMAND --help" for its flags.
`

// command is one subcommand: its one-line synopsis and what it does.
type command struct {
	synopsis string
	run      func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets from the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"", serve},
		"reindex": {"accord reindex [--data ./data]                          rebuild the search index from the database", reindex},
		"import":  {"accord import FILE...                                  import policies from .csv, .json, .md or .zip files", importCmd},
		"export": {"accord export --format json|csv|markdown [--out PATH]  export every policy (markdown: a zip of .md files)\n" +
			"  accord export --site DIR --base-url URL [--force]      write every public page into DIR as a static site", exportCmd},
		"user": {"accord user add EMAIL --role ROLE [--password-stdin]   create an account\n" +
			"  accord user password EMAIL [--password-stdin]          set a new password; ends sessions, revokes tokens\n" +
			"  accord user role EMAIL ROLE | disable EMAIL | enable EMAIL", userCmd},
		"token": {"accord token create EMAIL [--name NAME] [--require-mfa] print a new API token, once", tokenCmd},
		"resolution": {"accord resolution import SLUG FILE [--apply]           check a filled resolution table (.csv or .xlsx) and print\n" +
			"                                                         its changes; --apply gives the dispositions", resolutionCmd},
		"keys": {"accord keys rotate [--which csrf|unsubscribe|formtime|all]\n" +
			"                                                         replace signing keys in the database, then restart serve", keysCmd},
		"content": {"accord content sync [--dry-run]                        add the shipped content this data folder lacks and update\n" +
			"                                                         what no member edited; --dry-run only reports", contentCmd},
		"backup": {"accord backup PATH                                     write a consistent copy of the database, even while serving", backup},
	}
}

// run is the whole program, apart from the process's own signals and exit.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		extra := ""
		for _, name := range commandOrder {
			if c, ok := cmds[name]; ok && c.synopsis != "" {
				extra += "  " + c.synopsis + "\n"
			}
		}
		fmt.Fprintf(stdout, usage, extra)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q; run accord --help", args[0])
	}
	return c.run(ctx, e, args[1:])
}

// commandOrder is the order of the help text.
var commandOrder = []string{"serve", "import", "export", "content", "resolution", "reindex", "backup", "user", "token", "keys"}
