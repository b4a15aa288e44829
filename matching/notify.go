package matching

// Notification policy, in one place:
//   - A new demand is answered at once with its best BestN offers. That text
//     answers the buyer's own message, so the daily cap does not apply.
//   - A new offer is announced to each number with an open demand it fits,
//     once per number however many of its demands fit. A number that has
//     already had DailyCap match texts today (China time, see DayStart) gets
//     the offer held for its next digest instead.
//   - A digest packs held offers into one text of at most two SMS parts
//     (internal/outbound.Digest); what does not fit is counted in its tail
//     and stays held for the next one.
type NotifyPolicy struct {
	BestN    int // offers texted to a new demand
	DailyCap int // match texts per number per day before holding for the digest
}

// DefaultNotifyPolicy is 3 offers for a new demand and 5 match texts per
// number per day.
func DefaultNotifyPolicy() NotifyPolicy { return NotifyPolicy{BestN: 3, DailyCap: 5} }

// withDefaults fills zero fields from DefaultNotifyPolicy.
func (p NotifyPolicy) withDefaults() NotifyPolicy {
	def := DefaultNotifyPolicy()
	if p.BestN <= 0 {
		p.BestN = def.BestN
	}
	if p.DailyCap <= 0 {
		p.DailyCap = def.DailyCap
	}
	return p
}

// Best returns the first BestN of ranked matches: what a new demand is sent.
func (p NotifyPolicy) Best(ranked []Match) []Match {
	n := p.withDefaults().BestN
	return ranked[:min(n, len(ranked))]
}

// Delivery is what to do with one match text for one number.
type Delivery int

// Deliveries.
const (
	SendNow       Delivery = iota // send it now
	HoldForDigest                 // keep it for the number's next digest
)

// String names the delivery for logs.
func (d Delivery) String() string {
	if d == SendNow {
		return "send_now"
	}
	return "hold_for_digest"
}

// Decide says whether a number that has already been sent sentToday match
// texts today gets one more now or has it held for the digest.
func (p NotifyPolicy) Decide(sentToday int) Delivery {
	if sentToday < p.withDefaults().DailyCap {
		return SendNow
	}
	return HoldForDigest
}

// Notice is one number to tell about a new offer.
type Notice struct {
	Phone     string
	DemandIDs []int64 // the number's demands the offer fits, in DemandsForOffer order
	Delivery  Delivery
}

// PlanOffer turns the demands a new offer fits (as DemandsForOffer returns
// them) into one notice per number, in the order of each number's first
// demand. sentToday maps a number to the match texts it has had today.
func (p NotifyPolicy) PlanOffer(demands []Listing, sentToday map[string]int) []Notice {
	var out []Notice
	at := map[string]int{}
	for _, d := range demands {
		if d.Phone == "" {
			continue
		}
		if i, ok := at[d.Phone]; ok {
			out[i].DemandIDs = append(out[i].DemandIDs, d.ID)
			continue
		}
		at[d.Phone] = len(out)
		out = append(out, Notice{Phone: d.Phone, DemandIDs: []int64{d.ID}, Delivery: p.Decide(sentToday[d.Phone])})
	}
	return out
}

// CallNumber is the number a buyer should call: the one in the text, else the sender's.
func (l Listing) CallNumber() string {
	if l.Contact != "" {
		return l.Contact
	}
	return l.Phone
}
