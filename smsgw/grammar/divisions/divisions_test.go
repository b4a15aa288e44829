package divisions

import "testing"

func TestAll_HierarchyAndCount(t *testing.T) {
	var prov, city, county, town int
	byName := map[string]Division{}
	for _, d := range All() {
		switch d.Level {
		case Province:
			prov++
		case City:
			city++
		case County:
			county++
		case Town:
			town++
			if d.City != "成都市" || d.County == "" {
				t.Errorf("town %+v", d)
			}
		}
		byName[d.Province+d.City+d.Name] = d
	}
	if prov != 31 || city < 330 || county < 2800 || town < 250 {
		t.Errorf("got %d provinces, %d cities, %d counties, %d towns", prov, city, county, town)
	}
	for key, want := range map[string]Level{
		"四川省乐山市市中区": County, "重庆市重庆市江北区": County, "四川省凉山彝族自治州凉山彝族自治州": City,
		"湖北省仙桃市仙桃市": County, "四川省四川省": Province,
	} {
		d, ok := byName[key]
		if want == 0 {
			if ok {
				t.Errorf("%s: unexpected row", key)
			}
			continue
		}
		if !ok || d.Level != want {
			t.Errorf("%s: got %+v", key, d)
		}
	}
}

func TestShort(t *testing.T) {
	for in, want := range map[string]string{
		"乐山市": "乐山", "凉山彝族自治州": "凉山", "峨边彝族自治县": "峨边", "广西壮族自治区": "广西",
		"市中区": "市中", "阿坝藏族羌族自治州": "阿坝", "四川省": "四川", "阿里地区": "阿里", "锡林郭勒盟": "锡林郭勒",
		"县": "", "泸县": "", "石柱土家族自治县": "石柱", "秀山土家族苗族自治县": "秀山", "内蒙古自治区": "内蒙古",
		"新疆维吾尔自治区": "新疆", "北川羌族自治县": "北川", "德源街道": "德源", "黄水镇": "黄水",
	} {
		if got := Short(in); got != want {
			t.Errorf("Short(%s) = %q, want %q", in, got, want)
		}
	}
}
