import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator that sends the same chat completion request to a provider directly and through
 * a gateway, and writes Markdown tables comparing their latency.
 *
 * <p>It runs three kinds of scenario, each first against the direct URL and then against the
 * gateway URL:
 * <ul>
 *   <li>closed loop: N connections, each sending its next request as soon as the previous
 *       response ended, for a fixed time;</li>
 *   <li>fixed rate (open loop): requests are due at evenly spaced times and latency is
 *       measured from the due time, so a slow response that delays later requests counts
 *       against them too (no coordinated omission);</li>
 *   <li>streaming: closed loop with {@code "stream": true}, measuring the time to the first
 *       response byte, to the first body byte (the first event) and to the end of the stream.</li>
 * </ul>
 * A warm-up at 16 connections precedes the measurements, so the JIT compilers of the server and
 * of this program have compiled the hot paths. Each thread keeps one connection open across
 * its requests, a raw socket with TCP_NODELAY and a prebuilt request, so the client adds little
 * work of its own.
 *
 * <p>Run with {@code --help} for the options.
 */
public final class LoadGen {
    private static final long MILLIS = 1_000_000L;
    private static final long SECONDS = 1_000_000_000L;
    /** A fixed-rate request sent this long after its due time counts as a late start. */
    private static final long LATE_START_NANOS = MILLIS;
    /** Extra time a fixed-rate run may take to send its last requests before it gives up. */
    private static final long RATE_GRACE_NANOS = 10 * SECONDS;

    private static final String PLAIN_BODY = """
            {"model":"gpt-4o-mini","messages":[\
            {"role":"system","content":"You are a concise assistant."},\
            {"role":"user","content":"Write one sentence about toll roads."}],\
            "max_tokens":64}""";
    private static final String STREAM_BODY = """
            {"model":"gpt-4o-mini","messages":[\
            {"role":"system","content":"You are a concise assistant."},\
            {"role":"user","content":"Write one sentence about toll roads."}],\
            "max_tokens":64,"stream":true,"stream_options":{"include_usage":true}}""";

    /**
     * A request destination: host, port and request target (path and query), with the id of
     * the local server process that serves it, or -1 when it is unknown.
     */
    record Endpoint(String label, String host, int port, String requestTarget, long serverPid) {
        static Endpoint parse(String label, String url, long serverPid) {
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) {
                throw new IllegalArgumentException(label + " URL must be http://HOST:PORT/...: " + url);
            }
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return new Endpoint(label, uri.getHost(), uri.getPort(), target, serverPid);
        }

        /** Returns the CPU seconds the server process has used, or -1 when unknown. */
        double serverCpuSeconds() {
            return serverPid < 0 ? -1 : ProcCpu.processSeconds(Long.toString(serverPid));
        }

        byte[] request(String authorization, String body) {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + requestTarget + " HTTP/1.1\r\n"
                    + "Host: " + host + ":" + port + "\r\n"
                    + "Authorization: " + authorization + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Accept: */*\r\n"
                    + "Content-Length: " + content.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(headBytes, headBytes.length + content.length);
            System.arraycopy(content, 0, request, headBytes.length, content.length);
            return request;
        }
    }

    /**
     * The measurements of one scenario against one endpoint. Latencies are sorted nanoseconds.
     * {@code serverCpuSeconds} is the CPU time the endpoint's server process used during the
     * run, and {@code otherCpuShare} the fraction of the machine's CPU capacity that processes
     * other than the servers and this program used meanwhile; each is -1 when unknown.
     */
    record Result(String scenario, String endpoint, long requests, long errors, long lateStarts,
            double seconds, long[] latencies, long[] firstByte, long[] firstEvent,
            double serverCpuSeconds, double otherCpuShare) {
        double throughput() {
            return requests / seconds;
        }

        /** CPU milliseconds the server used per successful request, or -1 when unknown. */
        double serverCpuMillisPerRequest() {
            return serverCpuSeconds < 0 || requests == 0 ? -1 : 1000 * serverCpuSeconds / requests;
        }

        Result withCpu(double serverSeconds, double otherShare) {
            return new Result(scenario, endpoint, requests, errors, lateStarts, seconds,
                    latencies, firstByte, firstEvent, serverSeconds, otherShare);
        }
    }

    /** A growable array of nanosecond samples, owned by one thread. */
    static final class Samples {
        private long[] values = new long[4096];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        static long[] mergeSorted(List<Samples> parts) {
            long[] all = new long[parts.stream().mapToInt(p -> p.size).sum()];
            int offset = 0;
            for (Samples part : parts) {
                System.arraycopy(part.values, 0, all, offset, part.size);
                offset += part.size;
            }
            Arrays.sort(all);
            return all;
        }
    }

    /** Per-thread counters and samples of a run. */
    static final class Worker {
        final Samples latencies = new Samples();
        final Samples firstByte = new Samples();
        final Samples firstEvent = new Samples();
        long requests;
        long errors;
        long lateStarts;
        String lastError;
    }

    private final Map<String, String> options;
    private final String authorization;
    private List<Endpoint> endpoints = List.of();
    /** Processes of the system under test besides the two servers, such as database backends. */
    private final List<String> extraPids;

    private LoadGen(Map<String, String> options) {
        this.options = options;
        this.authorization = required("authorization");
        String extra = options.getOrDefault("extra-pids", "");
        this.extraPids = extra.isBlank() ? List.of() : List.of(extra.split(","));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parseOptions(args);
        if (options.containsKey("help")) {
            printHelp();
            return;
        }
        new LoadGen(options).run();
    }

    private void run() throws IOException, InterruptedException {
        Endpoint direct = Endpoint.parse("direct", required("direct-url"),
                Long.parseLong(options.getOrDefault("direct-pid", "-1")));
        Endpoint gateway = Endpoint.parse("gateway", required("gateway-url"),
                Long.parseLong(options.getOrDefault("gateway-pid", "-1")));
        endpoints = List.of(direct, gateway);
        int[] concurrencies = ints("concurrency", "1,16,64");
        int[] rates = ints("rates", "500,2000");
        int[] streamConcurrencies = ints("stream-concurrency", "1,16");
        int rateConnections = Integer.parseInt(options.getOrDefault("rate-connections", "64"));
        long closedNanos = seconds("seconds", "10");
        long rateNanos = seconds("rate-seconds", "15");
        long streamNanos = seconds("stream-seconds", "8");
        long warmupNanos = seconds("warmup-seconds", "15");
        Path markdown = Path.of(required("markdown"));

        for (Endpoint endpoint : endpoints) {
            // The gateway has far more code to compile than the fake provider, so it warms longer.
            long plain = endpoint == direct ? warmupNanos / 3 : warmupNanos;
            report(closedLoop("warm-up", endpoint, endpoint.request(authorization, PLAIN_BODY),
                    16, plain, false));
            report(closedLoop("warm-up", endpoint, endpoint.request(authorization, STREAM_BODY),
                    16, plain / 3, true));
        }

        List<Result[]> closed = new ArrayList<>();
        for (int connections : concurrencies) {
            Result[] pair = new Result[2];
            for (int i = 0; i < 2; i++) {
                Endpoint endpoint = endpoints.get(i);
                pair[i] = report(closedLoop(connections + " connections", endpoint,
                        endpoint.request(authorization, PLAIN_BODY), connections, closedNanos, false));
            }
            closed.add(pair);
        }
        List<Result[]> fixed = new ArrayList<>();
        for (int rate : rates) {
            Result[] pair = new Result[2];
            for (int i = 0; i < 2; i++) {
                Endpoint endpoint = endpoints.get(i);
                pair[i] = report(fixedRate(rate + " requests/s", endpoint,
                        endpoint.request(authorization, PLAIN_BODY), rate, rateConnections, rateNanos));
            }
            fixed.add(pair);
        }
        List<Result[]> streams = new ArrayList<>();
        for (int connections : streamConcurrencies) {
            Result[] pair = new Result[2];
            for (int i = 0; i < 2; i++) {
                Endpoint endpoint = endpoints.get(i);
                pair[i] = report(closedLoop(connections + " connections", endpoint,
                        endpoint.request(authorization, STREAM_BODY), connections, streamNanos, true));
            }
            streams.add(pair);
        }
        writeMarkdown(markdown, closed, fixed, streams);
    }

    /** Runs {@code connections} threads that each send requests back to back for {@code nanos}. */
    private Result closedLoop(String scenario, Endpoint endpoint, byte[] request,
            int connections, long nanos, boolean stream) throws InterruptedException {
        CpuMark before = cpuMark(endpoint);
        Result result = runClosedLoop(scenario, endpoint, request, connections, nanos, stream);
        return withCpu(result, before, cpuMark(endpoint));
    }

    private static Result runClosedLoop(String scenario, Endpoint endpoint, byte[] request,
            int connections, long nanos, boolean stream) throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + nanos;
        for (int c = 0; c < connections; c++) {
            Worker worker = new Worker();
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("closed-" + c).start(() -> {
                HttpConnection.Timing timing = new HttpConnection.Timing();
                HttpConnection connection = null;
                while (System.nanoTime() < deadline) {
                    try {
                        if (connection == null) {
                            connection = new HttpConnection(endpoint.host(), endpoint.port());
                        }
                        long sent = System.nanoTime();
                        connection.exchange(request, timing);
                        record(worker, timing, sent, sent, stream);
                        if (connection.closeRequested()) {
                            connection.close();
                            connection = null;
                        }
                    } catch (IOException | RuntimeException e) {
                        worker.errors++;
                        worker.lastError = e.toString();
                        if (connection != null) {
                            connection.close();
                            connection = null;
                        }
                        LockSupport.parkNanos(10 * MILLIS);
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return result(scenario, endpoint, workers, (System.nanoTime() - start) / (double) SECONDS);
    }

    /**
     * Sends {@code rate} requests per second for {@code nanos}, each due at a fixed time, over up
     * to {@code connections} connections. Latency counts from the due time, so when every
     * connection is busy the wait for a free one is part of the next request's latency.
     */
    private Result fixedRate(String scenario, Endpoint endpoint, byte[] request, int rate,
            int connections, long nanos) throws InterruptedException {
        CpuMark before = cpuMark(endpoint);
        Result result = runFixedRate(scenario, endpoint, request, rate, connections, nanos);
        return withCpu(result, before, cpuMark(endpoint));
    }

    /**
     * CPU counters at one instant, in seconds: the measured server's, the benchmark's (both
     * servers and this program) and the whole machine's busy time.
     */
    private record CpuMark(long nanos, double server, double benchmark, double machineBusy) {
    }

    private CpuMark cpuMark(Endpoint endpoint) {
        double benchmark = ProcCpu.processSeconds("self");
        for (Endpoint each : endpoints) {
            benchmark += Math.max(0, each.serverCpuSeconds());
        }
        for (String pid : extraPids) {
            benchmark += Math.max(0, ProcCpu.processSeconds(pid.trim()));
        }
        return new CpuMark(System.nanoTime(), endpoint.serverCpuSeconds(), benchmark,
                ProcCpu.machineBusySeconds());
    }

    private static Result withCpu(Result result, CpuMark before, CpuMark after) {
        double server = before.server() < 0 || after.server() < 0 ? -1 : after.server() - before.server();
        double other = -1;
        if (before.machineBusy() >= 0 && after.machineBusy() >= 0) {
            double capacity = Runtime.getRuntime().availableProcessors()
                    * (after.nanos() - before.nanos()) / (double) SECONDS;
            double busy = after.machineBusy() - before.machineBusy();
            other = Math.max(0, busy - (after.benchmark() - before.benchmark())) / capacity;
        }
        return result.withCpu(server, other);
    }

    private static Result runFixedRate(String scenario, Endpoint endpoint, byte[] request, int rate,
            int connections, long nanos) throws InterruptedException {
        long total = rate * nanos / SECONDS;
        AtomicLong nextIndex = new AtomicLong();
        long start = System.nanoTime() + 20 * MILLIS;
        long giveUp = start + nanos + RATE_GRACE_NANOS;
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong lastEnd = new AtomicLong(start);
        for (int c = 0; c < connections; c++) {
            Worker worker = new Worker();
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("rate-" + c).start(() -> {
                HttpConnection.Timing timing = new HttpConnection.Timing();
                HttpConnection connection = null;
                long index;
                while ((index = nextIndex.getAndIncrement()) < total) {
                    long due = start + index * SECONDS / rate;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long sent = System.nanoTime();
                    if (sent > giveUp) {
                        worker.errors++;
                        worker.lastError = "gave up: the run exceeded its time by "
                                + RATE_GRACE_NANOS / SECONDS + " s";
                        continue;
                    }
                    if (sent - due > LATE_START_NANOS) {
                        worker.lateStarts++;
                    }
                    try {
                        if (connection == null) {
                            connection = new HttpConnection(endpoint.host(), endpoint.port());
                        }
                        connection.exchange(request, timing);
                        record(worker, timing, due, sent, false);
                        lastEnd.accumulateAndGet(timing.endNanos, Math::max);
                        if (connection.closeRequested()) {
                            connection.close();
                            connection = null;
                        }
                    } catch (IOException | RuntimeException e) {
                        worker.errors++;
                        worker.lastError = e.toString();
                        if (connection != null) {
                            connection.close();
                            connection = null;
                        }
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return result(scenario, endpoint, workers, (lastEnd.get() - start) / (double) SECONDS);
    }

    /** Counts a finished exchange, as an error unless it is a 200 (with [DONE] when streamed). */
    private static void record(Worker worker, HttpConnection.Timing timing, long due, long sent,
            boolean stream) {
        if (timing.status != 200 || (stream && !timing.sawDone)) {
            worker.errors++;
            worker.lastError = "status " + timing.status + (stream && !timing.sawDone
                    ? " without data: [DONE]" : "");
            return;
        }
        worker.requests++;
        worker.latencies.add(timing.endNanos - due);
        if (stream) {
            worker.firstByte.add(timing.firstByteNanos - sent);
            worker.firstEvent.add(timing.firstBodyByteNanos - sent);
        }
    }

    private static Result result(String scenario, Endpoint endpoint, List<Worker> workers,
            double seconds) {
        long requests = 0;
        long errors = 0;
        long late = 0;
        String lastError = null;
        for (Worker worker : workers) {
            requests += worker.requests;
            errors += worker.errors;
            late += worker.lateStarts;
            if (worker.lastError != null) {
                lastError = worker.lastError;
            }
        }
        if (lastError != null) {
            System.err.printf("%s %s: %d errors, last: %s%n", endpoint.label(), scenario, errors,
                    lastError);
        }
        return new Result(scenario, endpoint.label(), requests, errors, late, seconds,
                Samples.mergeSorted(workers.stream().map(w -> w.latencies).toList()),
                Samples.mergeSorted(workers.stream().map(w -> w.firstByte).toList()),
                Samples.mergeSorted(workers.stream().map(w -> w.firstEvent).toList()), -1, -1);
    }

    private static Result report(Result result) {
        System.err.printf(Locale.ROOT, "%-8s %-22s %8d requests %6.0f/s  p50 %s ms  p99 %s ms"
                        + "  errors %d  late starts %d  server CPU %.3f ms/request  other load %s%n",
                result.endpoint(), result.scenario(), result.requests(), result.throughput(),
                millis(percentile(result.latencies(), 0.50)),
                millis(percentile(result.latencies(), 0.99)), result.errors(), result.lateStarts(),
                result.serverCpuMillisPerRequest(), percent(result.otherCpuShare()));
        return result;
    }

    /** Nearest-rank percentile of sorted samples, or -1 when there are none. */
    static long percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", nanos / (double) MILLIS);
    }

    private static final String OTHER_LOAD_NOTE = "Other load: the share of the machine's CPU"
            + " that processes other than the fake provider, Tollgate (with the database backends"
            + " serving it) and the load generator used during the direct run / the Tollgate run.";

    private static String otherLoad(Result[] pair) {
        return percent(pair[0].otherCpuShare()) + " / " + percent(pair[1].otherCpuShare());
    }

    private static String percent(double share) {
        return share < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    private static String cpuMillis(Result result) {
        double millis = result.serverCpuMillisPerRequest();
        return millis < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", millis);
    }

    private static String added(long gateway, long direct) {
        if (gateway < 0 || direct < 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%+.2f", (gateway - direct) / (double) MILLIS);
    }

    private static void writeMarkdown(Path file, List<Result[]> closed, List<Result[]> fixed,
            List<Result[]> streams) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("#### Non-streaming, closed loop");
            out.println();
            latencyTable(out, "connections", closed);
            out.println();
            out.println("#### Non-streaming, fixed rate (open loop)");
            out.println();
            out.println("Latency counts from each request's due time, so queueing behind a slow"
                    + " request is included.");
            out.println();
            latencyTable(out, "offered rate", fixed);
            out.println();
            out.println("Requests sent more than 1 ms after their due time (the load generator or"
                    + " every connection was busy), direct / Tollgate: " + String.join(", ",
                    fixed.stream().map(pair -> pair[0].scenario() + ": " + pair[0].lateStarts()
                            + " / " + pair[1].lateStarts()).toList()) + ".");
            out.println();
            out.println("#### Streaming, closed loop");
            out.println();
            streamTable(out, streams);
            out.println();
            out.println("#### Targets");
            out.println();
            targets(out, fixed);
        }
    }

    private static void latencyTable(PrintWriter out, String firstColumn, List<Result[]> pairs) {
        out.println("| " + firstColumn + " | direct p50 | direct p99 | Tollgate p50 | Tollgate p99"
                + " | added p50 | added p99 | direct req/s | Tollgate req/s | Tollgate errors"
                + " | Tollgate CPU ms/req | other load |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result[] pair : pairs) {
            Result direct = pair[0];
            Result gateway = pair[1];
            long d50 = percentile(direct.latencies(), 0.50);
            long d99 = percentile(direct.latencies(), 0.99);
            long g50 = percentile(gateway.latencies(), 0.50);
            long g99 = percentile(gateway.latencies(), 0.99);
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f | %d | %s | %s |%n",
                    direct.scenario(), millis(d50), millis(d99), millis(g50), millis(g99),
                    added(g50, d50), added(g99, d99), direct.throughput(), gateway.throughput(),
                    gateway.errors(), cpuMillis(gateway), otherLoad(pair));
        }
        out.println();
        out.println("Latencies in milliseconds; \"added\" is Tollgate minus direct at the same"
                + " percentile. Tollgate CPU ms/req is the CPU time of Tollgate's process during"
                + " the run divided by the requests it served; the fake provider used "
                + String.join(", ", pairs.stream().map(pair -> cpuMillis(pair[0])).toList())
                + " ms per request in the direct runs, in the same order. " + OTHER_LOAD_NOTE);
    }

    private static void streamTable(PrintWriter out, List<Result[]> pairs) {
        out.println("| connections | first byte direct p50 | first byte Tollgate p50"
                + " | first event direct p50 / p99 | first event Tollgate p50 / p99"
                + " | added first event p50 / p99 | whole stream direct p50 | whole stream Tollgate p50"
                + " | Tollgate CPU ms/stream | other load |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result[] pair : pairs) {
            Result direct = pair[0];
            Result gateway = pair[1];
            long d50 = percentile(direct.firstEvent(), 0.50);
            long d99 = percentile(direct.firstEvent(), 0.99);
            long g50 = percentile(gateway.firstEvent(), 0.50);
            long g99 = percentile(gateway.firstEvent(), 0.99);
            out.printf(Locale.ROOT, "| %s | %s | %s | %s / %s | %s / %s | %s / %s | %s | %s | %s | %s |%n",
                    direct.scenario().replace(" connections", ""),
                    millis(percentile(direct.firstByte(), 0.50)),
                    millis(percentile(gateway.firstByte(), 0.50)),
                    millis(d50), millis(d99), millis(g50), millis(g99),
                    added(g50, d50), added(g99, d99),
                    millis(percentile(direct.latencies(), 0.50)),
                    millis(percentile(gateway.latencies(), 0.50)), cpuMillis(gateway),
                    otherLoad(pair));
        }
        out.println();
        out.println("Milliseconds from sending the request. First byte: the first byte of the"
                + " response head. First event: the first byte of the body, which carries the"
                + " first SSE event. Streams completed through Tollgate: "
                + pairs.stream().mapToLong(p -> p[1].requests()).sum() + ", errors: "
                + pairs.stream().mapToLong(p -> p[1].errors()).sum() + ". " + OTHER_LOAD_NOTE);
    }

    /** Compares the fixed-rate results with the latency goals, where the run measured them. */
    private static void targets(PrintWriter out, List<Result[]> fixed) {
        out.println("| goal | measured added latency | met |");
        out.println("|---|---|---|");
        for (Result[] pair : fixed) {
            long added50 = percentile(pair[1].latencies(), 0.50) - percentile(pair[0].latencies(), 0.50);
            long added99 = percentile(pair[1].latencies(), 0.99) - percentile(pair[0].latencies(), 0.99);
            boolean clean = pair[1].errors() == 0;
            String rate = pair[0].scenario();
            if (rate.equals("500 requests/s")) {
                out.printf(Locale.ROOT, "| added p50 < 1 ms at %s | %s ms | %s |%n", rate,
                        added(percentile(pair[1].latencies(), 0.50), percentile(pair[0].latencies(), 0.50)),
                        clean && added50 < MILLIS ? "yes" : "no");
                out.printf(Locale.ROOT, "| added p99 < 5 ms at %s | %s ms | %s |%n", rate,
                        added(percentile(pair[1].latencies(), 0.99), percentile(pair[0].latencies(), 0.99)),
                        clean && added99 < 5 * MILLIS ? "yes" : "no");
            } else if (rate.equals("2000 requests/s")) {
                boolean kept = pair[1].throughput() >= 0.98 * 2000;
                out.printf(Locale.ROOT, "| 2,000 requests/s served with added p99 < 2 ms"
                                + " (longer-term goal) | %s ms at %.0f requests/s served | %s |%n",
                        added(percentile(pair[1].latencies(), 0.99), percentile(pair[0].latencies(), 0.99)),
                        pair[1].throughput(), clean && kept && added99 < 2 * MILLIS ? "yes" : "no");
            }
        }
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing option --" + name + "; see --help");
        }
        return value;
    }

    private int[] ints(String name, String fallback) {
        String value = options.getOrDefault(name, fallback);
        return value.isBlank() ? new int[0]
                : Arrays.stream(value.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    private long seconds(String name, String fallback) {
        return (long) (Double.parseDouble(options.getOrDefault(name, fallback)) * SECONDS);
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i] + "; see --help");
            }
            String name = args[i].substring(2);
            if (name.equals("help")) {
                options.put(name, "");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
        }
        return options;
    }

    private static void printHelp() {
        System.out.println("""
                Usage: java LoadGen --direct-url URL --gateway-url URL --authorization VALUE \\
                                    --markdown FILE [options]
                  --direct-url URL          the provider's chat completions URL
                  --gateway-url URL         the same request's URL through the gateway
                  --authorization VALUE     Authorization header sent to both
                  --direct-pid PID          process id of the provider, to report its CPU time
                  --gateway-pid PID         process id of the gateway, to report its CPU time
                  --extra-pids LIST         other processes of the system under test, such as
                                            database backends, left out of the other load
                  --markdown FILE           where to write the result tables
                  --concurrency LIST        closed-loop connection counts (default 1,16,64)
                  --rates LIST              fixed rates in requests/s (default 500,2000)
                  --rate-connections N      connections for fixed-rate runs (default 64)
                  --stream-concurrency LIST streaming connection counts (default 1,16)
                  --seconds S               length of each closed-loop run (default 10)
                  --rate-seconds S          length of each fixed-rate run (default 15)
                  --stream-seconds S        length of each streaming run (default 8)
                  --warmup-seconds S        gateway warm-up; the direct one is a third (default 15)
                An empty LIST skips those scenarios.""");
    }
}
