package grammar

import (
	"encoding/json"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

// Result types, as named by the corpus schema.
const (
	TypeListing     = "listing"
	TypeCommand     = "command"
	TypeUnparseable = "unparseable"
)

// Sides of a listing.
const (
	SideSupply = "supply"
	SideDemand = "demand"
)

// Command names, exactly as the schema spells them.
const (
	CmdCancel      = "cancel"
	CmdQuery       = "query"
	CmdHelp        = "help"
	CmdAccept      = "accept"
	CmdUnsubscribe = "unsubscribe"
	CmdRegister    = "register"
	CmdOrder       = "order"
	CmdJoin        = "join"
	CmdDecline     = "decline"
	CmdSubscribe   = "subscribe"
)

// Reasons an SMS is unparseable, exactly as the schema spells them.
const (
	ReasonEmpty              = "empty"
	ReasonChitchat           = "chitchat"
	ReasonSpam               = "spam"
	ReasonWrongNumber        = "wrong_number"
	ReasonGarbled            = "garbled"
	ReasonFragment           = "fragment"
	ReasonNoSide             = "no_side"
	ReasonNoSpecies          = "no_species"
	ReasonConflictingSide    = "conflicting_side"
	ReasonConflictingCommand = "conflicting_command"
	ReasonSystemMessage      = "system_message"
)

// Result is the one answer Parse gives for a text: a listing, a command or
// an unparseable text with its reason. Only the fields of its Type are
// meaningful; MarshalJSON writes exactly the corpus schema for that type.
type Result struct {
	Type string

	// Listing fields.
	Side          string
	Items         []Item
	Location      *Location
	Contact       *Contact
	ValidityDays  *int
	ValidityUntil *string
	Urgent        bool

	// Command fields.
	Command      string
	Args         Args
	NeedsContext bool

	// Unparseable fields.
	Reason string
}

// Item is one offered or wanted lot: a species with its spec, quantity and price.
type Item struct {
	Species    string   `json:"species"`
	Variety    *string  `json:"variety"`
	Attrs      []string `json:"attrs"`
	Spec       Spec     `json:"spec"`
	Qty        *Qty     `json:"qty"`
	Price      *Price   `json:"price"`
	Negotiable bool     `json:"negotiable"`
}

// Range is a numeric {min,max} (matching's, a nil end is open) that also
// says whether the text hedged it: Approx marks 左右/约/多.
type Range struct {
	matching.Range
	Approx bool `json:"approx,omitempty"`
}

// Spec holds the measured specification of an item, lengths in cm, by the
// keys of matching.Dimensions; it is matching's vocabulary, with the
// grammar's Range. It writes its keys in display order.
type Spec map[string]Range

// Listing returns the spec as a listing keeps it (without Approx).
func (s Spec) Listing() matching.Spec {
	out := make(matching.Spec, len(s))
	for k, r := range s {
		out[k] = r.Range
	}
	return out
}

// MarshalJSON writes the keys in the order of matching.Dimensions (a nil
// spec is {}), so a parse reads the same however it was built.
func (s Spec) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for _, v := range s.Listing().Values() {
		if len(b) > 1 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(v.Key)
		r, err := json.Marshal(s[v.Key])
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), r...)
	}
	return append(b, '}'), nil
}

// Qty is a whole-number quantity range with its canonical unit (株, 盆, 丛, 平方米, 斤, 公斤, 车).
type Qty struct {
	Min    *int64 `json:"min"`
	Max    *int64 `json:"max"`
	Unit   string `json:"unit"`
	Approx bool   `json:"approx,omitempty"`
}

// Price is a yuan amount per unit (Min/Max/Per) or a lump sum (Total), with optional terms (上车价/到货价).
type Price struct {
	Min   *Money  `json:"min"`
	Max   *Money  `json:"max"`
	Per   *string `json:"per"`
	Total *Money  `json:"total"`
	Terms *string `json:"terms"`
}

// Money is an exact yuan amount; it marshals as a 2-decimal JSON string ("0.80").
type Money struct{ decimal.Decimal }

// MarshalJSON writes the amount with exactly two decimals, as a string.
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.StringFixed(2))
}

// UnmarshalJSON reads an amount written as a string or a number.
func (m *Money) UnmarshalJSON(b []byte) error {
	return m.Decimal.UnmarshalJSON(b)
}

// Location says where stock is (supply) or where it should go (demand).
type Location struct {
	City     *string `json:"city"`
	District *string `json:"district"`
	Town     *string `json:"town"`
	Village  *string `json:"village"`
	Raw      string  `json:"raw"`
}

// Contact is the person and number written in the text (the sender's own number is not guessed).
type Contact struct {
	Name  *string `json:"name"`
	Phone *string `json:"phone"`
}

// Args are the typed arguments of a command; absent fields are omitted from JSON.
type Args struct {
	ListingID  *string  `json:"listing_id,omitempty"`
	MatchID    *string  `json:"match_id,omitempty"`
	GroupBuyID *string  `json:"group_buy_id,omitempty"`
	Qty        *Qty     `json:"qty,omitempty"`
	Species    string   `json:"species,omitempty"`
	Attrs      []string `json:"attrs,omitempty"`
	Spec       *Spec    `json:"spec,omitempty"`
	Side       string   `json:"side,omitempty"`
	Town       string   `json:"town,omitempty"`
	Village    string   `json:"village,omitempty"`
	Name       string   `json:"name,omitempty"`
	Scope      string   `json:"scope,omitempty"`
	About      string   `json:"about,omitempty"`
	Topic      string   `json:"topic,omitempty"`
	// Subscribe: the species of 订阅 桂花 紫薇 (written as "species", a
	// list, in the subscribe command's JSON), and Stop for 退订行情.
	SpeciesList []string `json:"-"`
	Stop        bool     `json:"stop,omitempty"`
}

// subscribeArgs is the JSON of a subscribe command's arguments.
type subscribeArgs struct {
	Species []string `json:"species,omitempty"`
	Topic   string   `json:"topic,omitempty"`
	Stop    bool     `json:"stop,omitempty"`
}

type listingJSON struct {
	Type          string    `json:"type"`
	Side          string    `json:"side"`
	Items         []Item    `json:"items"`
	Location      *Location `json:"location"`
	Contact       *Contact  `json:"contact"`
	ValidityDays  *int      `json:"validity_days"`
	ValidityUntil *string   `json:"validity_until"`
	Urgent        bool      `json:"urgent"`
}

type commandJSON struct {
	Type         string `json:"type"`
	Command      string `json:"command"`
	Args         Args   `json:"args"`
	NeedsContext bool   `json:"needs_context,omitempty"`
}

type junkJSON struct {
	Type        string `json:"type"`
	Unparseable bool   `json:"unparseable"`
	Reason      string `json:"reason"`
}

// MarshalJSON writes the corpus schema for the result's type.
func (r Result) MarshalJSON() ([]byte, error) {
	switch r.Type {
	case TypeListing:
		items := make([]Item, len(r.Items))
		copy(items, r.Items)
		for i := range items {
			if items[i].Attrs == nil {
				items[i].Attrs = []string{}
			}
		}
		return json.Marshal(listingJSON{TypeListing, r.Side, items, r.Location, r.Contact,
			r.ValidityDays, r.ValidityUntil, r.Urgent})
	case TypeCommand:
		if r.Command == CmdSubscribe {
			return json.Marshal(struct {
				Type    string        `json:"type"`
				Command string        `json:"command"`
				Args    subscribeArgs `json:"args"`
			}{TypeCommand, r.Command, subscribeArgs{r.Args.SpeciesList, r.Args.Topic, r.Args.Stop}})
		}
		return json.Marshal(commandJSON{TypeCommand, r.Command, r.Args, r.NeedsContext})
	default:
		return json.Marshal(junkJSON{TypeUnparseable, true, r.Reason})
	}
}

// UnmarshalJSON reads a result written by MarshalJSON (or by the corpus).
func (r *Result) UnmarshalJSON(b []byte) error {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	switch head.Type {
	case TypeListing:
		var l listingJSON
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*r = Result{Type: TypeListing, Side: l.Side, Items: l.Items, Location: l.Location, Contact: l.Contact,
			ValidityDays: l.ValidityDays, ValidityUntil: l.ValidityUntil, Urgent: l.Urgent}
	case TypeCommand:
		var c commandJSON
		var sub struct {
			Command string        `json:"command"`
			Args    subscribeArgs `json:"args"`
		}
		if json.Unmarshal(b, &sub) == nil && sub.Command == CmdSubscribe {
			*r = Result{Type: TypeCommand, Command: CmdSubscribe,
				Args: Args{SpeciesList: sub.Args.Species, Topic: sub.Args.Topic, Stop: sub.Args.Stop}}
			return nil
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		*r = Result{Type: TypeCommand, Command: c.Command, Args: c.Args, NeedsContext: c.NeedsContext}
	default:
		var j junkJSON
		if err := json.Unmarshal(b, &j); err != nil {
			return err
		}
		*r = junk(j.Reason)
	}
	return nil
}

func junk(reason string) Result { return Result{Type: TypeUnparseable, Reason: reason} }

func ptr[T any](v T) *T { return &v }
