package lexicon

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// Edit saves a new lexicon version: change gets the newest saved data and
// the effective lexicon (what the grammar uses, for checks) and changes the
// former. The result must build a grammar, or nothing is saved. This and
// every other process use the new version without a restart.
func (p *Provider) Edit(ctx context.Context, userID int64, note string, change func(saved *grammar.LexiconData, eff grammar.LexiconData) error) (int64, error) {
	var id int64
	err := p.Store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.LatestLexiconForEdit(ctx)
		if err != nil {
			return err
		}
		var d grammar.LexiconData
		if err := json.Unmarshal(cur, &d); err != nil {
			return fmt.Errorf("decode lexicon: %w", err)
		}
		if err := change(&d, effective(d)); err != nil {
			return err
		}
		if _, err := grammar.New(effective(d)); err != nil {
			return matching.Wrapf(err, matching.CodeInvalid, "词库改动有误：%s", err.Error())
		}
		next, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if id, err = tx.AddLexiconVersion(ctx, userID, note, next); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "lexicon.edit", "lexicon", note)
	})
	if err != nil {
		return 0, err
	}
	return id, p.Changed(ctx)
}

// CheckWord validates a word a clerk types: 1 to 12 characters, Chinese
// letters or letters and digits, no spaces or punctuation (which the grammar
// treats as separators).
func CheckWord(what, w string) (string, error) {
	w = strings.TrimSpace(w)
	n := utf8.RuneCountInString(w)
	if n == 0 {
		return "", matching.Errorf(matching.CodeInvalid, "请填写%s", what)
	}
	if n > 12 {
		return "", matching.Errorf(matching.CodeInvalid, "%s太长（最多12个字）", what)
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return "", matching.Errorf(matching.CodeInvalid, "%s只能是汉字或字母，不能有空格和标点", what)
		}
	}
	if strings.Trim(matching.Narrow(w), "0123456789") == "" {
		return "", matching.Errorf(matching.CodeInvalid, "%s不能全是数字", what)
	}
	return w, nil
}

// SpeciesOf returns the canonical species a word names in the effective
// lexicon (its own name or an alias), or "".
func SpeciesOf(eff grammar.LexiconData, word string) string {
	if _, ok := eff.Species[word]; ok {
		return word
	}
	for _, sp := range slices.Sorted(maps.Keys(eff.Species)) {
		if slices.Contains(eff.Species[sp].Aliases, word) || slices.Contains(eff.ExtraAliases[sp], word) {
			return sp
		}
	}
	return ""
}

// AddSpecies adds a new species with optional aliases.
func AddSpecies(d *grammar.LexiconData, eff grammar.LexiconData, name, group string, aliases []string) error {
	name, err := CheckWord("品种名", name)
	if err != nil {
		return err
	}
	if sp := SpeciesOf(eff, name); sp != "" {
		return matching.Errorf(matching.CodeConflict, "“%s”已在词库中（品种：%s）", name, sp)
	}
	if d.Species == nil {
		d.Species = map[string]grammar.SpeciesData{}
	}
	d.Species[name] = grammar.SpeciesData{Aliases: []string{}, Varieties: []string{}, Group: strings.TrimSpace(group)}
	eff.Species = cloneSpecies(eff.Species)
	eff.Species[name] = d.Species[name]
	for _, a := range aliases {
		if strings.TrimSpace(a) == "" {
			continue
		}
		if err := AddAlias(d, eff, name, a); err != nil {
			return err
		}
		eff.Species[name] = d.Species[name]
	}
	return nil
}

// AddAlias makes alias another name of species (a typo, a local name, a
// trade name), so the grammar reads it as that species next time.
func AddAlias(d *grammar.LexiconData, eff grammar.LexiconData, species, alias string) error {
	alias, err := CheckWord("别名", alias)
	if err != nil {
		return err
	}
	if _, ok := eff.Species[species]; !ok {
		return matching.Errorf(matching.CodeNotFound, "词库中没有品种“%s”", species)
	}
	if sp := SpeciesOf(eff, alias); sp != "" {
		return matching.Errorf(matching.CodeConflict, "“%s”已是品种“%s”的名称", alias, sp)
	}
	if d.ExtraAliases == nil {
		d.ExtraAliases = map[string][]string{}
	}
	d.ExtraAliases[species] = append(d.ExtraAliases[species], alias)
	return nil
}

// AddVariety adds a cultivar word to a species (金叶 for 女贞).
func AddVariety(d *grammar.LexiconData, eff grammar.LexiconData, species, variety string) error {
	variety, err := CheckWord("品种名", variety)
	if err != nil {
		return err
	}
	e, ok := eff.Species[species]
	if !ok {
		return matching.Errorf(matching.CodeNotFound, "词库中没有品种“%s”", species)
	}
	if slices.Contains(e.Varieties, variety) {
		return matching.Errorf(matching.CodeConflict, "“%s”已是“%s”的品种", variety, species)
	}
	if d.Species == nil {
		d.Species = map[string]grammar.SpeciesData{}
	}
	cur := d.Species[species]
	cur.Varieties = append(cur.Varieties, variety)
	if cur.Aliases == nil {
		cur.Aliases = []string{}
	}
	d.Species[species] = cur
	return nil
}

// AddVillage adds a village or community under one of 温江's towns. A name
// without 村 or 社区 gets 村.
func AddVillage(d *grammar.LexiconData, eff grammar.LexiconData, town, village string) error {
	village, err := CheckWord("村名", village)
	if err != nil {
		return err
	}
	if _, ok := eff.WenjiangTowns[town]; !ok {
		return matching.Errorf(matching.CodeNotFound, "没有“%s”这个镇（街道）", town)
	}
	if !strings.HasSuffix(village, "村") && !strings.HasSuffix(village, "社区") {
		village += "村"
	}
	for t, vs := range eff.Villages {
		if slices.Contains(vs, village) {
			return matching.Errorf(matching.CodeConflict, "“%s”已在%s下", village, t)
		}
	}
	if d.Villages == nil {
		d.Villages = map[string][]string{}
	}
	d.Villages[town] = append(d.Villages[town], village)
	return nil
}

// Effective returns the lexicon the grammar uses for saved data, for pages
// that list it.
func Effective(data json.RawMessage) (grammar.LexiconData, error) {
	var d grammar.LexiconData
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("decode lexicon: %w", err)
	}
	return effective(d), nil
}

func cloneSpecies(m map[string]grammar.SpeciesData) map[string]grammar.SpeciesData {
	out := make(map[string]grammar.SpeciesData, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
