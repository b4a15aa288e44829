package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"huamu/smsgw/grammar"
)

// parseCmd shows what the grammar makes of texts: one indented parse for a
// text argument, or with --jsonl one output line for every input line of
// {"id":..,"text":..} on stdin, whatever the line holds.
func parseCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonl := fs.Bool("jsonl", false, `read {"id":..,"text":..} lines on stdin, write {"id":..,"parse":{..}} lines`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	g := grammar.Default()
	if !*jsonl {
		text := strings.Join(fs.Args(), " ")
		out, err := json.MarshalIndent(g.Parse(text), "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", out)
		return err
	}
	return parseLines(g, stdin, stdout)
}

// maxLine bounds one input line; the rest of a longer line is skipped and
// the line is still answered.
const maxLine = 1 << 20

func parseLines(g *grammar.Grammar, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriter(out)
	defer w.Flush()
	var buf []byte
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r)
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		var rec struct {
			ID   json.RawMessage `json:"id"`
			Text *string         `json:"text"`
		}
		res := struct {
			ID    json.RawMessage `json:"id"`
			Parse grammar.Result  `json:"parse"`
			Error string          `json:"error,omitempty"`
		}{ID: json.RawMessage("null")}
		switch jerr := json.Unmarshal(line, &rec); {
		case tooLong:
			res.Error = fmt.Sprintf("line %d: longer than %d bytes", n, maxLine)
			res.Parse = g.Parse("")
		case jerr != nil:
			res.Error = fmt.Sprintf("line %d: not a JSON object: %v", n, jerr)
			res.Parse = g.Parse(string(line))
		default:
			if len(rec.ID) > 0 {
				res.ID = rec.ID
			}
			if rec.Text == nil {
				res.Error = fmt.Sprintf(`line %d: no "text"`, n)
				res.Parse = g.Parse("")
			} else {
				res.Parse = g.Parse(*rec.Text)
			}
		}
		// The line is put together by hand: encoding the struct would
		// validate and compact the parse's JSON a second time, a fifth of
		// the CLI's time.
		parse, merr := res.Parse.MarshalJSON()
		if merr != nil {
			return merr
		}
		buf = append(append(append(append(buf[:0], `{"id":`...), res.ID...), `,"parse":`...), parse...)
		if res.Error != "" {
			msg, _ := json.Marshal(res.Error)
			buf = append(append(buf, `,"error":`...), msg...)
		}
		if _, err := w.Write(append(buf, "}\n"...)); err != nil {
			return err
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine reads one line without its newline, keeping at most maxLine bytes.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, isPrefix, err := r.ReadLine()
		if len(line)+len(chunk) > maxLine {
			tooLong = true
		} else {
			line = append(line, chunk...)
		}
		if err != nil || !isPrefix {
			return line, tooLong, err
		}
	}
}
