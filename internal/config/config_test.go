package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

var good = map[string]string{
	"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/huamu?sslmode=disable",
	"REDIS_URL":    "redis://127.0.0.1:6379/0",
}

func with(kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range good {
		m[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestLoad_DefaultsWhenOnlyTheServicesAreSet(t *testing.T) {
	c, err := Load(env(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != DefaultHTTPAddr || c.Signature != DefaultSignature || c.OrderTTL != 24*time.Hour || len(c.Binds) != 0 {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestLoad_ErrorsNameTheVariable(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"MissingDatabase", map[string]string{"REDIS_URL": good["REDIS_URL"]}, "DATABASE_URL"},
		{"MissingRedis", map[string]string{"DATABASE_URL": good["DATABASE_URL"]}, "REDIS_URL"},
		{"DatabaseNotAURL", with("DATABASE_URL", "localhost"), "DATABASE_URL"},
		{"RedisWrongScheme", with("REDIS_URL", "http://127.0.0.1:6379"), "REDIS_URL"},
		{"HTTPAddrNotHostPort", with("HUAMU_HTTP_ADDR", "8080"), "HUAMU_HTTP_ADDR"},
		{"BindWrongScheme", with("HUAMU_SMPP_BINDS", "http://a:b@127.0.0.1:2775"), "HUAMU_SMPP_BINDS"},
		{"BindNoSystemID", with("HUAMU_SMPP_BINDS", "smpp://127.0.0.1:2775"), "HUAMU_SMPP_BINDS"},
		{"BindBadCarrier", with("HUAMU_SMPP_BINDS", "smpp://a:b@127.0.0.1:2775?carrier=cmcc"), "carrier"},
		{"BindBadWindow", with("HUAMU_SMPP_BINDS", "smpp://a:b@127.0.0.1:2775?window=0"), "window"},
		{"BindBadTPS", with("HUAMU_SMPP_BINDS", "smpp://a:b@127.0.0.1:2775?tps=fast"), "tps"},
		{"BindUnknownParam", with("HUAMU_SMPP_BINDS", "smpp://a:b@127.0.0.1:2775?speed=1"), "speed"},
		{"BindBadPort", with("HUAMU_SMPP_BINDS", "smpp://a:b@127.0.0.1:99999"), "port"},
		{"BindPasswordTooLong", with("HUAMU_SMPP_BINDS", "smpp://a:123456789@127.0.0.1:2775"), "password"},
		{"BindBadSource", with("HUAMU_SMPP_BINDS", "smpp://a:b@127.0.0.1:2775?source=HUAMU"), "source"},
		{"BindBadRedelivery", with("HUAMU_SMPP_BINDS", "smpp://a:b@127.0.0.1:2775?redelivery=5s"), "redelivery"},
		{"BadOrderTTL", with("HUAMU_ORDER_TTL", "tomorrow"), "HUAMU_ORDER_TTL"},
		{"BadLogLevel", with("HUAMU_LOG_LEVEL", "loud"), "HUAMU_LOG_LEVEL"},
		{"PprofNotLoopback", with("HUAMU_PPROF_ADDR", "0.0.0.0:6060"), "loopback"},
		{"PprofNotHostPort", with("HUAMU_PPROF_ADDR", "6060"), "HUAMU_PPROF_ADDR"},
		{"PublicURLNotHTTP", with("HUAMU_PUBLIC_URL", "huamu.example.org"), "HUAMU_PUBLIC_URL"},
		{"MetricsAddrNotHostPort", with("HUAMU_METRICS_ADDR", "9090"), "HUAMU_METRICS_ADDR"},
		{"MetricsOnTheBackOffice", with("HUAMU_METRICS_ADDR", DefaultHTTPAddr), "HUAMU_METRICS_ADDR"},
		{"BadProxy", with("HUAMU_TRUSTED_PROXIES", "10.0.0.1,proxy.lan"), "HUAMU_TRUSTED_PROXIES"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

func TestLoad_PprofOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:6060"} {
		c, err := Load(env(with("HUAMU_PPROF_ADDR", addr)))
		if err != nil || c.PprofAddr != addr {
			t.Errorf("%s: %v, PprofAddr %q", addr, err, c.PprofAddr)
		}
	}
	if c, err := Load(env(good)); err != nil || c.PprofAddr != "" {
		t.Fatalf("unset: %v, PprofAddr %q, want none served", err, c.PprofAddr)
	}
}

func TestParseBinds_RedeliveryWindowPerBind(t *testing.T) {
	binds, err := ParseBinds("smpp://a:b@127.0.0.1:2775?redelivery=30m,smpp://c:d@127.0.0.1:2776")
	if err != nil {
		t.Fatal(err)
	}
	if binds[0].Redelivery != 30*time.Minute || binds[1].Redelivery != DefaultRedelivery {
		t.Fatalf("redelivery windows %v and %v, want 30m and the default", binds[0].Redelivery, binds[1].Redelivery)
	}
}

func TestLoad_ReportsEveryProblemAtOnce(t *testing.T) {
	_, err := Load(env(map[string]string{"HUAMU_HTTP_ADDR": "x"}))
	for _, v := range []string{"DATABASE_URL", "REDIS_URL", "HUAMU_HTTP_ADDR"} {
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("error %v does not name %s", err, v)
		}
	}
}

func TestParseBinds_OnePerURLWithCarrierNames(t *testing.T) {
	bs, err := ParseBinds("smpp://hm01:pw@10.0.0.1:2775?carrier=mobile&source=106900001&window=20&tps=100, " +
		"smpp://hm02:pw@10.0.0.2:2775?carrier=mobile,smpp://hu:pw@10.0.0.3:7777?carrier=unicom,smpp://x:y@h:1")
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 4 {
		t.Fatalf("got %d binds", len(bs))
	}
	b := bs[0]
	if b.SystemID != "hm01" || b.Password != "pw" || b.Addr != "10.0.0.1:2775" || b.Carrier != "mobile" ||
		b.Source != "106900001" || b.Window != 20 || b.TPS != 100 || b.Name != "mobile-1" {
		t.Fatalf("first bind: %+v", b)
	}
	if bs[1].Name != "mobile-2" || bs[1].Window != DefaultWindow || bs[1].TPS != DefaultTPS {
		t.Fatalf("second bind: %+v", bs[1])
	}
	if bs[2].Name != "unicom-1" || bs[3].Name != "any-1" || bs[3].Carrier != "" {
		t.Fatalf("names: %s %s", bs[2].Name, bs[3].Name)
	}
}

// A bind's carrier is read as smsgw.ParseCarrier reads it: any case, or
// the Chinese name.
func TestParseBinds_CarrierInAnyCaseOrInChinese(t *testing.T) {
	bs, err := ParseBinds("smpp://a:b@h:1?carrier=Unicom,smpp://c:d@h:2?carrier=中国电信")
	if err != nil {
		t.Fatal(err)
	}
	if bs[0].Carrier != "unicom" || bs[0].Name != "unicom-1" || bs[1].Carrier != "telecom" || bs[1].Name != "telecom-1" {
		t.Fatalf("binds %+v", bs)
	}
}

func TestConfigString_MasksPasswords(t *testing.T) {
	c, err := Load(env(with("DATABASE_URL", "postgres://u:secretpw@h:5432/db", "HUAMU_SMPP_BINDS", "smpp://id:bindpw@h:1")))
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "secretpw") || strings.Contains(s, "bindpw") {
		t.Fatalf("password leaked: %s", s)
	}
}

func TestLoad_MetricsOnLoopbackAndNoTrustedProxiesByDefault(t *testing.T) {
	c, err := Load(env(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.MetricsAddr != "127.0.0.1:8081" || len(c.TrustedProxies) != 0 || c.SecureCookies() {
		t.Fatalf("metrics %q proxies %v secure %t", c.MetricsAddr, c.TrustedProxies, c.SecureCookies())
	}
	c, err = Load(env(with("HUAMU_PUBLIC_URL", "https://huamu.example.org", "HUAMU_TRUSTED_PROXIES", " 10.0.0.5, 192.168.1.0/24 ,fd00::/8")))
	if err != nil {
		t.Fatal(err)
	}
	if !c.SecureCookies() || len(c.TrustedProxies) != 3 || c.TrustedProxies[0].String() != "10.0.0.5/32" {
		t.Fatalf("secure %t proxies %v", c.SecureCookies(), c.TrustedProxies)
	}
}

func TestConfigString_MasksPasswordsInEveryFormOfDSN(t *testing.T) {
	for _, dsn := range []string{
		"host=db user=huamu password=secretpw dbname=huamu",
		"host=db user=huamu password = secretpw dbname=huamu",
		"host=db PASSWORD='secret pw\\' x' dbname=huamu",
		"postgres://huamu@db:5432/huamu?sslmode=disable&password=secretpw",
		"postgres://huamu:secretpw@db:5432/huamu?Password=secretpw",
		"postgres://huamu:p%ZZsecretpw@db/huamu",
	} {
		c, err := Load(env(with("DATABASE_URL", dsn, "REDIS_URL", "redis://:secretpw@127.0.0.1:6379/0")))
		if err != nil && !strings.Contains(dsn, "%ZZ") {
			t.Fatalf("%s: %v", dsn, err)
		}
		c.DatabaseURL, c.RedisURL = dsn, "redis://:secretpw@127.0.0.1:6379/0"
		if s := c.String(); strings.Contains(s, "secret") {
			t.Errorf("%s: password leaked in %s", dsn, s)
		}
	}
	c := Config{DatabaseURL: "host=db user=huamu password=secretpw dbname=huamu"}
	if s := c.String(); !strings.Contains(s, "host=db user=huamu password=xxx dbname=huamu") {
		t.Errorf("keyword DSN masked as %s, want the rest kept", s)
	}
}
