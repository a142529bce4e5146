#!/usr/bin/env python3
"""Genesis next to its peers, against the same loopback fake OpenAI upstream.

Starts a fake OpenAI-format server (streaming SSE as fast as it can, or a whole JSON answer),
then measures, for each client that is installed:
  - `genesis ask` (the release binary) : wall time of one whole CLI run
  - simonw's `llm` CLI (pip install llm): wall time of one whole CLI run
  - the OpenAI Python SDK (pip install openai): time per streamed request, in process
  - LiteLLM's Router (pip install litellm): time per streamed request, in process
  - raw http.client: the floor for an in-process Python request
and prints each next to the others with ratios. Nothing is sent anywhere but 127.0.0.1.

    python3 Benchmarks/peers.py [--runs 20] [--genesis .build/release/genesis]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNKS = 50

def chunk(i):
    return "data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
                                  "choices": [{"index": 0, "delta": {"content": f" t{i}"}, "finish_reason": None}]}) + "\n\n"

STREAM = ("".join(chunk(i) for i in range(CHUNKS))
          + "data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
                                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                                   "usage": {"prompt_tokens": 5, "completion_tokens": CHUNKS, "total_tokens": CHUNKS + 5}}) + "\n\n"
          + "data: [DONE]\n\n").encode()
WHOLE = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(f" t{i}" for i in range(CHUNKS))},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 5, "completion_tokens": CHUNKS, "total_tokens": CHUNKS + 5}}).encode()

class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        body = json.dumps({"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]}).encode()
        self.send_response(200); self.send_header("content-type", "application/json"); self.send_header("content-length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        body, kind = (STREAM, "text/event-stream") if request.get("stream") else (WHOLE, "application/json")
        self.send_response(200); self.send_header("content-type", kind); self.send_header("content-length", str(len(body)))
        self.end_headers(); self.wfile.write(body)

def timed(runs, fn):
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter(); fn(); samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--genesis", default=".build/release/genesis")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/v1"
    env = dict(os.environ, OPENAI_API_KEY="sk-bench-0000000000000000", OPENAI_BASE_URL=base, OPENAI_API_BASE=base,
               GENESIS_DISCOVER_LOCAL="0", XDG_DATA_HOME=tempfile.mkdtemp(), XDG_STATE_HOME=tempfile.mkdtemp(),
               XDG_CONFIG_HOME=tempfile.mkdtemp(), LLM_USER_PATH=tempfile.mkdtemp())
    results = {}

    if os.path.exists(args.genesis):
        cmd = [args.genesis, "ask", "--no-history", "-m", "openai:gpt-4o-mini", "hi"]
        results["genesis ask (CLI run)"] = timed(args.runs, lambda: subprocess.run(cmd, env=env, check=True, capture_output=True))
    if shutil.which("llm"):
        cmd = ["llm", "-m", "gpt-4o-mini", "hi"]
        try:
            subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=60)
            results["llm (CLI run)"] = timed(args.runs, lambda: subprocess.run(cmd, env=env, check=True, capture_output=True))
        except Exception as error:
            print(f"llm: not measured ({error})", file=sys.stderr)

    import http.client
    def raw():
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port)
        connection.request("POST", "/v1/chat/completions", body=json.dumps({"model": "gpt-4o-mini", "stream": True, "messages": []}),
                           headers={"content-type": "application/json"})
        connection.getresponse().read(); connection.close()
    results["raw http.client (in process)"] = timed(args.runs, raw)
    try:
        import openai
        client = openai.OpenAI(base_url=base, api_key="sk-bench-0000000000000000")
        def sdk():
            for _ in client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True): pass
        results["OpenAI SDK (in process)"] = timed(args.runs, sdk)
    except ImportError:
        print("openai: not installed (pip install openai)", file=sys.stderr)
    try:
        import asyncio, litellm
        router = litellm.Router(model_list=[{"model_name": "m", "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": base,
                                                                                   "api_key": "sk-bench-0000000000000000"}}])
        async def one():
            async for _ in await router.acompletion(model="m", messages=[{"role": "user", "content": "hi"}], stream=True): pass
        results["LiteLLM Router (in process)"] = timed(args.runs, lambda: asyncio.run(one()))
    except ImportError:
        print("litellm: not installed (pip install litellm)", file=sys.stderr)

    print(f"{'client':34} {'median ms':>10} {'vs genesis':>11}")
    reference = results.get("genesis ask (CLI run)")
    for name, ms in results.items():
        ratio = f"{ms / reference:10.2f}x" if reference else ""
        print(f"{name:34} {ms:10.1f} {ratio}")
    print(json.dumps({"runs": args.runs, "median_ms": {k: round(v, 2) for k, v in results.items()}}))
    server.shutdown()

if __name__ == "__main__":
    main()
