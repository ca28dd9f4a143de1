package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// keysCmd rotates the signing keys kept in the database's meta table.
func keysCmd(ctx context.Context, e *env, args []string) error {
	keys := web.SigningKeys()
	names := []string{}
	for _, k := range keys {
		names = append(names, k.Which)
	}
	if len(args) == 0 || args[0] != "rotate" {
		return fmt.Errorf("keys: use keys rotate [--which %s|all]", strings.Join(names, "|"))
	}
	fs, data := newFlags(e, "keys rotate", "keys rotate [--which "+strings.Join(names, "|")+"|all] [--data DIR]")
	which := fs.String("which", "all", "the key to replace: "+strings.Join(names, ", ")+", or all")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("keys rotate takes no arguments, got %q", pos)
	}
	var chosen []web.SigningKey
	for _, k := range keys {
		if *which == "all" || *which == k.Which {
			chosen = append(chosen, k)
		}
	}
	if len(chosen) == 0 {
		return fmt.Errorf("keys rotate: --which %q: want one of %s, or all", *which, strings.Join(names, ", "))
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, k := range chosen {
		r := store.Rotation{Name: k.Meta}
		if k.KeepPrevious {
			r.KeepAs, r.KeepUntilKey = web.PreviousKeyMeta(k.Meta)
			r.Until = time.Now().Add(web.PreviousKeyGrace)
		}
		if err := db.RotateSecret(cliContext(ctx), r); err != nil {
			return fmt.Errorf("keys rotate: %w", err)
		}
		fmt.Fprintf(e.stdout, "rotated %s: %s\n", k.Which, k.Effect)
	}
	fmt.Fprintln(e.stdout, "Restart every node running accord serve: each reads the keys once, at start.")
	return nil
}
