package matching

import "testing"

func TestNarrow_FoldsFullWidthToASCII(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"Digits", "１３８００１３８０００", "13800138000"},
		{"Letters", "ＡＢＣｘｙｚ", "ABCxyz"},
		{"Punctuation", "６０００．５０，＋－：；！～", "6000.50,+-:;!~"},
		{"IdeographicSpace", "４\u3000６", "4 6"},
		{"ChineseAndASCIIStay", "桂花8公分 200株", "桂花8公分 200株"},
		{"IdeographicCommaAndStopStay", "桂花、紫薇。", "桂花、紫薇。"},
		{"FullWidthYenStays", "￥600", "￥600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Narrow(tt.in); got != tt.want {
				t.Errorf("Narrow(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
