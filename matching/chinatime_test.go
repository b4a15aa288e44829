package matching

import (
	"testing"
	"time"
)

func TestDayStart_IsMidnightInChina(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		// 17:00 UTC is already 01:00 the next day in China.
		{"LateUTCIsNextChinaDay", time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 0, 0, 0, 0, ChinaTime)},
		{"EarlyUTCIsSameChinaDay", time.Date(2026, 3, 9, 15, 59, 0, 0, time.UTC), time.Date(2026, 3, 9, 0, 0, 0, 0, ChinaTime)},
		{"MidnightStays", time.Date(2026, 3, 9, 0, 0, 0, 0, ChinaTime), time.Date(2026, 3, 9, 0, 0, 0, 0, ChinaTime)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DayStart(tt.in); !got.Equal(tt.want) {
				t.Errorf("DayStart(%v) = %v; want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestMonthStart_IsFirstOfMonthInChina(t *testing.T) {
	t.Parallel()
	// 31 Jan 20:00 UTC is 1 Feb 04:00 in China: February's month.
	in := time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC)
	if got, want := MonthStart(in), time.Date(2026, 2, 1, 0, 0, 0, 0, ChinaTime); !got.Equal(want) {
		t.Errorf("MonthStart(%v) = %v; want %v", in, got, want)
	}
}
