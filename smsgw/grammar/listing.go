package grammar

import (
	"maps"
	"slices"
)

// finish tidies the items after the walk: drops nameless items when others
// have a name (values after the last plant that started no item), lets a plant listed bare before another share its sizes
// (香樟、银杏 胸径8公分), and fixes units.
func (p *parser) finish() {
	if p.firstSpecies() != "" {
		live := false // a plant that is not only named as sold out
		for _, it := range p.items {
			live = live || it.species != "" && (!it.gone || it.hasContent())
		}
		kept := p.items[:0]
		for _, it := range p.items {
			if it.species != "" && (!live || !it.gone || it.hasContent()) {
				kept = append(kept, it)
			}
		}
		p.items = kept
	}
	p.mergeLateVarieties()
	for k := len(p.items) - 2; k >= 0; k-- {
		it, nx := p.items[k], p.items[k+1]
		if !it.adjacentNext {
			continue
		}
		if it.spec.empty() {
			it.spec = maps.Clone(nx.spec)
		}
		if it.qty == nil {
			it.qty = nx.qty
		}
		if it.price == nil && it.total == nil {
			it.price, it.priceUnit, it.total = nx.price, nx.priceUnit, nx.total
		}
	}
}

// mergeLateVarieties reads a cultivar written after the sizes of its plant
// (樱花 200棵 米径6公分 晚樱 到货价300以内): an item of the same plant that
// only adds the cultivar (and maybe a price) names the item before it, which
// had no cultivar, instead of being another lot.
func (p *parser) mergeLateVarieties() {
	kept := p.items[:0]
	for _, it := range p.items {
		if n := len(kept); n > 0 {
			pr := kept[n-1]
			if it.species == pr.species && it.variety != "" && pr.variety == "" && pr.hasContent() &&
				it.spec.empty() && it.qty == nil && (it.price == nil || pr.price == nil) && (it.total == nil || pr.total == nil) {
				pr.variety = it.variety
				if pr.price == nil {
					pr.price, pr.priceUnit = it.price, it.priceUnit
				}
				if pr.total == nil {
					pr.total = it.total
				}
				for _, a := range it.formAttrs {
					pr.formAttrs = appendNew(pr.formAttrs, a)
				}
				for _, a := range p.groupAttrs[it.group] {
					p.groupAttrs[pr.group] = appendNew(p.groupAttrs[pr.group], a)
				}
				if p.cur == it {
					p.cur = pr
				}
				continue
			}
		}
		kept = append(kept, it)
	}
	p.items = kept
}

// listing builds the listing result for a side.
func (p *parser) listing(side string) Result {
	r := Result{Type: TypeListing, Side: side, Urgent: p.urgent,
		ValidityDays: p.validDays, ValidityUntil: p.validUntil}
	for _, it := range p.items {
		r.Items = append(r.Items, p.item2(it))
	}
	r.Location = p.buildLocation(side)
	if p.phone != "" {
		c := &Contact{Phone: ptr(p.phone)}
		if p.name != "" {
			c.Name = ptr(p.name)
		}
		r.Contact = c
	}
	return r
}

func (p *parser) item2(it *itemB) Item {
	out := Item{Species: it.species, Spec: it.spec, Negotiable: p.negotiable}
	if it.variety != "" {
		out.Variety = ptr(it.variety)
	}
	out.Attrs = append([]string{}, it.formAttrs...)
	for _, a := range append(slices.Clone(p.groupAttrs[it.group]), p.attrs...) {
		out.Attrs = appendNew(out.Attrs, a)
	}
	unit := "株"
	if it.priceUnit != "" {
		unit = it.priceUnit
	}
	if it.qty != nil {
		q := *it.qty
		if q.Unit == "" {
			q.Unit = unit
		}
		out.Qty = &q
		if it.priceUnit == "" {
			unit = q.Unit
		}
	}
	if it.price != nil || it.total != nil {
		pr := Price{}
		if it.price != nil {
			pr = *it.price
			pr.Per = ptr(unit)
		}
		if it.total != nil {
			pr.Total = it.total
		}
		out.Price = &pr
	}
	return out
}
