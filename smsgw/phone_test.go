package smsgw

import (
	"errors"
	"testing"
)

func TestIsMobile(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"ElevenDigitsFromOne", "13800138000", true},
		{"Empty", "", false},
		{"TooShort", "1380013800", false},
		{"TooLong", "138001380001", false},
		{"NotStartingWithOne", "23800138000", false},
		{"ServiceNumber", "106900001", false},
		{"CountryCode", "8613800138000", false},
		{"Letter", "1380013800a", false},
		{"FullWidthDigits", "１３８００１３８０００", false},
		{"Spaces", "138 0013 8000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsMobile(tt.in); got != tt.want {
				t.Errorf("IsMobile(%q) = %v; want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskNumber_HidesTheMiddle(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Mobile", "13800138000", "138****8000"},
		{"ServiceNumber", "106900001", "106****0001"},
		{"Short", "123456", "***"},
		{"Empty", "", "***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskNumber(tt.in); got != tt.want {
				t.Errorf("MaskNumber(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeMSISDN(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Plain", "13800138000", "13800138000"},
		{"PlusEightySix", "+8613800138000", "13800138000"},
		{"EightySix", "8613800138000", "13800138000"},
		{"ZeroZeroEightySix", "008613800138000", "13800138000"},
		{"FullWidthDigits", "１３８００１３８０００", "13800138000"},
		{"FullWidthPlus", "＋８６ １３８ ００１３ ８０００", "13800138000"},
		{"SpacesAndDashes", "138-0013-8000", "13800138000"},
		{"PlusWithSpaces", "+86 138 0013 8000", "13800138000"},
		{"IdeographicSpace", "138\u30000013\u30008000", "13800138000"},
		{"EightySixPrefixedNumber", "+8618612345678", "18612345678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeMSISDN(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeMSISDN(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNormalizeMSISDNRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"Empty", ""},
		{"TooShort", "1380013800"},
		{"TooLong", "138001380001"},
		{"NotStartingWithOne", "23800138000"},
		{"Landline", "02887654321"},
		{"Letters", "1380013800a"},
		{"PlusWithoutCountryCode", "+13800138000"},
		{"OtherCountryCode", "+85213800138000"},
		{"PlusInTheMiddle", "138+00138000"},
		{"EightySixThenNotMobile", "8623800138000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := NormalizeMSISDN(tt.in); !errors.Is(err, ErrBadMSISDN) {
				t.Fatalf("NormalizeMSISDN(%q) = %q, %v; want ErrBadMSISDN", tt.in, got, err)
			}
		})
	}
}
