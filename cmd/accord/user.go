package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
)

func userCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("user: use add, password, role, disable or enable; run accord user add --help")
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, e, args[1:])
	case "password":
		return userPassword(ctx, e, args[1:])
	case "role":
		return userRole(ctx, e, args[1:])
	case "disable", "enable":
		return userDisable(ctx, e, args[0], args[1:])
	}
	return fmt.Errorf("user: unknown subcommand %q; use add, password, role, disable or enable", args[0])
}

// newPassword is the password of user add and user password: the first
// line of standard input with --password-stdin, else a generated one.
func newPassword(e *env, fromStdin bool) (password string, generated bool, err error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, fmt.Errorf("read password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	return base64.RawURLEncoding.EncodeToString(b), true, nil
}

// userPassword sets a new password for an account, as a reset by email
// does: every session ends, every API token is revoked and the sign-in
// throttle is cleared. It is how an administrator helps someone who
// forgot their password on a site that cannot send mail.
func userPassword(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "user password", "user password EMAIL [--password-stdin] [--data DIR]")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input; otherwise one is generated and printed")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("user password: give exactly one EMAIL")
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("user password: %w", err)
	}
	password, generated, err := newPassword(e, *fromStdin)
	if err != nil {
		return fmt.Errorf("user password: %w", err)
	}
	if msg := store.CheckPassword(password, u.Email, u.Name); msg != "" {
		return fmt.Errorf("user password: %s", msg)
	}
	hash, err := store.HashPassword(password)
	if err != nil {
		return err
	}
	if err := db.SetPassword(cliContext(ctx), u.ID, hash, "", true); err != nil {
		return fmt.Errorf("user password: %w", err)
	}
	fmt.Fprintf(e.stdout, "new password set for %s; every session was ended and every API token revoked\n", u.Email)
	if generated {
		fmt.Fprintf(e.stdout, "password (shown once): %s\n", password)
	}
	return nil
}

func userAdd(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "user add", "user add EMAIL --role ROLE [--name NAME] [--organisation ORG] [--group GROUP] [--country CODE] [--password-stdin] [--data DIR]")
	role := fs.String("role", "stakeholder", "stakeholder, editor or admin")
	name := fs.String("name", "", "the person's name")
	org := fs.String("organisation", "", "the person's organisation (empty for an individual)")
	group := fs.String("group", "", "stakeholder group: "+strings.Join(store.StakeholderGroups, ", "))
	country := fs.String("country", "", "country, as an ISO 3166-1 alpha-2 code such as KE")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input; otherwise one is generated and printed")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("user add: give exactly one EMAIL")
	}
	password, generated, err := newPassword(e, *fromStdin)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	if msg := store.CheckPassword(password, pos[0], *name); msg != "" {
		return fmt.Errorf("user add: password: %s", msg)
	}
	hash, err := store.HashPassword(password)
	if err != nil {
		return err
	}
	db, err := openSeeded(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(cliContext(ctx), store.User{Email: pos[0], Name: *name, Role: *role,
		Organisation: strings.TrimSpace(*org), StakeholderGroup: strings.TrimSpace(*group), Country: strings.ToUpper(strings.TrimSpace(*country))}, hash)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(e.stdout, "created %s (%s), user %d\n", u.Email, u.Role, u.ID)
	if generated {
		fmt.Fprintf(e.stdout, "password (shown once): %s\n", password)
	}
	return nil
}

func userRole(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "user role", "user role EMAIL ROLE [--data DIR]")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("user role: give EMAIL and ROLE (stakeholder, editor or admin)")
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("user role: %w", err)
	}
	if err := db.SetRole(cliContext(ctx), u.ID, pos[1]); err != nil {
		return fmt.Errorf("user role: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s is now %s\n", u.Email, pos[1])
	return nil
}

func userDisable(ctx context.Context, e *env, verb string, args []string) error {
	fs, data := newFlags(e, "user "+verb, "user "+verb+" EMAIL [--data DIR]")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("user %s: give exactly one EMAIL", verb)
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("user %s: %w", verb, err)
	}
	if err := db.SetDisabled(cliContext(ctx), u.ID, verb == "disable"); err != nil {
		return fmt.Errorf("user %s: %w", verb, err)
	}
	fmt.Fprintf(e.stdout, "%s is %sd\n", u.Email, verb)
	return nil
}

func tokenCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("token: use token create EMAIL [--name NAME] [--expires 90d|YYYY-MM-DD]")
	}
	fs, data := newFlags(e, "token create", "token create EMAIL [--name NAME] [--expires 90d|YYYY-MM-DD] [--data DIR]")
	name := fs.String("name", "cli", "a name to recognise the token by")
	expiresIn := fs.String("expires", "", "when the token stops working: a number of days such as 90d, or a date such as 2027-01-31 (UTC); empty for never")
	// The CLI does not run inside the server, so it cannot see serve's
	// --require-mfa: it reads the same environment variable, and takes the
	// same flag, so that one setting governs both.
	mfaEnv := envOr(e, "ACCORD_REQUIRE_MFA", "false")
	mfaDefault, mfaErr := strconv.ParseBool(mfaEnv)
	requireMFA := fs.Bool("require-mfa", mfaDefault,
		"refuse a token to an editor or admin without a second factor, as serve --require-mfa does (env ACCORD_REQUIRE_MFA=1)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if mfaErr != nil {
		return fmt.Errorf("ACCORD_REQUIRE_MFA: want true or false (1 or 0), got %q", mfaEnv)
	}
	if len(pos) != 1 {
		return fmt.Errorf("token create: give exactly one EMAIL")
	}
	expires, err := store.ParseTokenExpiry(*expiresIn, time.Now())
	if err != nil {
		return fmt.Errorf("token create: --expires: %w", err)
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	if u.Disabled {
		return fmt.Errorf("token create: %s is disabled", u.Email)
	}
	if *requireMFA && u.HasRole("editor") {
		has, err := db.HasMFA(ctx, u.ID)
		if err != nil {
			return fmt.Errorf("token create: %w", err)
		}
		if !has {
			return fmt.Errorf("token create: two-factor sign-in is required for editors and administrators, and %s (%s) has not set it up; they set it up at /account/mfa after signing in", u.Email, u.Role)
		}
	}
	secret, err := db.CreateToken(cliContext(ctx), u.ID, *name, expires)
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		return fmt.Errorf("token create: %s", ve.Fields["token"])
	}
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	// Only the token on stdout, so that scripts can capture it.
	fmt.Fprintln(e.stdout, secret)
	fmt.Fprintf(e.stderr, "API token for %s (%s); it is shown once and stored only as a hash\n", u.Email, u.Role)
	return nil
}
