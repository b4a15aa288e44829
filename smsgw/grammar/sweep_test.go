package grammar

import (
	"maps"
	"slices"
	"testing"
)

// TestParse_EverySpeciesRoundTwo writes every species of the lexicon into
// the kinds of text round two is about (a long advert with a root ball and
// a delivered price, a clearance sale, a demand with a cap and a destination
// outside 温江) and checks the plant and the fields those kinds add.
func TestParse_EverySpeciesRoundTwo(t *testing.T) {
	t.Parallel()
	g := Default()
	for _, sp := range slices.Sorted(maps.Keys(EmbeddedLexiconData().Species)) {
		advert := g.Parse("出售 " + sp + " 高3米 冠幅2米 分枝点1.5米 土球60公分 二次移栽 数量40棵 每棵到货价280 联系人陈13800001234")
		if !oneItem(advert, SideSupply, sp) {
			t.Errorf("advert %s: %+v", sp, advert)
		} else if it := advert.Items[0]; it.Spec.get("ball_cm") == nil || *it.Spec["ball_cm"].Min != 60 || it.Spec.get("branch_cm") == nil ||
			it.Price == nil || it.Price.Terms == nil || *it.Price.Terms != "到货价" || it.Qty == nil || *it.Qty.Min != 40 {
			t.Errorf("advert %s: %+v", sp, it)
		}
		clear := g.Parse("清园处理 " + sp + " 高1米 500棵 每棵8元 和盛镇")
		if !oneItem(clear, SideSupply, sp) || !slices.Contains(clear.Items[0].Attrs, "处理") {
			t.Errorf("clearance %s: %+v", sp, clear)
		}
		want := g.Parse("求购 " + sp + " 高2米 100棵 单价不超过150 送到乐山市中")
		if !oneItem(want, SideDemand, sp) || want.Items[0].Price == nil || want.Items[0].Price.Min != nil ||
			want.Location == nil || want.Location.District == nil || *want.Location.District != "市中区" {
			t.Errorf("demand %s: %+v", sp, want)
		}
	}
}

func oneItem(r Result, side, species string) bool {
	return r.Type == TypeListing && r.Side == side && len(r.Items) == 1 && r.Items[0].Species == species
}
