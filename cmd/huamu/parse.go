package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

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

// parseLines answers every input line with one output line, in order. The
// lines already read are parsed in parallel (the grammar is safe for
// concurrent use), at most batchLines at a time; output is flushed whenever
// the input has nothing more waiting, so a person typing lines sees each
// answer at once.
func parseLines(g *grammar.Grammar, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriter(out)
	defer w.Flush()
	workers := runtime.GOMAXPROCS(0)
	jobs := make([]lineJob, 0, batchLines)
	for n := 0; ; {
		jobs = jobs[:0]
		var readErr error
		eof := false
		for len(jobs) < batchLines && (len(jobs) == 0 || r.Buffered() > 0) {
			line, tooLong, err := readLine(r)
			if err == io.EOF && len(line) == 0 && !tooLong {
				eof = true
				break
			}
			if err != nil && err != io.EOF {
				readErr = err
				break
			}
			n++
			jobs = append(jobs, lineJob{n: n, line: line, tooLong: tooLong})
			if err == io.EOF {
				eof = true
				break
			}
		}
		var wg sync.WaitGroup
		for k := 0; k < workers && k < len(jobs); k++ {
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				for i := k; i < len(jobs); i += workers {
					jobs[i].answer(g)
				}
			}(k)
		}
		wg.Wait()
		for i := range jobs {
			if jobs[i].err != nil {
				return jobs[i].err
			}
			if _, err := w.Write(jobs[i].out); err != nil {
				return err
			}
		}
		if readErr != nil {
			return readErr
		}
		if eof {
			return nil
		}
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
}

// batchLines bounds how many lines are parsed together.
const batchLines = 512

// lineJob is one input line and its answer.
type lineJob struct {
	n       int // line number, from 1
	line    []byte
	tooLong bool
	out     []byte // the output line, with its newline
	err     error
}

// answer parses the line and writes the output line into out.
func (j *lineJob) answer(g *grammar.Grammar) {
	var rec struct {
		ID   json.RawMessage `json:"id"`
		Text *string         `json:"text"`
	}
	id := json.RawMessage("null")
	var res grammar.Result
	msg := ""
	switch jerr := json.Unmarshal(j.line, &rec); {
	case j.tooLong:
		msg = fmt.Sprintf("line %d: longer than %d bytes", j.n, maxLine)
		res = g.Parse("")
	case jerr != nil:
		msg = fmt.Sprintf("line %d: not a JSON object: %v", j.n, jerr)
		res = g.Parse(string(j.line))
	default:
		if len(rec.ID) > 0 {
			id = rec.ID
		}
		if rec.Text == nil {
			msg = fmt.Sprintf(`line %d: no "text"`, j.n)
			res = g.Parse("")
		} else {
			res = g.Parse(*rec.Text)
		}
	}
	// The line is put together by hand: encoding a struct would validate
	// and compact the parse's JSON a second time, a fifth of the CLI's time.
	parse, err := res.MarshalJSON()
	if err != nil {
		j.err = err
		return
	}
	b := append(append(append(append(make([]byte, 0, len(parse)+64), `{"id":`...), id...), `,"parse":`...), parse...)
	if msg != "" {
		m, _ := json.Marshal(msg)
		b = append(append(b, `,"error":`...), m...)
	}
	j.out = append(b, "}\n"...)
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
