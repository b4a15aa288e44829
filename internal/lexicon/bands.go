package lexicon

import (
	"slices"
	"strconv"
	"strings"

	"huamu/internal/outbound"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// BandSettings is how the price index bands species, from the effective
// lexicon: the clerk's setting, or the zero value (the defaults).
func BandSettings(eff grammar.LexiconData, species string) matching.BandSettings {
	b, ok := eff.PriceBands[species]
	if !ok {
		return matching.BandSettings{}
	}
	return matching.BandSettings{Basis: b.Basis, Edges: slices.Clone(b.Edges), ByVariety: b.ByVariety}
}

// ParseEdges reads band edges as a clerk types them: numbers separated by
// spaces or commas (full-width ones too), "4 6 8 10 12 15". Empty is nil.
func ParseEdges(s string) ([]float64, error) {
	fields := strings.FieldsFunc(matching.Narrow(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '、' || r == ';'
	})
	if len(fields) > matching.MaxBandEdges {
		return nil, matching.Errorf(matching.CodeInvalid, "分档界限最多%d个", matching.MaxBandEdges)
	}
	var out []float64
	for _, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || len(f) > 12 {
			return nil, matching.Errorf(matching.CodeInvalid, "分档界限“%s”不是数字", outbound.Cut(f, 12))
		}
		out = append(out, v)
	}
	return out, nil
}

// SetPriceBands sets how the price index bands a species: the basis (a
// spec key of matching.BandBases, or "" to let the data choose), the
// edges (nil for the basis' defaults; edges need a basis) and whether
// varieties are indexed apart. All three empty restores the defaults.
func SetPriceBands(d *grammar.LexiconData, eff grammar.LexiconData, species, basis string, edges []float64, byVariety bool) error {
	if _, ok := eff.Species[species]; !ok {
		return matching.Errorf(matching.CodeNotFound, "词库中没有品种“%s”", species)
	}
	if basis != "" && !matching.IsBandBasis(basis) {
		return matching.Errorf(matching.CodeInvalid, "请选择分档依据的规格")
	}
	if len(edges) > 0 {
		if basis == "" {
			return matching.Errorf(matching.CodeInvalid, "填了分档界限，请同时选择按哪个规格分档")
		}
		if err := matching.CheckBandEdges(edges); err != nil {
			return err
		}
	}
	if basis == "" && len(edges) == 0 && !byVariety {
		delete(d.PriceBands, species)
		return nil
	}
	if d.PriceBands == nil {
		d.PriceBands = map[string]grammar.PriceBandData{}
	}
	d.PriceBands[species] = grammar.PriceBandData{Basis: basis, Edges: edges, ByVariety: byVariety}
	return nil
}
