package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestHelp_ListsEveryCommandOnOneScreen(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"serve", "migrate", "smsc", "sms send", "parse", "user add", "demo"} {
		if !strings.Contains(out.String(), c) {
			t.Errorf("help does not mention %q", c)
		}
	}
	if lines := strings.Count(out.String(), "\n"); lines > 24 {
		t.Errorf("help is %d lines, more than one screen", lines)
	}
}

func TestParseJSONL_OneWellFormedLinePerInputLine(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"E01","text":"供桂花8公分200株、10公分100株"}`,
		`{"id":7,"text":"求购 桂花 8公分 100株"}`,
		`not json at all`,
		``,
		`{"id":"x"}`,
		`{"id":"bad","text":"\udc00 lone surrogate"}`,
		"{\"id\":\"bytes\",\"text\":\"\xff\xfe garbage\"}",
		`[1,2,3]`,
		`{"id":"last","text":"帮助"}`,
	}, "\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"parse", "--jsonl"}, strings.NewReader(in), &out, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 9 {
		t.Fatalf("%d output lines for 9 input lines:\n%s", len(lines), out.String())
	}
	for i, l := range lines {
		var rec struct {
			ID    json.RawMessage `json:"id"`
			Parse struct {
				Type string `json:"type"`
			} `json:"parse"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.Parse.Type == "" {
			t.Errorf("line %d not a parse: %s (%v)", i+1, l, err)
		}
	}
	if !strings.HasPrefix(lines[0], `{"id":"E01","parse":{"type":"listing"`) || !strings.HasPrefix(lines[1], `{"id":7,`) {
		t.Errorf("ids not echoed as given:\n%s\n%s", lines[0], lines[1])
	}
}

func TestParse_OneTextIndented(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"parse", "出售紫微 地经5公分 高杆 分支点1.5米 300株 150元 和盛"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"species": "紫薇"`, `"ground_cm"`, `"branch_cm"`, `"min": "150.00"`, `"town": "和盛镇"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("parse output lacks %s:\n%s", want, out.String())
		}
	}
}

func TestUnknownCommandSaysSo(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"frobnicate"}, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "huamu help") {
		t.Fatalf("err %v", err)
	}
}
