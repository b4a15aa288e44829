package smsgw

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the gateway's Prometheus series. A nil *Metrics records nothing.
type Metrics struct {
	bindUp    *prometheus.GaugeVec
	moTotal   *prometheus.CounterVec
	mtParts   *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	receipts  *prometheus.CounterVec
	throttled *prometheus.CounterVec
	syserr    *prometheus.CounterVec
}

// NewMetrics registers the gateway's series with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		bindUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "huamu_smpp_bind_up",
			Help: "1 when the SMPP bind is bound, else 0."}, []string{"bind", "carrier"}),
		moTotal: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huamu_sms_mo_total",
			Help: "Mobile-originated messages (parts) stored, by carrier."}, []string{"carrier"}),
		mtParts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huamu_sms_mt_parts_total",
			Help: "MT parts submitted, by carrier and result."}, []string{"carrier", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "huamu_smpp_submit_seconds",
			Help: "submit_sm to submit_sm_resp latency.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)},
			[]string{"bind"}),
		receipts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huamu_sms_receipts_total",
			Help: "Delivery receipts received, by state."}, []string{"carrier", "state"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huamu_smpp_throttled_total",
			Help: "Submits the SMSC answered with ESME_RTHROTTLED or ESME_RMSGQFUL, by bind."}, []string{"bind"}),
		syserr: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huamu_smpp_system_errors_total",
			Help: "Submits the SMSC answered with ESME_RSYSERR or ESME_RX_T_APPN, by bind; each MT backs off and fails after its attempts."},
			[]string{"bind"}),
	}
	reg.MustRegister(m.bindUp, m.moTotal, m.mtParts, m.latency, m.receipts, m.throttled, m.syserr)
	return m
}

func (m *Metrics) bindState(c BindConfig, s BindState) {
	if m == nil {
		return
	}
	v := 0.0
	if s == BindUp {
		v = 1
	}
	m.bindUp.WithLabelValues(c.Name, string(c.Carrier)).Set(v)
}

func (m *Metrics) mo(carrier Carrier) {
	if m != nil {
		m.moTotal.WithLabelValues(string(carrier)).Inc()
	}
}

func (m *Metrics) submitted(c BindConfig, err error) {
	if m == nil {
		return
	}
	res := "ok"
	if err != nil {
		res = "error"
	}
	m.mtParts.WithLabelValues(string(c.Carrier), res).Inc()
}

func (m *Metrics) submitLatency(c BindConfig, d time.Duration) {
	if m != nil {
		m.latency.WithLabelValues(c.Name).Observe(d.Seconds())
	}
}

func (m *Metrics) receipt(c BindConfig, s ReceiptState) {
	if m != nil {
		m.receipts.WithLabelValues(string(c.Carrier), s.String()).Inc()
	}
}

func (m *Metrics) systemError(c BindConfig) {
	if m != nil {
		m.syserr.WithLabelValues(c.Name).Inc()
	}
}

func (m *Metrics) throttle(c BindConfig) {
	if m != nil {
		m.throttled.WithLabelValues(c.Name).Inc()
	}
}
