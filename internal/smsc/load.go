package smsc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"syscall"
	"time"

	"huamu/smsgw"
)

// LoadSpec is a load run: the simulator itself plays Count handsets, each
// texting Text once from a number of its own, at Rate texts a second (0:
// as fast as the window allows), with at most Window texts delivered and
// not yet acknowledged at any time, as a carrier's SMSC does. It times each
// text's acknowledgement and the first reply to its number.
type LoadSpec struct {
	Count  int     `json:"count"`
	Rate   float64 `json:"rate"`
	Window int     `json:"window"`
	Text   string  `json:"text"`
	To     string  `json:"to"`
}

// Latency is a latency distribution in milliseconds.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// LoadReport is where a load run stands.
type LoadReport struct {
	LoadSpec
	Running bool      `json:"running"`
	Started time.Time `json:"started"`
	Elapsed float64   `json:"elapsed_s"`
	Sent    int       `json:"sent"`    // texts whose every part went out
	Acked   int       `json:"acked"`   // texts whose every part was acknowledged
	Refused int       `json:"refused"` // deliver_sm answered with an error (and redelivered)
	Replied int       `json:"replied"` // texts whose number got a reply
	// Throughput is replies a second from the first text sent to the last
	// reply; FirstRate and LastRate are the same over the first and the
	// last Segment replies, to see whether the rate holds.
	Throughput float64 `json:"throughput"`
	Segment    int     `json:"segment"`
	FirstRate  float64 `json:"first_rate"`
	LastRate   float64 `json:"last_rate"`
	Ack        Latency `json:"ack"`   // text sent → deliver_sm_resp
	Reply      Latency `json:"reply"` // text sent → first submit_sm to its number
	// CPU is the CPU time the simulator's process used since the run
	// began (until the last reply), PID that process, and ESMEs the
	// remote addresses of the connections bound to receive, so that a
	// load tool can find the processes of the exchange on this machine.
	CPU   float64  `json:"cpu_s"`
	PID   int      `json:"pid"`
	ESMEs []string `json:"esmes"`
}

// loadRun is a load run's state, guarded by the server's mutex.
type loadRun struct {
	spec    LoadSpec
	start   time.Time
	cpu0    time.Duration
	cpuEnd  time.Duration // when the last reply came
	cancel  context.CancelFunc
	running bool
	dc      byte
	segs    []smsgw.Segment
	nums    map[string]int32 // handset number → text index
	// per text, nanoseconds since start; 0 while it has not happened
	sentAt, ackedAt, repliedAt []int64
	partsSent, partsAcked      []uint8
	sent, acked, replied       int
	refused                    int
	outstanding                int           // texts queued or delivered and not yet acknowledged
	space                      chan struct{} // signalled when outstanding falls
}

// ErrLoadRunning is returned by StartLoad while a run is going on.
var ErrLoadRunning = errors.New("a load run is already going on")

// StartLoad begins a load run in the background.
func (s *Server) StartLoad(spec LoadSpec) error {
	if spec.Count <= 0 || spec.Count > 10_000_000 {
		return fmt.Errorf("count must be between 1 and 10000000")
	}
	if spec.Rate < 0 {
		return fmt.Errorf("rate must not be negative")
	}
	if spec.Window <= 0 {
		spec.Window = 64
	}
	if spec.Text == "" {
		spec.Text = "帮助"
	}
	if spec.To == "" {
		spec.To = "10690000"
	}
	dc, segs, err := smsgw.Split(spec.Text, uint16(rand.N(255)+1), false)
	if err != nil || len(segs) > 255 {
		return fmt.Errorf("text: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.load != nil && s.load.running {
		return ErrLoadRunning
	}
	ctx, cancel := context.WithCancel(context.Background())
	lr := &loadRun{spec: spec, start: time.Now(), cpu0: cpuTime(), cancel: cancel, running: true, dc: dc, segs: segs,
		nums: make(map[string]int32, spec.Count), sentAt: make([]int64, spec.Count), ackedAt: make([]int64, spec.Count),
		repliedAt: make([]int64, spec.Count), partsSent: make([]uint8, spec.Count), partsAcked: make([]uint8, spec.Count),
		space: make(chan struct{}, 1)}
	s.load = lr
	// Numbers of this run: 13 + three digits for the run + six for the text.
	run := rand.N(900) + 100
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.generate(ctx, lr, run)
	}()
	return nil
}

// StopLoad ends the current load run: no more texts are sent.
func (s *Server) StopLoad() {
	s.mu.Lock()
	lr := s.load
	s.mu.Unlock()
	if lr != nil {
		lr.cancel()
	}
}

// generate queues the run's texts, paced by its rate and window.
func (s *Server) generate(ctx context.Context, lr *loadRun, run int) {
	defer func() {
		s.mu.Lock()
		lr.running = lr.replied < lr.spec.Count && ctx.Err() == nil
		s.mu.Unlock()
	}()
	for i := 0; i < lr.spec.Count; {
		if lr.spec.Rate > 0 {
			due := int(time.Since(lr.start).Seconds()*lr.spec.Rate) + 1
			if i >= due {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Millisecond):
				}
				continue
			}
		}
		s.mu.Lock()
		if lr.outstanding >= lr.spec.Window {
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-lr.space:
			case <-s.stopping():
				return
			}
			continue
		}
		from := fmt.Sprintf("13%03d%06d", run, i%1_000_000)
		lr.nums[from] = int32(i)
		lr.outstanding++
		for _, seg := range lr.segs {
			s.queue = append(s.queue, &moPart{from: from, to: lr.spec.To, seg: seg, dc: lr.dc, load: lr, idx: int32(i)})
		}
		s.notifyLocked()
		s.mu.Unlock()
		i++
	}
	// Wait for the replies, so that the run's CPU ends with its last one.
	select {
	case <-ctx.Done():
	case <-s.stopping():
	}
}

// stopping is closed when the server stops.
func (s *Server) stopping() <-chan struct{} { return s.stopped }

func (lr *loadRun) since() int64 {
	if d := time.Since(lr.start).Nanoseconds(); d > 0 {
		return d
	}
	return 1
}

// sentLocked notes that a part of text i went out.
func (lr *loadRun) sentLocked(i int32) {
	lr.partsSent[i]++
	if int(lr.partsSent[i]) == len(lr.segs) && lr.sentAt[i] == 0 {
		lr.sentAt[i] = lr.since()
		lr.sent++
	}
}

// ackedLocked notes that a part of text i was acknowledged.
func (lr *loadRun) ackedLocked(i int32) {
	lr.partsAcked[i]++
	if int(lr.partsAcked[i]) != len(lr.segs) {
		return
	}
	lr.ackedAt[i] = lr.since()
	lr.acked++
	lr.outstanding--
	select {
	case lr.space <- struct{}{}:
	default:
	}
}

// replyLocked notes a submit to number and reports whether the number is
// one of the run's handsets.
func (lr *loadRun) replyLocked(number string) bool {
	i, ok := lr.nums[number]
	if !ok {
		return false
	}
	if lr.repliedAt[i] == 0 {
		lr.repliedAt[i] = lr.since()
		lr.replied++
		if lr.replied == lr.spec.Count {
			lr.cpuEnd = cpuTime()
			lr.running = false
			lr.cancel()
		}
	}
	return true
}

// LoadReport reports the current or last load run; ok is false when there
// has been none.
func (s *Server) LoadReport() (r LoadReport, ok bool) {
	s.mu.Lock()
	lr := s.load
	if lr == nil {
		s.mu.Unlock()
		return r, false
	}
	r = LoadReport{LoadSpec: lr.spec, Running: lr.running, Started: lr.start, Sent: lr.sent, Acked: lr.acked,
		Refused: lr.refused, Replied: lr.replied, PID: os.Getpid()}
	sent := slices.Clone(lr.sentAt)
	acked := slices.Clone(lr.ackedAt)
	replied := slices.Clone(lr.repliedAt)
	cpuEnd := lr.cpuEnd
	for c := range s.conns {
		if c.receiver() {
			r.ESMEs = append(r.ESMEs, c.nc.RemoteAddr().String())
		}
	}
	s.mu.Unlock()
	slices.Sort(r.ESMEs)
	if cpuEnd == 0 {
		cpuEnd = cpuTime()
	}
	r.CPU = (cpuEnd - lr.cpu0).Seconds()
	r.Elapsed = time.Since(lr.start).Seconds()
	r.Ack = latencies(sent, acked)
	r.Reply = latencies(sent, replied)

	// Throughput from the first text sent to the last reply.
	var first int64
	var times []int64
	for i, t := range replied {
		if t > 0 {
			times = append(times, t)
		}
		if sent[i] > 0 && (first == 0 || sent[i] < first) {
			first = sent[i]
		}
	}
	slices.Sort(times)
	if n := len(times); n > 0 && times[n-1] > first {
		r.Throughput = float64(n) / (float64(times[n-1]-first) / 1e9)
		r.Segment = min(20_000, n/5)
		if k := r.Segment; k > 1 {
			r.FirstRate = float64(k) / (float64(times[k-1]-first) / 1e9)
			r.LastRate = float64(k) / (float64(times[n-1]-times[n-k-1]) / 1e9)
		}
	}
	return r, true
}

// latencies summarises to[i]-from[i] over the texts where both happened.
func latencies(from, to []int64) Latency {
	var ds []int64
	for i := range from {
		if from[i] > 0 && to[i] > 0 {
			ds = append(ds, max(0, to[i]-from[i]))
		}
	}
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / 1e6
	}
	return Latency{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: float64(ds[len(ds)-1]) / 1e6}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
