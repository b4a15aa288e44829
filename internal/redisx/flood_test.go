package redisx_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"huamu/internal/redistest"
)

func TestFlood_SenderOverTheLimitIsFlaggedOthersAreNot(t *testing.T) {
	t.Parallel()
	f := open(t, redistest.Prefix(t)).Flood()
	f.Limit = 10
	ctx := context.Background()
	for i := 1; i <= 10; i++ {
		flooding, err := f.Hit(ctx, "13800000001", 1)
		if err != nil {
			t.Fatal(err)
		}
		if flooding {
			t.Fatalf("text %d of a limit of 10 flagged as a flood", i)
		}
	}
	flooding, err := f.Hit(ctx, "13800000001", 1)
	if err != nil || !flooding {
		t.Fatalf("11th text in a minute: flooding=%v err=%v, want flagged", flooding, err)
	}
	// Another number is untouched by the first one's flood.
	if flooding, err := f.Hit(ctx, "13900000002", 1); err != nil || flooding {
		t.Fatalf("a quiet number: flooding=%v err=%v", flooding, err)
	}
	// Asking without counting still sees the flag.
	if flooding, _ := f.Hit(ctx, "13800000001", 0); !flooding {
		t.Fatal("flag not seen by a look without a count")
	}
}

func TestFlood_FlagStaysForTheCooldownThenLifts(t *testing.T) {
	// Not parallel: its sleeps must not stretch past the cooldown under load.
	f := open(t, redistest.Prefix(t)).Flood()
	f.Limit, f.Window, f.Cooldown = 2, 200*time.Millisecond, 600*time.Millisecond
	ctx := context.Background()
	for range 3 {
		if _, err := f.Hit(ctx, "13800000001", 1); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(450 * time.Millisecond) // two windows later: the count has gone
	if flooding, _ := f.Hit(ctx, "13800000001", 1); !flooding {
		t.Fatal("flag lifted before its cooldown")
	}
	time.Sleep(700 * time.Millisecond)
	if flooding, _ := f.Hit(ctx, "13800000001", 1); flooding {
		t.Fatal("flag still up after the cooldown with one text")
	}
}

// Many numbers at once are counted apart, in one round trip each.
func TestFlood_ManySendersCountedApart(t *testing.T) {
	t.Parallel()
	f := open(t, redistest.Prefix(t)).Flood()
	f.Limit = 3
	ctx := context.Background()
	for round := range 3 {
		for i := range 50 {
			flooding, err := f.Hit(ctx, fmt.Sprintf("138%08d", i), 1)
			if err != nil || flooding {
				t.Fatalf("round %d sender %d: flooding=%v err=%v", round, i, flooding, err)
			}
		}
	}
}

// A batch is counted in one call, in order: a sender twice in it counts
// twice, and only the text that goes over the limit is flagged.
func TestFlood_HitManyCountsABatchInOrder(t *testing.T) {
	t.Parallel()
	f := open(t, redistest.Prefix(t)).Flood()
	f.Limit = 2
	flags, err := f.HitMany(context.Background(),
		[]string{"13800000001", "13900000002", "13800000001", "13800000001"}, []int{1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(flags) != "[false false false true]" {
		t.Fatalf("flags %v, want only the third text of 13800000001 (over a limit of 2) flagged", flags)
	}
}
