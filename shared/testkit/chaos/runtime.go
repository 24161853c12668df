package chaos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Function runs one function's binary the way the Lambda service does: it
// serves the Lambda Runtime API on a loopback port and keeps a few
// processes of the binary polling it, restarting any that exit. The
// processes' output is kept for inspection.
type Function struct {
	Name    string
	srv     *http.Server
	ln      net.Listener
	queue   chan *invocation
	timeout time.Duration

	mu       sync.Mutex
	inflight map[string]*invocation
	out      bytes.Buffer
	procs    []*exec.Cmd
	stopped  bool
	wg       sync.WaitGroup

	seq         atomic.Int64
	invocations atomic.Int64
	busy        atomic.Int64 // nanoseconds spent inside the handler, summed
}

type invocation struct {
	id      string
	payload []byte
	started time.Time
	done    chan result
}

type result struct {
	body []byte
	err  error
}

// FunctionError is a handler's error answer.
type FunctionError struct {
	Function string
	Body     string
}

func (e *FunctionError) Error() string { return e.Function + ": " + e.Body }

// StartFunction starts n processes of binary with env (KEY=value) and the
// Runtime API address added. Invocations time out after timeout, as a
// function's configured timeout would.
func StartFunction(name, binary string, env []string, n int, timeout time.Duration) (*Function, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Function{Name: name, ln: ln, queue: make(chan *invocation), timeout: timeout, inflight: map[string]*invocation{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", f.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", f.answer(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", f.answer(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.write([]byte("init error: " + string(b) + "\n"))
		w.WriteHeader(http.StatusAccepted)
	})
	f.srv = &http.Server{Handler: mux}
	go func() { _ = f.srv.Serve(ln) }()
	env = append(env, "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String(), "AWS_LAMBDA_FUNCTION_NAME="+name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST")
	for range n {
		f.wg.Go(func() { f.supervise(binary, env) })
	}
	return f, nil
}

// supervise keeps one process running until Stop.
func (f *Function) supervise(binary string, env []string) {
	for {
		f.mu.Lock()
		if f.stopped {
			f.mu.Unlock()
			return
		}
		cmd := exec.Command(binary)
		cmd.Env = env
		out := &lines{f: f}
		cmd.Stdout, cmd.Stderr = out, out // the same writer: one pipe, one copier
		if err := cmd.Start(); err != nil {
			f.mu.Unlock()
			f.write([]byte("start: " + err.Error() + "\n"))
			return
		}
		f.procs = append(f.procs, cmd)
		f.mu.Unlock()
		_ = cmd.Wait()
		out.flush()
		time.Sleep(50 * time.Millisecond)
	}
}

// lines passes one process's stdout and stderr on to its function's log a
// whole line at a time, so that its processes never interleave within a line.
type lines struct {
	f    *Function
	part []byte
}

func (l *lines) Write(p []byte) (int, error) {
	l.part = append(l.part, p...)
	if i := bytes.LastIndexByte(l.part, '\n'); i >= 0 {
		_, _ = l.f.write(l.part[:i+1])
		l.part = append(l.part[:0], l.part[i+1:]...)
	}
	return len(p), nil
}

// flush ends the log with what the process printed after its last newline.
func (l *lines) flush() {
	if len(l.part) > 0 {
		_, _ = l.f.write(append(l.part, '\n'))
		l.part = nil
	}
}

func (f *Function) write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.Write(p)
}

// Output is everything the function's processes printed so far.
func (f *Function) Output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String()
}

// Invocations is how many invocations were handed to a process, and Busy
// the time spent in the handler summed over them.
func (f *Function) Invocations() (int64, time.Duration) {
	return f.invocations.Load(), time.Duration(f.busy.Load())
}

// Invoke runs one invocation and returns the handler's answer, or a
// *FunctionError for an error answer, or an error when it timed out.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	inv := &invocation{id: f.Name + "-" + strconv.FormatInt(f.seq.Add(1), 10), payload: payload, done: make(chan result, 1)}
	ctx, cancel := context.WithTimeout(ctx, f.timeout+5*time.Second)
	defer cancel()
	select {
	case f.queue <- inv:
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: no process took the invocation: %w", f.Name, ctx.Err())
	}
	select {
	case r := <-inv.done:
		return r.body, r.err
	case <-ctx.Done():
		f.mu.Lock()
		delete(f.inflight, inv.id)
		f.mu.Unlock()
		return nil, fmt.Errorf("%s: invocation %s: %w", f.Name, inv.id, ctx.Err())
	}
}

func (f *Function) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-f.queue:
		f.mu.Lock()
		f.inflight[inv.id] = inv
		f.mu.Unlock()
		inv.started = time.Now()
		f.invocations.Add(1)
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(f.timeout).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:"+f.Name)
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	}
}

func (f *Function) answer(failed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		inv, ok := f.inflight[r.PathValue("id")]
		delete(f.inflight, r.PathValue("id"))
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		if !ok {
			return // timed out already
		}
		f.busy.Add(int64(time.Since(inv.started)))
		res := result{body: body}
		if failed {
			res = result{err: &FunctionError{Function: f.Name, Body: strings.TrimSpace(string(body))}}
		}
		inv.done <- res
	}
}

// Stop ends the processes and the Runtime API server.
func (f *Function) Stop() {
	f.mu.Lock()
	f.stopped = true
	for _, p := range f.procs {
		if p.Process != nil {
			_ = p.Process.Kill()
		}
	}
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
	_ = f.srv.Close()
	f.wg.Wait()
}

// IsFunctionError reports whether err is a handler's error answer.
func IsFunctionError(err error) bool {
	var fe *FunctionError
	return errors.As(err, &fe)
}
