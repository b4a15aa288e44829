// Package pgtest gives each test its own freshly migrated PostgreSQL
// database on the real server named by DATABASE_URL (as `make test` sets it).
//
// The first test of a run builds a template database migrated to the current
// schema (named by a hash of the migrations, built once under an advisory
// lock across test processes); every test then gets a cheap copy of it and
// drops it when done. Tests never skip: with no server they fail and say how
// to get one.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"huamu/internal/store"
	"huamu/migrations"
)

// DefaultURL is used when DATABASE_URL is unset: the machine's own server.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

const templateLock = 7_243_601_002

var (
	tplOnce sync.Once
	tplName string
	tplErr  error
)

// AdminURL is the server tests create their databases on: DATABASE_URL's
// server (or DefaultURL's), its maintenance database "postgres".
func AdminURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return withDB(u, "postgres")
	}
	return DefaultURL
}

// URL returns a connection URL for a new migrated database owned by t; it is
// dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tplOnce.Do(func() { tplName, tplErr = ensureTemplate(ctx) })
	if tplErr != nil {
		t.Fatalf("pgtest: %v\n(run the tests through `make test`, which starts PostgreSQL when none answers)", tplErr)
	}
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("pgtest: connect %s: %v", redact(AdminURL()), err)
	}
	defer admin.Close(ctx)
	name := "huamu_t_" + randHex(6)
	// CREATE DATABASE … TEMPLATE fails when another session copies the same
	// template at that instant; the advisory lock takes turns.
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		t.Fatalf("pgtest: lock: %v", err)
	}
	_, err = admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tplName))
	_, _ = admin.Exec(ctx, `SELECT pg_advisory_unlock($1)`, templateLock)
	if err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDB(AdminURL(), name)
}

// Pool returns a pool on a new migrated database owned by t.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := store.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Store returns a Store on a new migrated database owned by t.
func Store(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	return store.New(Pool(t), now)
}

// FailInserts makes every insert into table fail in st's database (the
// test's own) until the returned func mends it: a row that cannot be
// written, to show that what should commit with it does not commit
// without it.
func FailInserts(t testing.TB, st *store.Store, table string) (mend func()) {
	t.Helper()
	ctx := context.Background()
	name := pgx.Identifier{"fail_" + table}.Sanitize()
	for _, sql := range []string{
		`CREATE OR REPLACE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'pgtest: inserts into ` + table + ` fail'; END $$`,
		`CREATE TRIGGER ` + name + ` BEFORE INSERT ON ` + pgx.Identifier{table}.Sanitize() +
			` FOR EACH ROW EXECUTE FUNCTION ` + name + `()`,
	} {
		if _, err := st.Pool().Exec(ctx, sql); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	return func() {
		t.Helper()
		if _, err := st.Pool().Exec(ctx, `DROP TRIGGER `+name+` ON `+pgx.Identifier{table}.Sanitize()); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
}

// EmptyURL returns a URL for a new, unmigrated database owned by t, for
// tests of the migrator itself.
func EmptyURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("pgtest: connect %s: %v\n(run the tests through `make test`)", redact(AdminURL()), err)
	}
	defer admin.Close(ctx)
	name := "huamu_e_" + randHex(6)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), AdminURL())
		if err == nil {
			_, _ = c.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			c.Close(context.Background())
		}
	})
	return withDB(AdminURL(), name)
}

func ensureTemplate(ctx context.Context) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "huamu_tpl_" + sum[:12]
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", fmt.Errorf("connect %s: %w", redact(AdminURL()), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return "", err
	}
	defer admin.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, templateLock)
	var ready bool
	err = admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&ready)
	if err != nil || ready {
		return name, err
	}
	_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	pool, err := store.Open(ctx, withDB(AdminURL(), name))
	if err != nil {
		return "", err
	}
	_, err = store.Migrate(ctx, pool, migrations.FS, nil)
	pool.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	// Marked a template only once fully migrated: a crash half-way leaves an
	// unmarked database that the next run drops and rebuilds.
	if _, err := admin.Exec(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true`); err != nil {
		return "", err
	}
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func withDB(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw + " dbname=" + db
	}
	u.Path = "/" + db
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "DATABASE_URL"
	}
	return u.Redacted()
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
