package redisx

import (
	"context"
	"log/slog"
	"time"
)

// Wake tells every process waiting on topic that there is work: a text to
// parse, an SMS to send. It is a hint; workers also poll, so a lost wake-up
// costs only latency.
func (c *Client) Wake(ctx context.Context, topic string) {
	if err := c.rdb.Publish(ctx, c.key("wake", topic), "1").Err(); err != nil {
		c.log.Debug("wake", slog.String("topic", topic), slog.Any("err", err))
	}
}

// Wakeups returns a channel that receives (coalesced) after each Wake on
// topic, until ctx ends. It resubscribes by itself after a Redis outage.
func (c *Client) Wakeups(ctx context.Context, topic string) <-chan struct{} {
	out := make(chan struct{}, 1)
	go func() {
		for ctx.Err() == nil {
			sub := c.rdb.Subscribe(ctx, c.key("wake", topic))
			ch := sub.Channel()
		recv:
			for {
				select {
				case <-ctx.Done():
					break recv
				case _, ok := <-ch:
					if !ok {
						break recv
					}
					select {
					case out <- struct{}{}:
					default:
					}
				}
			}
			_ = sub.Close()
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	return out
}
