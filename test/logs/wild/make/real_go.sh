#!/bin/bash
# Real Go 1.23 (Debian bookworm-backports golang-1.23-go) programs, TZ=UTC:
#   go-log (log default flags), go-log-micro (log.LstdFlags|log.Lmicroseconds),
#   go-slog-json (log/slog JSONHandler), go-slog-text (log/slog TextHandler)
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-go; rm -rf $D; mkdir -p $D
cat > $D/main.go <<'GO'
package main

import (
	"errors"
	"log"
	"log/slog"
	"math/rand"
	"os"
	"time"
)

func open(p string) *os.File {
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	return f
}

func main() {
	dir := os.Args[1]
	std := log.New(open(dir+"/go-log.log"), "", log.LstdFlags)
	micro := log.New(open(dir+"/go-log-micro.log"), "", log.LstdFlags|log.Lmicroseconds)
	js := slog.New(slog.NewJSONHandler(open(dir+"/go-slog-json.log"), &slog.HandlerOptions{Level: slog.LevelDebug}))
	tx := slog.New(slog.NewTextHandler(open(dir+"/go-slog-text.log"), nil))
	r := rand.New(rand.NewSource(3))
	pauses := []int{24, 51, 9, 63, 33, 0}
	n := 0
	for b, p := range pauses {
		k := 5 + r.Intn(8)
		for i := 0; i < k; i++ {
			n++
			ms := r.Intn(900)
			std.Printf("handled request %d in %dms", n, ms)
			micro.Printf("worker %d: handled request %d", i%3, n)
			js.Info("request", "id", n, "ms", ms, "path", "/api/v1/items")
			js.Debug("cache lookup", "key", "items", "hit", n%2 == 0)
			tx.Info("request done", "id", n, "dur", time.Duration(ms)*time.Millisecond)
			time.Sleep(time.Duration(r.Intn(400)) * time.Millisecond)
		}
		if b == 2 {
			err := errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
			std.Printf("db error: %v\nretrying in 5s\n(attempt 2 of 5)", err)
			micro.Printf("config reloaded:\n  workers=3\n  queue=64")
			js.Error("db unavailable", "err", err, "attempt", 2)
			tx.Warn("db unavailable", "err", err, "note", "multi word value")
		}
		time.Sleep(time.Duration(p) * time.Second)
	}
	std.Println("shutting down")
	micro.Println("shutting down")
	js.Info("shutting down")
	tx.Info("shutting down")
}
GO
cd $D && /usr/lib/go-1.23/bin/go mod init wild >/dev/null 2>&1 && GOFLAGS=-mod=mod GOPROXY=off /usr/lib/go-1.23/bin/go build -o wildgo . && ./wildgo $D
for f in go-log go-log-micro go-slog-json go-slog-text; do
  mkdir -p $WILD/$f; cp $D/$f.log $WILD/$f/app.log; touch -r $D/$f.log $WILD/$f/app.log; echo "$f: $(wc -l < $D/$f.log) lines"
done
