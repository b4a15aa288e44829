package exchange

import (
	"time"

	"github.com/shopspring/decimal"

	"huamu/matching"
	"huamu/smsgw/grammar"
)

// listingsOf turns a parsed listing text into one matching.Listing per item.
func listingsOf(r grammar.Result, memberID int64, phone string, now time.Time) []matching.Listing {
	var loc *matching.Location
	if r.Location != nil {
		loc = &matching.Location{City: deref(r.Location.City), District: deref(r.Location.District),
			Town: deref(r.Location.Town), Village: deref(r.Location.Village)}
	}
	contact := ""
	if r.Contact != nil && r.Contact.Phone != nil && *r.Contact.Phone != phone {
		contact = *r.Contact.Phone
	}
	days := 0
	if r.ValidityDays != nil {
		days = *r.ValidityDays
	}
	monthEnd := r.ValidityUntil != nil && *r.ValidityUntil == "month_end"
	expires := matching.ListingExpiresAt(now, days, monthEnd)
	out := make([]matching.Listing, 0, len(r.Items))
	for _, it := range r.Items {
		l := matching.Listing{
			MemberID: memberID, Phone: phone, Side: matching.Side(r.Side),
			Species: it.Species, Variety: deref(it.Variety), Attrs: it.Attrs,
			Spec: it.Spec.Listing(), Negotiable: it.Negotiable, Location: loc, Contact: contact,
			Urgent: r.Urgent, CreatedAt: now, ExpiresAt: expires,
		}
		if it.Qty != nil {
			l.Qty = matching.Qty{Min: it.Qty.Min, Max: it.Qty.Max, Unit: it.Qty.Unit}
		}
		if it.Price != nil {
			p := &matching.Price{Per: deref(it.Price.Per), Terms: deref(it.Price.Terms)}
			p.Min, p.Max, p.Total = money(it.Price.Min), money(it.Price.Max), money(it.Price.Total)
			l.Price = p
		}
		if l.Qty.Unit == "" {
			l.Qty.Unit = "株"
		}
		out = append(out, l)
	}
	return out
}

func money(m *grammar.Money) *decimal.Decimal {
	if m == nil {
		return nil
	}
	d := matching.Round2(m.Decimal)
	return &d
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
