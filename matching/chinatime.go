package matching

import "time"

// ChinaTime is the clock the members live by: UTC+8 all year. China has
// no daylight saving, so a fixed zone needs no tzdata on the host. Days,
// weeks and months that the exchange counts (a daily cap, a price week, a
// listing valid to the month's end) and every time a clerk reads are in it.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// DayStart is midnight, China time, of the day t falls in.
func DayStart(t time.Time) time.Time {
	c := t.In(ChinaTime)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, ChinaTime)
}

// MonthStart is midnight, China time, of the first day of t's month.
func MonthStart(t time.Time) time.Time {
	c := t.In(ChinaTime)
	return time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, ChinaTime)
}
