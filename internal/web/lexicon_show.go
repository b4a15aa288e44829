package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"huamu/matching"
	"huamu/smsgw/grammar"
)

// speciesRow is one species as the lexicon page lists it.
type speciesRow struct {
	Name, Group string
	Aliases     []string
	Varieties   []string
}

// lexiconShow lists the lexicon (filtered by a word) with the forms to add
// a species, an alias, a variety or a village.
func (s *Server) lexiconShow(w http.ResponseWriter, r *http.Request) {
	eff := s.lexicon.Data()
	q := wordParam(r, "q", 12)
	var rows []speciesRow
	for _, name := range slices.Sorted(maps.Keys(eff.Species)) {
		e := eff.Species[name]
		aliases := append(slices.Clone(e.Aliases), eff.ExtraAliases[name]...)
		if q != "" && !strings.Contains(name, q) && !slices.ContainsFunc(aliases, func(a string) bool { return strings.Contains(a, q) }) &&
			!slices.ContainsFunc(e.Varieties, func(a string) bool { return strings.Contains(a, q) }) {
			continue
		}
		rows = append(rows, speciesRow{Name: name, Group: e.Group, Aliases: aliases, Varieties: e.Varieties})
	}
	history, err := s.store.LexiconHistory(r.Context(), 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "lexicon", page{Title: "词库", Nav: "lexicon", Data: map[string]any{
		"Q": q, "Species": rows, "Total": len(eff.Species), "Towns": townRows(eff), "History": history,
		"Version": s.lexicon.Version(), "Names": slices.Sorted(maps.Keys(eff.Species)),
		"Bands": bandRows(eff), "Bases": basisOptions(),
	}})
}

// bandRow is a species' price band setting as the lexicon page lists it.
type bandRow struct {
	Species, Basis, Edges string
	ByVariety             bool
}

func bandRows(eff grammar.LexiconData) []bandRow {
	var out []bandRow
	for _, sp := range slices.Sorted(maps.Keys(eff.PriceBands)) {
		b := eff.PriceBands[sp]
		row := bandRow{Species: sp, Basis: "按多数报价", Edges: "默认", ByVariety: b.ByVariety}
		if b.Basis != "" {
			row.Basis = matching.BasisTitle(b.Basis)
		}
		if len(b.Edges) > 0 {
			row.Edges = edgesText(b.Edges)
		}
		out = append(out, row)
	}
	return out
}

// basisOptions are the specs a species can be banded by, with their default edges.
func basisOptions() []option {
	out := []option{}
	for _, b := range matching.BandBases {
		out = append(out, option{Value: b, Name: matching.BasisTitle(b) + "（默认 " + edgesText(matching.DefaultBandEdges(b)) + "）"})
	}
	return out
}

type townRow struct {
	Name     string
	Aliases  []string
	Villages []string
}

func townRows(eff grammar.LexiconData) []townRow {
	var out []townRow
	for _, t := range slices.Sorted(maps.Keys(eff.WenjiangTowns)) {
		out = append(out, townRow{Name: t, Aliases: eff.WenjiangTowns[t], Villages: eff.Villages[t]})
	}
	return out
}
