package smsc

import (
	"cmp"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is an MT as a handset shows it: its parts joined.
type Message struct {
	To        string    `json:"to"`
	From      string    `json:"from"`
	Text      string    `json:"text"`
	Parts     int       `json:"parts"`
	MessageID string    `json:"message_id"` // of the first part
	At        time.Time `json:"at"`
	Index     int       `json:"index"` // position in the submit log, for polling with ?after=
}

// Messages joins the accepted submits into whole messages, in arrival order
// of their first part. Parts still missing leave a message out until they
// arrive.
func (s *Server) Messages() []Message {
	subs := s.Submits()
	type key struct {
		to  string
		ref int
	}
	var out []Message
	groups := map[key][]Submit{}
	first := map[key]int{}
	for i, sb := range subs {
		if sb.Total <= 1 {
			out = append(out, Message{To: sb.To, From: sb.From, Text: sb.Text, Parts: 1, MessageID: sb.MessageID, At: sb.At, Index: i})
			continue
		}
		k := key{sb.To, sb.Ref}
		if _, ok := first[k]; !ok {
			first[k] = i
		}
		groups[k] = append(groups[k], sb)
		if len(groups[k]) == sb.Total {
			parts := groups[k]
			slices.SortFunc(parts, func(a, b Submit) int { return cmp.Compare(a.Seq, b.Seq) })
			var b strings.Builder
			for _, p := range parts {
				b.WriteString(p.Text)
			}
			out = append(out, Message{To: sb.To, From: sb.From, Text: b.String(), Parts: sb.Total,
				MessageID: parts[0].MessageID, At: parts[0].At, Index: i})
			delete(groups, k)
		}
	}
	return out
}

// Handler serves the simulator's control API and a page to watch it:
//
//	POST /mo   from, to, text (form or JSON) → the queued MO
//	GET  /mo   every MO and how many parts were acknowledged
//	GET  /mt   messages sent to handsets; ?to=NUMBER&after=INDEX to poll
//	POST /load a load run (LoadSpec as JSON); GET /load its report; DELETE /load stops it
//	GET  /     a page with both
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /mo", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ From, To, Text string }
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil {
				http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
				return
			}
		} else {
			in.From, in.To, in.Text = r.FormValue("from"), r.FormValue("to"), r.FormValue("text")
		}
		if in.From == "" || strings.Trim(in.From, "0123456789+") != "" || len(in.From) > 21 {
			http.Error(w, "from must be a phone number", http.StatusBadRequest)
			return
		}
		if !utf8.ValidString(in.Text) || utf8.RuneCountInString(in.Text) > 2000 {
			http.Error(w, "text must be UTF-8 and at most 2000 characters", http.StatusBadRequest)
			return
		}
		if in.To == "" {
			in.To = "10690000"
		}
		mo := s.Inject(in.From, in.To, in.Text)
		if r.FormValue("redirect") != "" {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		writeJSON(w, mo)
	})
	mux.HandleFunc("GET /mo", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.MOs()) })
	mux.HandleFunc("POST /load", func(w http.ResponseWriter, r *http.Request) {
		var spec LoadSpec
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&spec); err != nil {
			http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
			return
		}
		if !utf8.ValidString(spec.Text) || utf8.RuneCountInString(spec.Text) > 2000 {
			http.Error(w, "text must be UTF-8 and at most 2000 characters", http.StatusBadRequest)
			return
		}
		if err := s.StartLoad(spec); errors.Is(err, ErrLoadRunning) {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		} else if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /load", func(w http.ResponseWriter, r *http.Request) {
		rep, ok := s.LoadReport()
		if !ok {
			http.Error(w, "no load run yet", http.StatusNotFound)
			return
		}
		writeJSON(w, rep)
	})
	mux.HandleFunc("DELETE /load", func(w http.ResponseWriter, r *http.Request) {
		s.StopLoad()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /mt", func(w http.ResponseWriter, r *http.Request) {
		to := r.URL.Query().Get("to")
		after, _ := strconv.Atoi(r.URL.Query().Get("after"))
		var out []Message
		for _, m := range s.Messages() {
			if (to == "" || m.To == to) && m.Index >= after {
				out = append(out, m)
			}
		}
		writeJSON(w, out)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		msgs := s.Messages()
		mos := s.MOs()
		// newest first, at most 100 of each
		slices.Reverse(msgs)
		slices.Reverse(mos)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, map[string]any{"MT": head(msgs, 100), "MO": head(mos, 100), "Bound": s.Bound()})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func head[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

var page = template.Must(template.New("sim").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>短信中心模拟器</title>
<meta http-equiv="refresh" content="5">
<style>body{font-family:sans-serif;margin:1.5em;max-width:60em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3em;text-align:left;vertical-align:top}th{background:#f4f4f4}</style></head>
<body><h1>短信中心模拟器 (SMSC simulator)</h1>
<p>已绑定的接收连接: {{.Bound}}</p>
<form method="post" action="/mo"><input type="hidden" name="redirect" value="1">
手机号 <input name="from" value="13800000001" size="12"> 短信 <input name="text" size="40" value="供 桂花 8公分 200株 600元 万春镇">
<button>发送</button></form>
<h2>发给手机的短信 (MT)</h2><table><tr><th>时间</th><th>收信人</th><th>条数</th><th>内容</th></tr>
{{range .MT}}<tr><td>{{.At.Format "15:04:05"}}</td><td>{{.To}}</td><td>{{.Parts}}</td><td>{{.Text}}</td></tr>{{end}}</table>
<h2>手机发来的短信 (MO)</h2><table><tr><th>时间</th><th>发信人</th><th>已确认</th><th>内容</th></tr>
{{range .MO}}<tr><td>{{.At.Format "15:04:05"}}</td><td>{{.From}}</td><td>{{.Acked}}/{{.Parts}}</td><td>{{.Text}}</td></tr>{{end}}</table>
</body></html>`))
