package preview

import "sync"

type event struct{ name, data string }

// broker fans events out to every connected page.
type broker struct {
	mu   sync.Mutex
	subs map[chan event]bool
}

func newBroker() *broker { return &broker{subs: map[chan event]bool{}} }

func (b *broker) subscribe() chan event {
	ch := make(chan event, 8)
	b.mu.Lock()
	b.subs[ch] = true
	b.mu.Unlock()
	return ch
}

func (b *broker) unsubscribe(ch chan event) {
	b.mu.Lock()
	delete(b.subs, ch)
	b.mu.Unlock()
}

// send delivers ev to every subscriber; a page too slow to keep up misses
// it rather than blocking the rebuild loop.
func (b *broker) send(name, data string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- event{name, data}:
		default:
		}
	}
}
