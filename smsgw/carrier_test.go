package smsgw

import (
	"fmt"
	"testing"
)

func TestCarrierByPrefix(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   Carrier
		wantOK bool
	}{
		{"Mobile134_0", "13400000000", Mobile, true},
		{"Mobile134_8", "13481234567", Mobile, true},
		{"Telecom1349", "13491234567", Telecom, true},
		{"Mobile139", "13912345678", Mobile, true},
		{"Mobile197", "19712345678", Mobile, true},
		{"Mobile198", "19812345678", Mobile, true},
		{"MobileMVNO165", "16512345678", Mobile, true},
		{"MobileData147", "14712345678", Mobile, true},
		{"Unicom130", "13012345678", Unicom, true},
		{"Unicom166", "16612345678", Unicom, true},
		{"Unicom196", "19612345678", Unicom, true},
		{"UnicomMVNO167", "16712345678", Unicom, true},
		{"UnicomData145", "14512345678", Unicom, true},
		{"Telecom133", "13312345678", Telecom, true},
		{"Telecom173NotVirtual", "17312345678", Telecom, true},
		{"Telecom190", "19012345678", Telecom, true},
		{"Telecom199", "19912345678", Telecom, true},
		{"TelecomMVNO162", "16212345678", Telecom, true},
		{"TelecomData149", "14912345678", Telecom, true},
		{"Broadnet192", "19212345678", Broadnet, true},
		{"VirtualTelecom1700", "17001234567", Telecom, true},
		{"VirtualTelecom1701", "17011234567", Telecom, true},
		{"VirtualTelecom1702", "17021234567", Telecom, true},
		{"VirtualMobile1703", "17031234567", Mobile, true},
		{"VirtualMobile1705", "17051234567", Mobile, true},
		{"VirtualMobile1706", "17061234567", Mobile, true},
		{"VirtualUnicom1704", "17041234567", Unicom, true},
		{"VirtualUnicom1707", "17071234567", Unicom, true},
		{"VirtualUnicom1708", "17081234567", Unicom, true},
		{"VirtualUnicom1709", "17091234567", Unicom, true},
		{"AllOf171IsUnicom", "17131234567", Unicom, true},
		{"Telecom17400", "17400123456", Telecom, true},
		{"Telecom17405", "17405123456", Telecom, true},
		{"Emergency17406Unknown", "17406123456", "", false},
		{"Emergency17412Unknown", "17412123456", "", false},
		{"Inmarsat1749Unknown", "17491234567", "", false},
		{"Unassigned154", "15412345678", "", false},
		{"Unassigned140", "14012345678", "", false},
		{"PlusEightySix", "+86 186-1234-5678", Unicom, true},
		{"EightySix", "8619212345678", Broadnet, true},
		{"FullWidth", "１３９１２３４５６７８", Mobile, true},
		{"IoTMobile1440x", "1440012345678", Mobile, true},
		{"IoTMobile148", "1481234567890", Mobile, true},
		{"IoTUnicom146", "1461234567890", Unicom, true},
		{"IoTTelecom1410x", "1410012345678", Telecom, true},
		{"Garbage", "hello", "", false},
		{"Short", "139", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CarrierByPrefix(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("CarrierByPrefix(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseCarrier(t *testing.T) {
	tests := []struct {
		in   string
		want Carrier
	}{
		{"mobile", Mobile}, {"Mobile", Mobile}, {" UNICOM ", Unicom}, {"telecom", Telecom}, {"broadnet", Broadnet},
		{"移动", Mobile}, {"联通", Unicom}, {"电信", Telecom}, {"广电", Broadnet}, {"中国移动", Mobile},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCarrier(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseCarrier(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "cmcc", "移", "mobiles"} {
		if _, err := ParseCarrier(bad); err == nil {
			t.Errorf("ParseCarrier(%q) accepted", bad)
		}
	}
}

func ExampleCarrierByPrefix() {
	for _, n := range []string{"+86 134-9123-4567", "17051234567", "１９２１２３４５６７８"} {
		c, ok := CarrierByPrefix(n)
		fmt.Println(c, ok)
	}
	// Output:
	// telecom true
	// mobile true
	// broadnet true
}

func TestNextCarrier_MovesANumberOnlyAfterFailuresInARowAndNeverOverAClerk(t *testing.T) {
	t.Parallel()
	n := LearnAfter
	for _, tc := range []struct {
		name              string
		failures          map[Carrier]int
		failing, override Carrier
		want              Carrier
	}{
		{"too few failures", map[Carrier]int{Mobile: n - 1}, Mobile, "", ""},
		{"enough failures: the first other carrier", map[Carrier]int{Mobile: n}, Mobile, "", Unicom},
		{"the next carrier that has not failed it", map[Carrier]int{Mobile: n, Unicom: n}, Unicom, Unicom, Telecom},
		{"routed elsewhere already", map[Carrier]int{Mobile: n}, Mobile, Telecom, ""},
		{"routed to the failing carrier", map[Carrier]int{Telecom: n}, Telecom, Telecom, Mobile},
		{"every carrier failed", map[Carrier]int{Mobile: n, Unicom: n, Telecom: n, Broadnet: n}, Broadnet, Broadnet, ""},
		{"no carrier known", map[Carrier]int{}, "", "", ""},
	} {
		if got := NextCarrier(tc.failures, tc.failing, tc.override); got != tc.want {
			t.Errorf("%s: NextCarrier = %q, want %q", tc.name, got, tc.want)
		}
	}
}
