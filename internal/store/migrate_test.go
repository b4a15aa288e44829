package store_test

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/migrations"
)

func TestLoadMigrations_OrdersByNumberAndRejectsBadNames(t *testing.T) {
	t.Parallel()
	fs := fstest.MapFS{
		"0010_later.sql":  {Data: []byte("SELECT 1")},
		"0002_second.sql": {Data: []byte("SELECT 1")},
		"0001_first.sql":  {Data: []byte("SELECT 1")},
		"README.md":       {Data: []byte("not a migration")},
	}
	ms, err := store.LoadMigrations(fs)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, m := range ms {
		got = append(got, m.Version)
	}
	if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 10 {
		t.Fatalf("order %v, want [1 2 10]", got)
	}
	t.Run("RejectsDuplicateVersion", func(t *testing.T) {
		_, err := store.LoadMigrations(fstest.MapFS{"0001_a.sql": {}, "0001_b.sql": {}})
		if err == nil {
			t.Fatal("two files with version 1 accepted")
		}
	})
	t.Run("RejectsStrayName", func(t *testing.T) {
		_, err := store.LoadMigrations(fstest.MapFS{"1_init.sql": {}})
		if err == nil {
			t.Fatal("a .sql file without a 4-digit number accepted")
		}
	})
}

func TestMigrate_AppliesInOrderOnceEachUnderTheLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := store.Open(ctx, pgtest.EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// 0002 depends on 0001's table: applied out of order it fails.
	fs := fstest.MapFS{
		"0001_t.sql": {Data: []byte("CREATE TABLE t (n int); INSERT INTO t VALUES (1);")},
		"0002_u.sql": {Data: []byte("INSERT INTO t SELECT n + 1 FROM t;")},
	}
	// Eight processes starting at once: the advisory lock lets one migrate,
	// the others find the work done. Without it 0002 would run several times.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = store.Migrate(ctx, pool, fs, nil) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows, versions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM t`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if rows != 2 || versions != 2 {
		t.Fatalf("t has %d rows and %d versions recorded, want 2 and 2", rows, versions)
	}
	behind, err := store.SchemaBehind(ctx, pool, fs)
	if err != nil || len(behind) != 0 {
		t.Fatalf("behind %v, %v", behind, err)
	}
}

func TestMigrate_FailedMigrationLeavesNothingHalfDone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := store.Open(ctx, pgtest.EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	fs := fstest.MapFS{
		"0001_ok.sql":  {Data: []byte("CREATE TABLE a (n int);")},
		"0002_bad.sql": {Data: []byte("CREATE TABLE b (n int); SELECT no_such_function();")},
	}
	if _, err := store.Migrate(ctx, pool, fs, nil); err == nil {
		t.Fatal("a failing migration reported success")
	}
	var b bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('b') IS NOT NULL`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	behind, _ := store.SchemaBehind(ctx, pool, fs)
	if b || len(behind) != 1 || behind[0] != "0002_bad.sql" {
		t.Fatalf("table b exists=%v, behind=%v: want the failed migration rolled back and pending", b, behind)
	}
}

func TestMigrations_ShippedSetAppliesToAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := store.Open(ctx, pgtest.EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	applied, err := store.Migrate(ctx, pool, migrations.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := store.Migrate(ctx, pool, migrations.FS, nil)
	if err != nil || len(applied) == 0 || len(again) != 0 {
		t.Fatalf("applied %v then %v (%v): want all, then none", applied, again, err)
	}
}
